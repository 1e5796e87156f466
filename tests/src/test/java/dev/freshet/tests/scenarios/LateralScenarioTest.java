package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LATERAL sub-queries correlated on equalities decorrelate into joins (inner, LEFT, with an
 * aggregate per outer row) and are maintained DIFFERENTIAL; a count over no rows is 0, a LEFT
 * JOIN LATERAL pads the outer rows without partners.
 */
@PostgresTest
class LateralScenarioTest {

  @Test
  void lateralJoinsFollowTheirPartners(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c,
          "CREATE TABLE a (id int PRIMARY KEY, k int)",
          "CREATE TABLE b (id int PRIMARY KEY, k int, j int)",
          "INSERT INTO a VALUES (1, 1), (2, 2), (3, NULL)",
          "INSERT INTO b VALUES (1, 1, 10), (2, 1, 20), (3, NULL, 30), (4, 5, 40)");
      List<String> queries = List.of(
          "SELECT a.id, x.n FROM a CROSS JOIN LATERAL (SELECT count(*) AS n FROM b WHERE b.k = a.k) x",
          "SELECT a.id, x.j FROM a LEFT JOIN LATERAL (SELECT b.j FROM b WHERE b.k = a.k) x ON true",
          "SELECT a.id, x.j FROM a, LATERAL (SELECT b.j FROM b WHERE b.k = a.k AND b.j > 10) x",
          "SELECT a.id, x.m FROM a, LATERAL (SELECT max(b.j) AS m FROM b WHERE b.k = a.k) x");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "lat" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("1|2", "2|0", "3|0"), rows(c, "SELECT id, n FROM lat0 ORDER BY 1"));
      assertEquals(List.of("1|10", "1|20", "2|null", "3|null"), rows(c, "SELECT id, j FROM lat1 ORDER BY 1, 2"));
      assertEquals(List.of("1|20"), rows(c, "SELECT id, j FROM lat2 ORDER BY 1, 2"));
      assertEquals(List.of("1|20", "2|null", "3|null"), rows(c, "SELECT id, m FROM lat3 ORDER BY 1"));

      List<String[]> steps = List.of(
          new String[] {"DELETE FROM b WHERE k = 1", "INSERT INTO b VALUES (5, 2, 50)"},
          new String[] {"UPDATE a SET k = 5 WHERE id = 3", "UPDATE b SET k = 2 WHERE id = 3"},
          new String[] {"INSERT INTO a VALUES (4, 2)", "DELETE FROM b WHERE id = 5", "UPDATE a SET k = NULL WHERE id = 1"});
      for (String[] step : steps) {
        inOneTransaction(c, step);
        for (int i = 0; i < queries.size(); i++) {
          Oracle.refreshAndCheck(c, "lat" + i, Mode.DIFFERENTIAL);
        }
      }
      assertEquals(List.of("1|0", "2|1", "3|1", "4|1"), rows(c, "SELECT id, n FROM lat0 ORDER BY 1"));
      assertEquals(List.of("1|null", "2|30", "3|40", "4|30"), rows(c, "SELECT id, j FROM lat1 ORDER BY 1, 2"));
      assertEquals(List.of("2|30", "3|40", "4|30"), rows(c, "SELECT id, j FROM lat2 ORDER BY 1, 2"));
      assertEquals(List.of("1|null", "2|30", "3|40", "4|30"), rows(c, "SELECT id, m FROM lat3 ORDER BY 1"));
    }
  }
}
