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
}
