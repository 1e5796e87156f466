package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Numeric constants are what PostgreSQL makes of them (red-team finding): a number written with an exponent is a
 * {@code numeric} ({@code cast(2.5e0 as int)} is 3, where the planner folded it as a double to 2), and floating-point
 * expressions and casts of fractions to integers are left to PostgreSQL, which rounds half to even for floats
 * ({@code 3.5::float8::int} is 4, {@code round(2.5::float8)} 2) and half away from zero for numerics, where Calcite
 * truncated or rounded half up. Each query is created over an empty table (the check at create compares nothing)
 * and its rows compared with the query's, by the oracle and by their text, after each refresh.
 */
@PostgresTest
class NumericConstantScenarioTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT id, cast(2.5e0 AS int) AS a, cast(3.5::float8 AS int) AS b, round(2.5::float8) AS c, "
          + "cast(1.5e0 AS int) AS d, cast(-2.5 AS int) AS e FROM nc",
      "SELECT id, 1.50e1 AS a, 1e3 * id AS b, 2.5e-3 + id AS c, 1e0 / 3 AS d, 2e0 / id AS e FROM nc",
      "SELECT id, x * 2.5::float8 AS a, cast(x / 2 AS int) AS b, round(x * 0.5::float8) AS c FROM nc",
      "SELECT id FROM nc WHERE cast(x * 0.5 AS int) = 2 OR round(0.5::float8 + x) = 2",
      // a float constant only PostgreSQL reads (refused as FR009 before: "type double does not exist")
      "SELECT id, x::float8 < 'Infinity'::float8 AS finite FROM nc WHERE x::float8 > '-Infinity'::float8"})
  void numericConstantsAreWhatPostgresMakesOfThem(String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      // created empty: the check at create, which runs the plan beside the query, has no row to compare
      exec(c, "DROP TABLE IF EXISTS nc", "CREATE TABLE nc (id int PRIMARY KEY, x numeric)");
      StreamTables.create(c, "st", sql, Mode.DIFFERENTIAL, null);
      exec(c, "INSERT INTO nc VALUES (1, 3), (2, 5)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertSameText(c, sql);
      exec(c, "INSERT INTO nc VALUES (3, 1), (4, 4.5)", "UPDATE nc SET x = 7 WHERE id = 1", "DELETE FROM nc WHERE id = 2");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertSameText(c, sql);
      assertEquals(1, StreamTables.drop(c, "st", false).size());
    }
  }

  /** The stream table's rows print as the query's. */
  private static void assertSameText(Connection c, String sql) throws Exception {
    String columns = String.join(", ", rows(c, "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = "
        + "'st'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_\\_freshet%' ORDER BY attnum"));
    assertEquals(rows(c, "SELECT q::text FROM (" + sql + ") q ORDER BY 1"),
        rows(c, "SELECT q::text FROM (SELECT " + columns + " FROM st) q ORDER BY 1"), sql);
  }
}
