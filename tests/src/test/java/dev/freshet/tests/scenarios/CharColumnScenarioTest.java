package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
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
 * A {@code char(n)} column compared with string literals means what PostgreSQL says: trailing blanks
 * are insignificant on both sides ({@code 'ab  '} equals {@code 'ab'}), in =, IN and ranges. Freshet
 * prints such comparisons on the column itself (no cast), which is also what lets PostgreSQL use the
 * column's statistics.
 */
@PostgresTest
class CharColumnScenarioTest {

  @Test
  void trailingBlanksAreInsignificantInComparisonsWithLiterals(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ch (id int PRIMARY KEY, c char(4))",
          "INSERT INTO ch VALUES (1, 'ab'), (2, 'ab  '), (3, 'abc'), (4, NULL), (7, 'aba')");
      create(c, "chq", "SELECT id FROM ch WHERE c = 'ab  ' OR c IN ('abc ', 'zz') OR c > 'abb '", Mode.DIFFERENTIAL);
      assertEquals(List.of("1", "2", "3"), rows(c, "SELECT id FROM chq ORDER BY 1"));
      exec(c, "INSERT INTO ch VALUES (5, 'abc'), (6, 'b')", "UPDATE ch SET c = 'ab ' WHERE id = 7");
      Oracle.refreshAndCheck(c, "chq", Mode.DIFFERENTIAL);
      assertEquals(List.of("1", "2", "3", "5", "6", "7"), rows(c, "SELECT id FROM chq ORDER BY 1"));
    }
  }
}
