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
 * Aggregates whose inputs vanish: SUM/AVG/MIN/MAX over no non-NULL input are NULL, a group with no
 * rows disappears, a scalar aggregate keeps its single row, MIN/MAX rescan when the extremum leaves.
 */
@PostgresTest
class EmptyGroupsScenarioTest {

  private static final String GROUPED = """
      SELECT g, count(*) AS n, count(x) AS nx, sum(x) AS s, avg(x) AS a, min(x) AS mn, max(x) AS mx
      FROM %s GROUP BY g""";

  @Test
  void nonNullInputsOfAGroupDisappear(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE e1 (id int PRIMARY KEY, g text NOT NULL, x int)",
          "INSERT INTO e1 VALUES (1, 'a', 1), (2, 'a', 3), (3, 'a', NULL), (4, 'b', 10), (5, 'b', 20), "
              + "(6, 'c', 7)");
      create(c, "e1_st", GROUPED.formatted("e1"), Mode.DIFFERENTIAL);
      String read = "SELECT g, n, nx, s, round(a, 4), mn, mx FROM e1_st ORDER BY 1";

      // group a: its non-NULL rows are deleted, its NULL row stays -> n = 1, everything else NULL / 0
      // group b: its values are updated to NULL while its rows remain
      exec(c, "DELETE FROM e1 WHERE id IN (1, 2)", "UPDATE e1 SET x = NULL WHERE g = 'b'");
      Oracle.refreshAndCheck(c, "e1_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|1|0|null|null|null|null", "b|2|0|null|null|null|null",
          "c|1|1|7|7.0000|7|7"), rows(c, read));

      // non-NULL values come back to an all-NULL group
      exec(c, "UPDATE e1 SET x = 4 WHERE id = 5");
      Oracle.refreshAndCheck(c, "e1_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|1|0|null|null|null|null", "b|2|1|4|4.0000|4|4",
          "c|1|1|7|7.0000|7|7"), rows(c, read));

      // a group whose rows all go disappears; one whose only row moves to another group too
      exec(c, "DELETE FROM e1 WHERE g = 'a'", "UPDATE e1 SET g = 'b' WHERE id = 6");
      Oracle.refreshAndCheck(c, "e1_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("b|3|2|11|5.5000|4|7"), rows(c, read));

      // the group comes back in the same window in which the last group goes
      exec(c, "INSERT INTO e1 VALUES (7, 'a', NULL)", "DELETE FROM e1 WHERE g = 'b'");
      Oracle.refreshAndCheck(c, "e1_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|1|0|null|null|null|null"), rows(c, read));
    }
  }

  @Test
  void scalarAggregateOverATableEmptiedByDelete(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE e2 (id int PRIMARY KEY, x int)", "INSERT INTO e2 VALUES (1, 5), (2, NULL), (3, 9)");
      create(c, "e2_st", "SELECT count(*) AS n, count(x) AS nx, sum(x) AS s, min(x) AS mn, max(x) AS mx, "
          + "avg(x) AS a FROM e2", Mode.DIFFERENTIAL);
      String read = "SELECT n, nx, s, mn, mx, round(a, 4) FROM e2_st";
      assertEquals(List.of("3|2|14|5|9|7.0000"), rows(c, read));

      exec(c, "DELETE FROM e2");
      Oracle.refreshAndCheck(c, "e2_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|0|null|null|null|null"), rows(c, read));

      exec(c, "INSERT INTO e2 VALUES (4, NULL)");
      Oracle.refreshAndCheck(c, "e2_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|0|null|null|null|null"), rows(c, read));

      exec(c, "UPDATE e2 SET x = -3 WHERE id = 4", "INSERT INTO e2 VALUES (5, 2)");
      Oracle.refreshAndCheck(c, "e2_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|2|-1|-3|2|-0.5000"), rows(c, read));

      exec(c, "DELETE FROM e2 WHERE id = 4", "DELETE FROM e2 WHERE id = 5");
      Oracle.refreshAndCheck(c, "e2_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|0|null|null|null|null"), rows(c, read));
    }
  }

  @Test
  void scalarAggregateCreatedOverAnEmptyTable(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE e3 (id int PRIMARY KEY, x int)");
      create(c, "e3_st", "SELECT count(*) AS n, sum(x) AS s, min(x) AS mn FROM e3", Mode.DIFFERENTIAL);
      String read = "SELECT n, s, mn FROM e3_st";
      assertEquals(List.of("0|null|null"), rows(c, read));
      exec(c, "INSERT INTO e3 VALUES (1, 4)");
      Oracle.refreshAndCheck(c, "e3_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|4|4"), rows(c, read));
      exec(c, "DELETE FROM e3");
      Oracle.refreshAndCheck(c, "e3_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|null|null"), rows(c, read));
    }
  }

  @Test
  void minMaxWhenTheExtremumLeavesOrANewOneArrives(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE e4 (id int PRIMARY KEY, g int NOT NULL, x numeric)",
          "INSERT INTO e4 SELECT i, i % 3, i FROM generate_series(1, 30) i");
      create(c, "e4_st", "SELECT g, min(x) AS mn, max(x) AS mx, count(*) AS n FROM e4 GROUP BY g",
          Mode.DIFFERENTIAL);
      String read = "SELECT g, mn, mx, n FROM e4_st ORDER BY 1";
      assertEquals(List.of("0|3|30|10", "1|1|28|10", "2|2|29|10"), rows(c, read));

      // delete the current extremum of each group (rescan needed)
      exec(c, "DELETE FROM e4 WHERE id IN (3, 30, 1, 28)", "UPDATE e4 SET x = 15 WHERE id = 2",
          "UPDATE e4 SET x = 0 WHERE id = 29");
      Oracle.refreshAndCheck(c, "e4_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|6|27|8", "1|4|25|8", "2|0|26|10"), rows(c, read));

      // new extrema arrive (insert and update), and an extremum leaves and a tie remains
      exec(c, "INSERT INTO e4 VALUES (100, 0, -5), (101, 1, 1000)", "UPDATE e4 SET x = 27 WHERE id = 24",
          "DELETE FROM e4 WHERE id = 27");
      Oracle.refreshAndCheck(c, "e4_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|-5|27|8", "1|4|1000|9", "2|0|26|10"), rows(c, read));

      // the extremum leaves and a new one arrives in the same window; extremum moves group
      exec(c, "DELETE FROM e4 WHERE id = 100", "INSERT INTO e4 VALUES (102, 0, -4)",
          "UPDATE e4 SET g = 2 WHERE id = 101");
      Oracle.refreshAndCheck(c, "e4_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|-4|27|8", "1|4|25|8", "2|0|1000|11"), rows(c, read));
    }
  }
}
