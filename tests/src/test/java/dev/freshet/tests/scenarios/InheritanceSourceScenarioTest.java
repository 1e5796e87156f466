package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Legacy inheritance: {@code SELECT … FROM parent} reads the children's rows too, but a statement
 * naming a child fires only the child's statement triggers, and a statement naming the parent fires
 * only the parent's (its transition tables holding the children's rows it changed). Every table
 * related to a source by inheritance or partitioning — descendants at every level, and ancestors —
 * carries a marker trigger: a write there makes the next refresh recompute in full. Nothing is lost;
 * writes naming the source itself stay differential.
 */
@PostgresTest
class InheritanceSourceScenarioTest {

  @Test
  void writesToChildrenAreNeverLost(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE parent (i int, v int)", "CREATE TABLE child (note text) INHERITS (parent)",
          "INSERT INTO parent VALUES (1, 10)", "INSERT INTO child VALUES (2, 20, 'a')");
      create(c, "r4", "SELECT * FROM parent", Mode.DIFFERENTIAL);
      create(c, "r4_sums", "SELECT i % 2 AS odd, sum(v) AS s, count(*) AS n FROM parent GROUP BY 1",
          Mode.DIFFERENTIAL);

      // The case: writes naming the child.
      exec(c, "INSERT INTO child VALUES (3, 30, 'b')", "UPDATE child SET v = 21 WHERE i = 2");
      Oracle.refreshAndCheck(c, "r4", Mode.FULL);
      Oracle.refreshAndCheck(c, "r4_sums", Mode.FULL);

      // Writes naming the parent reach the children's rows and are captured row by row.
      exec(c, "UPDATE parent SET v = v + 1", "DELETE FROM parent WHERE i = 3", "INSERT INTO parent VALUES (4, 40)");
      Oracle.refreshAndCheck(c, "r4", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "r4_sums", Mode.DIFFERENTIAL);

      // A grandchild, and a child created later and written before any refresh.
      exec(c, "CREATE TABLE grandchild () INHERITS (child)", "INSERT INTO grandchild VALUES (5, 50, 'g')",
          "CREATE TABLE child2 (i int, v int)", "INSERT INTO child2 VALUES (6, 60)",
          "ALTER TABLE child2 INHERIT parent");
      Oracle.refreshAndCheck(c, "r4", Mode.FULL);
      Oracle.refreshAndCheck(c, "r4_sums", Mode.FULL);
      exec(c, "UPDATE grandchild SET v = 51", "DELETE FROM child2");
      Oracle.refreshAndCheck(c, "r4", Mode.FULL);
      exec(c, "TRUNCATE child");
      Oracle.refreshAndCheck(c, "r4", Mode.FULL);
      Oracle.refreshAndCheck(c, "r4_sums", Mode.FULL);
      exec(c, "INSERT INTO parent VALUES (7, 70)");
      Oracle.refreshAndCheck(c, "r4", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|11", "4|40", "7|70"), rows(c, "SELECT i, v FROM r4 ORDER BY i"));

      // Dropping the stream tables removes every marker trigger.
      StreamTables.drop(c, "r4", false);
      StreamTables.drop(c, "r4_sums", false);
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'freshet%'"));
    }
  }

  /** A source that is itself a child: {@code UPDATE parent} changes its rows firing only the parent's triggers. */
  @Test
  void writesThroughAnAncestorAreNeverLost(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE base (i int, v int)", "CREATE TABLE mid (m int) INHERITS (base)",
          "CREATE TABLE leaf () INHERITS (mid)",
          "INSERT INTO base VALUES (1, 10)", "INSERT INTO mid VALUES (2, 20, 0)", "INSERT INTO leaf VALUES (3, 30, 1)");
      create(c, "mids", "SELECT i, v, m FROM mid", Mode.DIFFERENTIAL);
      create(c, "bases", "SELECT b.i, b.v, m.m FROM base b JOIN mid m ON m.i = b.i", Mode.DIFFERENTIAL);

      exec(c, "UPDATE base SET v = v * 2");
      Oracle.refreshAndCheck(c, "mids", Mode.FULL);
      Oracle.refreshAndCheck(c, "bases", Mode.FULL);
      exec(c, "DELETE FROM base WHERE i = 3");
      Oracle.refreshAndCheck(c, "mids", Mode.FULL);
      exec(c, "INSERT INTO mid VALUES (4, 40, 4)");
      Oracle.refreshAndCheck(c, "mids", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "bases", Mode.FULL); // mid is a child of base: its write marks base

      StreamTables.drop(c, "mids", false);
      exec(c, "UPDATE leaf SET v = 0");
      Oracle.refreshAndCheck(c, "bases", Mode.FULL);
      StreamTables.drop(c, "bases", false);
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'freshet%'"));
    }
  }

  /**
   * A child that stops inheriting ({@code NO INHERIT}) or is dropped takes its rows out of the parent with no write
   * to capture: the next refresh recomputes in full (catalog V44). A source that stops inheriting from its parent
   * keeps its rows: nothing is recomputed, and the former parent no longer marks it.
   */
  @Test
  void aChildThatLeavesTakesItsRowsAlong(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE lp (i int, v int)", "CREATE TABLE lc1 () INHERITS (lp)",
          "CREATE TABLE lc2 (note text) INHERITS (lp)", "CREATE TABLE lg () INHERITS (lc2)",
          "INSERT INTO lp VALUES (1, 10)", "INSERT INTO lc1 VALUES (2, 20)", "INSERT INTO lc2 VALUES (3, 30, 'x')",
          "INSERT INTO lg VALUES (4, 40, 'y')");
      create(c, "lp_sum", "SELECT count(*) AS n, sum(v) AS s FROM lp", Mode.DIFFERENTIAL);
      create(c, "lc2_rows", "SELECT i, v FROM lc2", Mode.DIFFERENTIAL);

      exec(c, "ALTER TABLE lc1 NO INHERIT lp");
      Oracle.refreshAndCheck(c, "lp_sum", Mode.FULL);
      assertEquals(List.of("3|80"), rows(c, "SELECT n, s FROM lp_sum"));
      exec(c, "INSERT INTO lc1 VALUES (5, 50)", "INSERT INTO lp VALUES (6, 60)");
      Oracle.refreshAndCheck(c, "lp_sum", Mode.DIFFERENTIAL);

      // lg, a grandchild of lp and child of lc2, dropped: both sources lose its row
      exec(c, "DROP TABLE lg");
      Oracle.refreshAndCheck(c, "lp_sum", Mode.FULL);
      Oracle.refreshAndCheck(c, "lc2_rows", Mode.FULL);
      assertEquals(List.of("3|100"), rows(c, "SELECT n, s FROM lp_sum"));

      // lc2, a source itself, leaves its parent: its rows are its own still; lp loses them
      exec(c, "ALTER TABLE lc2 NO INHERIT lp");
      Oracle.refreshAndCheck(c, "lc2_rows", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "lp_sum", Mode.FULL);
      exec(c, "UPDATE lp SET v = v + 1");
      Oracle.refreshAndCheck(c, "lc2_rows", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "lp_sum", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|72"), rows(c, "SELECT n, s FROM lp_sum"));
      assertEquals(List.of("3|30"), rows(c, "SELECT i, v FROM lc2_rows"));

      StreamTables.drop(c, "lp_sum", false);
      StreamTables.drop(c, "lc2_rows", false);
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'freshet%'"));
    }
  }
}
