package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.oracle.Oracle;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A concatenation ({@code 'b' || 'b'}, {@code l || 'x'}) is {@code text} in PostgreSQL, whatever its operands,
 * but Calcite types a concatenation of CHAR values CHAR ({@code 'b' || 'b'} is CHAR(2)): the char(n) check
 * ({@code BpcharUnificationCheck}) took it for a char(n) value and refused, FR003, a union column, CASE or
 * COALESCE whose first value that is not a constant is a concatenation, which PostgreSQL types text and
 * Calcite VARCHAR, alike. Property soak seed 419 (300 tries, 2026-12-05): the one refusal of the run, {@code
 * … FROM (SELECT 'b' AS c1, … UNION ALL SELECT ('b' || 'b') AS c1, …) u WHERE u.c1 NOT LIKE 'a\_b' …}, "column
 * 1 of this UNION mixes a char(n) value with strings of other lengths". A char(n) value first (before the
 * concatenation) is still refused: PostgreSQL types that mix character.
 */
@PostgresTest
class ConcatenationUnionScenarioTest {

  @Test
  void concatenationsAreTextNotCharN(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE cc (id int PRIMARY KEY, l char(3), s text)",
          "INSERT INTO cc VALUES (1, 'a', 'a'), (2, 'ab ', 'b '), (3, NULL, NULL), (4, 'b', 'bb')");
      List<String> queries = List.of(
          // property soak 419, shrunk
          "SELECT u.c1, count(*) AS n FROM (SELECT 'b' AS c1 FROM cc a UNION ALL SELECT ('b' || 'b') AS c1 FROM cc a)"
              + " u WHERE u.c1 NOT LIKE 'a\\_b' GROUP BY u.c1",
          "SELECT id, 'b' AS c1 FROM cc UNION ALL SELECT id, ('b' || 'b') FROM cc ORDER BY 2 DESC, 1 LIMIT 3",
          "SELECT 'b' || 'b' AS x FROM cc UNION ALL SELECT l FROM cc",
          "SELECT id, 'ab ' AS x FROM cc UNION ALL SELECT id, l || 'x' FROM cc ORDER BY 2, 1 LIMIT 3",
          "SELECT id, COALESCE('a' || l, s) AS x, CASE WHEN id > 2 THEN s ELSE 'a' || 'b' END AS y FROM cc");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "cc" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO cc VALUES (5, 'a  ', 'a  '), (6, '', '')", "UPDATE cc SET l = 'bb' WHERE id = 1",
          "DELETE FROM cc WHERE id = 2");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "cc" + i, Mode.DIFFERENTIAL);
      }
      exec(c, "DELETE FROM cc WHERE l IS NULL", "UPDATE cc SET s = NULL, l = 'ab' WHERE id = 4");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "cc" + i, Mode.DIFFERENTIAL);
      }
      // a char(n) value first: PostgreSQL types the column character, still refused
      String refused = "SELECT l FROM cc UNION ALL SELECT 'a' || 'b' FROM cc";
      UnsupportedQueryException e = assertThrows(UnsupportedQueryException.class,
          () -> QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(refused));
      assertEquals("FR003", e.refusal().reason().code(), e.getMessage());
    }
  }
}
