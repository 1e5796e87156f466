package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A correlated {@code NOT EXISTS} beside a {@code LEFT JOIN} to a derived aggregate whose column is of a type Calcite
 * sees as {@code ANY} (an array here: {@code max(arr)} of a NOT NULL {@code int[]}), with a filter above that rejects
 * the padded rows ({@code b.top > '{1}'}). Pushing that filter down made the join inner and the column NOT NULL,
 * without the cast that keeps it nullable for the correlate above (Calcite leaves it out for {@code ANY}); the
 * decorrelator then asserted that the join it made had another type, and the query was refused FR008 ("AssertionError
 * in Calcite while removing its sub-queries"; property soak seed 541). {@code StepwiseDecorrelator} now decorrelates
 * a copy of the correlate, typed from its inputs, and casts the result back. Maintained DIFFERENTIAL through inserts,
 * updates and deletes, the sub-query's LEFT JOIN padding rows and the outer one padding groups that vanish, the
 * oracle after every refresh.
 */
@PostgresTest
class NamedTypeNullabilityDecorrelationScenarioTest {

  private static final List<String> QUERIES = List.of(
      // the minimized query, the array column selected
      "SELECT a.id, b.k, b.top FROM nd_a a LEFT JOIN (SELECT x.k, max(x.arr) AS top FROM nd_x x GROUP BY x.k) b "
          + "ON a.k = b.k WHERE b.top > '{1}' AND NOT EXISTS (SELECT 1 FROM nd_q q LEFT JOIN nd_r r ON q.id = r.qid "
          + "WHERE q.c = a.c AND r.v = -1)",
      // the sub-query's padded rows count
      "SELECT a.id, b.top FROM nd_a a LEFT JOIN (SELECT x.k, max(x.arr) AS top FROM nd_x x GROUP BY x.k) b "
          + "ON a.k = b.k WHERE b.top > '{1}' AND NOT EXISTS (SELECT 1 FROM nd_q q LEFT JOIN nd_r r ON q.id = r.qid "
          + "WHERE q.c = a.c AND (r.v = -1 OR r.v IS NULL))",
      // an inner join in the sub-query, grouped on top
      "SELECT b.k, count(*) AS n, max(b.top) AS top FROM nd_a a LEFT JOIN (SELECT x.k, max(x.arr) AS top FROM nd_x x "
          + "GROUP BY x.k) b ON a.k = b.k WHERE b.top > '{1}' AND NOT EXISTS (SELECT 1 FROM nd_q q JOIN nd_r r "
          + "ON q.id = r.qid WHERE q.c = a.c AND r.v = -1) GROUP BY b.k",
      // the query of seed 541, on its tables (its HAVING count(*) = 0 keeps no group; >= 1 keeps them)
      "SELECT b.k1 AS k1, count(*) AS a1 FROM nd_t1 a LEFT JOIN (SELECT x.i3 AS k1, x.m1 AS k2, max(x.m1) AS a1, "
          + "sum(1) AS a2 FROM nd_t1 x GROUP BY x.i3, x.m1) b ON a.i2 = b.k1 AND a.i0 = b.k1 AND b.a1 IN ('{1}', "
          + "'{1,2}', '{}') WHERE b.a1 > '{1}' AND NOT EXISTS (SELECT 1 FROM nd_t1 q LEFT JOIN nd_t2 r ON q.i0 = r.i1 "
          + "AND q.i3 = r.i1 AND r.i1 <= 1 WHERE q.i3 = a.i3 AND q.i2 = a.i3 AND (r.j2 <= '\"x\"'::jsonb OR r.i0 = -1)) "
          + "GROUP BY b.k1 HAVING count(*) = 0",
      "SELECT b.k1 AS k1, count(*) AS a1 FROM nd_t1 a LEFT JOIN (SELECT x.i3 AS k1, x.m1 AS k2, max(x.m1) AS a1, "
          + "sum(1) AS a2 FROM nd_t1 x GROUP BY x.i3, x.m1) b ON a.i2 = b.k1 AND a.i0 = b.k1 AND b.a1 IN ('{1}', "
          + "'{1,2}', '{}', '{2}', '{3}') WHERE b.a1 > '{1}' AND NOT EXISTS (SELECT 1 FROM nd_t1 q LEFT JOIN nd_t2 r "
          + "ON q.i0 = r.i1 AND q.i3 = r.i1 AND r.i1 <= 1 WHERE q.i3 = a.i3 AND q.i2 = a.i3 AND (r.j2 <= '\"x\"'::jsonb "
          + "OR r.i0 = -1)) GROUP BY b.k1 HAVING count(*) >= 1");

  @Test
  void maintainedThroughInsertsUpdatesAndDeletes(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE nd_a (id int PRIMARY KEY, k int, c int)",
          "CREATE TABLE nd_x (id int NOT NULL, arr int[] NOT NULL, k int, PRIMARY KEY (id, arr))",
          "CREATE TABLE nd_q (id int PRIMARY KEY, c int)",
          "CREATE TABLE nd_r (id int PRIMARY KEY, qid int NOT NULL, v int)",
          "CREATE TABLE nd_t1 (i0 int NOT NULL, m1 int[] NOT NULL, i2 int, i3 int, PRIMARY KEY (i0, m1))",
          "CREATE TABLE nd_t2 (i0 int NOT NULL, i1 int NOT NULL, j2 jsonb, b3 bigint NOT NULL, PRIMARY KEY (i0, i1))",
          "INSERT INTO nd_a VALUES (1, 1, 1), (2, 2, 2), (3, NULL, 1), (4, 1, NULL), (5, 3, 3)",
          "INSERT INTO nd_x VALUES (1, '{1,2}', 1), (2, '{2}', 1), (3, '{1}', 2), (4, '{0}', NULL), (5, '{3}', 3)",
          "INSERT INTO nd_q VALUES (1, 1), (2, 2), (3, NULL), (4, 3)",
          "INSERT INTO nd_r VALUES (1, 1, -1), (2, 2, 0), (3, 1, NULL)",
          // seed 541's data
          "INSERT INTO nd_t1 (i0, m1, i2, i3) VALUES (-1, '{1,2}', -1, NULL), (0, '{}', 1, 0), (-1, '{2,1}', 0, 1), "
              + "(1, '{1,NULL}', 3, 1), (1, '{2}', 1, 1), (2, '{3}', 2, 2), (0, '{2}', 0, 0)",
          "INSERT INTO nd_t2 (i0, i1, j2, b3) VALUES (1, 0, '{\"a\": 2}'::jsonb, 2), (0, 3, '{\"a\": 1}'::jsonb, 1), "
              + "(0, 2, '\"x\"'::jsonb, 2), (-1, 3, NULL, 2), (2, 1, '{\"a\": 1}'::jsonb, 1)");
      for (int i = 0; i < QUERIES.size(); i++) {
        create(c, "nd_st" + i, QUERIES.get(i), Mode.DIFFERENTIAL);
      }
      refreshAll(c);

      // inserts: a group above the bound, a sub-query row padded by the LEFT JOIN, a row matching r.v = -1
      exec(c, "INSERT INTO nd_x VALUES (6, '{5}', 2), (7, '{9}', NULL)", "INSERT INTO nd_q VALUES (5, 2)",
          "INSERT INTO nd_a VALUES (6, 2, 5), (7, 3, NULL)", "INSERT INTO nd_r VALUES (4, 4, -1)",
          "INSERT INTO nd_t1 VALUES (3, '{2,2}', 3, 3), (1, '{1}', 1, 1)", "INSERT INTO nd_t2 VALUES (3, 1, '\"a\"', 1)");
      refreshAll(c);

      // updates: r.v to and from -1 and NULL, the array across the bound, correlated columns to NULL and back
      exec(c, "UPDATE nd_r SET v = -1 WHERE id = 2", "UPDATE nd_r SET v = NULL WHERE id = 1",
          "UPDATE nd_x SET arr = '{0,5}' WHERE id = 1", "UPDATE nd_a SET c = NULL WHERE id = 1",
          "UPDATE nd_a SET c = 2 WHERE id = 4", "UPDATE nd_q SET c = 3 WHERE id = 3",
          "UPDATE nd_t1 SET i2 = NULL WHERE (nd_t1.i3 <= nd_t1.i2 OR nd_t1.m1 < '{2,1}')", "UPDATE nd_t1 SET m1 = '{5,1}' WHERE i0 = 3",
          "UPDATE nd_t2 SET j2 = '\"w\"' WHERE i0 = 0");
      refreshAll(c);

      // deletes: the sub-query's joined row (its q row now padded), a whole group (its outer rows padded)
      exec(c, "DELETE FROM nd_r WHERE id = 4", "DELETE FROM nd_x WHERE k = 3", "DELETE FROM nd_q WHERE id = 2",
          "DELETE FROM nd_t1 WHERE i0 = 2", "DELETE FROM nd_t2 WHERE i1 = 3");
      refreshAll(c);

      // all at once, in one transaction
      inOneTransaction(c, "INSERT INTO nd_x VALUES (8, '{7}', 3)", "UPDATE nd_a SET k = 3 WHERE id = 3",
          "DELETE FROM nd_a WHERE id = 2", "INSERT INTO nd_r VALUES (5, 3, NULL), (6, 5, -1)",
          "UPDATE nd_r SET qid = 2 WHERE id = 2", "DELETE FROM nd_x WHERE id = 7", "INSERT INTO nd_q VALUES (6, NULL)",
          "INSERT INTO nd_t1 VALUES (2, '{3}', 2, 2), (5, '{4}', 5, 5)", "UPDATE nd_t1 SET i3 = 0 WHERE i0 = 0",
          "INSERT INTO nd_t2 VALUES (5, 0, NULL, 1)");
      refreshAll(c);
      exec(c, "DELETE FROM nd_r", "DELETE FROM nd_t2", "UPDATE nd_x SET arr = '{1}' WHERE k = 1");
      refreshAll(c);
    }
  }

  /**
   * The same loss of nullability in the decorrelator itself (property soak seed 659, FR008): a jsonb column of the
   * side of a RIGHT JOIN that pads rows, made NOT NULL by a filter that rejects the padded rows ({@code b.j1 > c.j1}),
   * beside a scalar sub-query and a NOT EXISTS correlated with the same side; Calcite decorrelated the plan with that
   * column NOT NULL and asserted its type had changed. {@code NullabilityTolerantDecorrelator} accepts a column that
   * comes out NOT NULL where it was nullable, cast back. Seed 659's query on its tables and a minimized one,
   * maintained through inserts, updates and deletes (padded rows appearing and vanishing), the oracle after every
   * refresh.
   */
  @Test
  void aPaddedJsonbColumnMadeNotNullByAFilter(TestDatabase db) throws Exception {
    List<String> queries = List.of(
        "SELECT b.i2 AS c1 FROM nj_t1 a JOIN nj_t2 b ON a.i0 = b.i2 AND (b.j1 ->> 0) = 'a' RIGHT JOIN nj_t2 c "
            + "ON b.i2 = c.i2 WHERE (c.f0 AND b.j1 > c.j1) AND a.i0 < (SELECT max(q.i2) FROM nj_t2 q) AND NOT EXISTS "
            + "(SELECT 1 FROM nj_t2 q, nj_t1 r WHERE q.i2 = r.i0 AND r.p2 = a.p2 AND q.i2 = a.i0 "
            + "AND CAST(2 AS numeric) >= r.i0)",
        "SELECT b.i2, b.j1, c.j1 AS cj FROM nj_t1 a JOIN nj_t2 b ON a.i0 = b.i2 RIGHT JOIN nj_t2 c ON b.i2 = c.i2 "
            + "WHERE b.j1 > c.j1 AND a.i0 < (SELECT max(q.i2) FROM nj_t2 q) AND NOT EXISTS (SELECT 1 FROM nj_t1 r "
            + "WHERE r.p2 = a.p2)");
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE nj_t1 (i0 int, n1 numeric(8,2), p2 inet)",
          "CREATE TABLE nj_t2 (f0 boolean, j1 jsonb NOT NULL, i2 int NOT NULL)",
          "INSERT INTO nj_t1 VALUES (1, 1.5, '10.0.0.1'), (2, NULL, '10.0.0.2'), (3, 2.0, NULL), (-1, 0, '10.0.0.1')",
          "INSERT INTO nj_t2 VALUES (true, '[\"a\", 1]', 1), (true, '[\"b\"]', 1), (false, '[\"a\"]', 2), "
              + "(true, '[\"a\", 2]', 3), (NULL, '[]', 3), (true, '[\"a\", 0]', 5)");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "nj_st" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      refreshAll(c, queries.size());
      assertEquals(List.of("3|[\"a\", 2]|[]"), rows(c, "SELECT i2, j1, cj FROM nj_st1 ORDER BY 1, 2, 3"));
      exec(c, "INSERT INTO nj_t1 VALUES (5, 1, '10.0.0.5'), (2, 3, '10.0.0.9')",
          "INSERT INTO nj_t2 VALUES (true, '[\"a\", 9]', 2), (true, '[\"0\"]', 5)");
      refreshAll(c, queries.size());
      exec(c, "UPDATE nj_t1 SET p2 = '10.0.0.2' WHERE i0 = 1", "UPDATE nj_t2 SET j1 = '[\"a\", 7]' WHERE i2 = 3 AND f0",
          "UPDATE nj_t2 SET i2 = 9 WHERE j1 = '[\"b\"]'", "UPDATE nj_t1 SET p2 = NULL WHERE i0 = -1");
      refreshAll(c, queries.size());
      assertTrue(count(c, "SELECT count(*) FROM nj_st0") > 0, "seed 659's query keeps rows here");
      inOneTransaction(c, "DELETE FROM nj_t1 WHERE i0 = 2", "DELETE FROM nj_t2 WHERE i2 = 9",
          "INSERT INTO nj_t2 VALUES (true, '[\"a\", -1]', 1)", "UPDATE nj_t1 SET i0 = 3 WHERE i0 = 5");
      refreshAll(c, queries.size());
    }
  }

  private static void refreshAll(Connection c, int count) throws SQLException {
    for (int i = 0; i < count; i++) {
      Oracle.refreshAndCheck(c, "nj_st" + i, Mode.DIFFERENTIAL);
    }
  }

  private static void refreshAll(Connection c) throws SQLException {
    for (int i = 0; i < QUERIES.size(); i++) {
      Oracle.refreshAndCheck(c, "nd_st" + i, Mode.DIFFERENTIAL);
    }
  }
}
