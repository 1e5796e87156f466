package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
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
 * A correlated sub-query over a FROM clause whose join condition needs a cast ({@code a.i = b.b}, int with
 * bigint) and that repeats a column name ({@code i} in three items) was refused (FR005, "a sub-query names
 * outer columns through rows Calcite types differently"; property soak seed 487, 600 tries): Calcite plans
 * the join over {@code a} with the cast appended (named {@code i0}), so {@code b.i} is named {@code i1} in
 * the rows, {@code c.i} {@code i0}, while the correlation variable names them {@code i0} and {@code i1}.
 * Same columns at the same positions; the names are now rebuilt as the variable's are. Each query is
 * maintained DIFFERENTIAL through inserts, updates and deletes that pad {@code b}'s columns with NULLs
 * (a {@code c} row no {@code a ⋈ b} row matches), fill them, and flip the sub-query, and is checked by the
 * oracle after every refresh.
 */
@PostgresTest
class CastJoinCorrelationScenarioTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      // the correlation names the padded side (b.i) and the preserved side (c.k)
      "SELECT c.k AS ck, b.i AS bi FROM t a JOIN t b ON a.i = b.b RIGHT JOIN t c ON a.i = c.i "
          + "WHERE EXISTS (SELECT 1 FROM u q WHERE q.x = c.k AND q.y = b.i)",
      // padded rows (b.i NULL) match nothing, so NOT EXISTS keeps them
      "SELECT c.k AS ck, b.i AS bi, c.i AS ci FROM t a JOIN t b ON a.i = b.b RIGHT JOIN t c ON a.i = c.i "
          + "WHERE NOT EXISTS (SELECT 1 FROM u q WHERE q.x = c.k AND q.y = b.i)",
      // a LEFT join padding c, the sub-query naming c.i, beside a NOT IN (its columns appended to the rows)
      "SELECT a.k AS ak, c.i AS ci FROM t a JOIN t b ON a.i = b.b LEFT JOIN t c ON b.k = c.i "
          + "WHERE a.b NOT IN (SELECT u.y FROM u WHERE u.y IS NOT NULL) "
          + "AND NOT EXISTS (SELECT 1 FROM u q WHERE q.x = c.i AND q.y = b.i)"})
  void isMaintainedThroughPaddedRows(String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS t, u",
          "CREATE TABLE t (k int PRIMARY KEY, i int, b bigint)",
          "CREATE TABLE u (x int, y int)",
          "INSERT INTO t VALUES (1, 1, 1), (2, 2, 1), (3, 3, 2), (4, NULL, 3), (5, 1, NULL)",
          "INSERT INTO u VALUES (1, 1), (3, 2), (5, NULL), (2, 2)");
      StreamTables.create(c, "st", sql, Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "st");
      // c rows that no a ⋈ b row matches: padded
      exec(c, "INSERT INTO t VALUES (6, 7, 9), (7, NULL, NULL)", "INSERT INTO u VALUES (6, NULL), (7, 1)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      // a padded row gets its match, a matched one loses it
      exec(c, "UPDATE t SET b = 7 WHERE k = 5", "UPDATE t SET b = 5 WHERE k = 2");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      // the sub-query flips for padded and matched rows
      exec(c, "UPDATE u SET y = 7 WHERE x = 6", "DELETE FROM u WHERE x = 1", "INSERT INTO u VALUES (2, 1), (6, 3)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      // to and from NULL, keys moved, rows deleted
      exec(c, "UPDATE t SET i = NULL WHERE k = 3", "UPDATE t SET i = 3 WHERE k = 4", "UPDATE t SET k = k + 10 WHERE k = 1",
          "DELETE FROM t WHERE k = 6");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      exec(c, "DELETE FROM u", "INSERT INTO u VALUES (NULL, NULL), (11, 1)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      exec(c, "DELETE FROM t WHERE k > 3");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertEquals(1, StreamTables.drop(c, "st", false).size());
    }
  }
}
