package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An interval constant ({@code CAST('1 year' AS interval)}) and an interval column in a union of three
 * branches: the create failed with Calcite's {@code AssertionError: use createSqlIntervalType() instead}.
 * Calcite's validator casts the inner union's branches to the union's interval type (the constant is INTERVAL
 * SECOND to the planner, the column INTERVAL DAY(10) TO SECOND(6)) and names the type by a basic type spec, which it cannot
 * derive back as an interval when it converts the cast; Freshet's coercion already cast string literals by
 * their interval qualifier, not interval values. Property soak seed 437 (300 tries, 2026-12-05), shrunk: {@code
 * SELECT 1 AS c1, CAST('1 year' AS interval) AS c2 FROM t1 a UNION ALL SELECT (b.i0 * 0), b.v2 FROM t2 a JOIN
 * t3 b ON a.b1 = b.i0 UNION ALL SELECT a.i2, b.v2 FROM t1 a, t3 b WHERE a.i2 = b.i0 ORDER BY 1 DESC LIMIT 2
 * OFFSET 1}.
 */
@PostgresTest
class IntervalUnionScenarioTest {

  @Test
  void intervalConstantBesideIntervalColumnsInAUnionOfThree(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE iu1 (i0 int PRIMARY KEY, i2 int)",
          "CREATE TABLE iu3 (i0 int NOT NULL, v2 interval NOT NULL, w interval)",
          "INSERT INTO iu1 VALUES (1, 1), (2, NULL), (3, 3)",
          "INSERT INTO iu3 VALUES (1, '1 year', NULL), (3, '360 days', '1 mon'), (4, '24 hours', '30 days')");
      List<String> queries = List.of(
          "SELECT CAST('1 year' AS interval) AS c FROM iu1 UNION ALL SELECT v2 FROM iu3 UNION ALL SELECT w FROM iu3",
          // property soak 437, shrunk (its join to a third table left out)
          "SELECT 1 AS c1, CAST('1 year' AS interval) AS c2 FROM iu1 a UNION ALL SELECT (b.i0 * 0) AS c1, b.v2 AS c2"
              + " FROM iu3 b UNION ALL SELECT a.i2 AS c1, b.v2 AS c2 FROM iu1 a, iu3 b WHERE a.i2 = b.i0"
              + " ORDER BY 1 DESC LIMIT 2 OFFSET 1",
          "SELECT c, count(*) AS n FROM (SELECT CAST('1 day' AS interval) AS c FROM iu1 UNION ALL SELECT v2 FROM iu3"
              + " UNION ALL SELECT w FROM iu3) u GROUP BY c",
          "SELECT 'x' AS c1, CAST('1 year' AS interval) AS c2 FROM iu1 UNION ALL SELECT 'y', v2 FROM iu3"
              + " UNION ALL SELECT 'zz', v2 FROM iu1, iu3");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "ivu" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO iu1 VALUES (4, 4), (5, 1)", "UPDATE iu3 SET v2 = '1 day', w = '1 year' WHERE i0 = 4",
          "DELETE FROM iu3 WHERE i0 = 3");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "ivu" + i, Mode.DIFFERENTIAL);
      }
      exec(c, "DELETE FROM iu1 WHERE i0 = 1", "INSERT INTO iu3 VALUES (5, '12 mons', '360 days')");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "ivu" + i, Mode.DIFFERENTIAL);
      }
    }
  }
}
