package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTableException;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * DDL on a source: renaming a column keeps writes to the source working (capture reads columns by
 * position), the next refresh renames the buffer's columns to match and recomputes in full once
 * (the query's names may now mean other columns), a stream table whose query names the old column
 * gets an error saying how to fix it; dropping a column the positions depend on is not refused either:
 * capture stops with a marker instead of misreading, and the application's writes go on.
 */
@PostgresTest
class SourceRenameScenarioTest {

  @Test
  void renamingACapturedColumnKeepsWritesWorking(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE rn1 (id int PRIMARY KEY, note text, a int, b text)",
          "INSERT INTO rn1 VALUES (1, 'n1', 10, 'x'), (2, 'n2', 20, 'y'), (3, 'n3', 30, 'x')");
      create(c, "rn1_sums", "SELECT b, sum(a) AS s, count(*) AS n FROM rn1 GROUP BY b", Mode.DIFFERENTIAL);
      create(c, "rn1_notes", "SELECT id, note FROM rn1 WHERE a > 10", Mode.DIFFERENTIAL);

      exec(c, "ALTER TABLE rn1 RENAME COLUMN note TO memo",
          "INSERT INTO rn1 VALUES (4, 'n4', 40, 'y')",
          "UPDATE rn1 SET a = a + 1, memo = 'changed' WHERE id = 1",
          "DELETE FROM rn1 WHERE id = 3");
      // rn1_sums reads no column renamed: it stays differential (catalog V27; before, every stream table on
      // the source recomputed once). The values captured under the new name are those of the column.
      Oracle.refreshAndCheck(c, "rn1_sums", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO rn1 VALUES (5, 'n5', 50, 'z')");
      Oracle.refreshAndCheck(c, "rn1_sums", Mode.DIFFERENTIAL);
      assertEquals(List.of("x|11|1", "y|60|2", "z|50|1"), rows(c, "SELECT b, s, n FROM rn1_sums ORDER BY b"));

      // The query that names the old column cannot be refreshed; the error says what to do.
      StreamTableException e = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "rn1_notes"));
      assertTrue(e.getMessage().contains("its source column \"public\".\"rn1\".\"note\" was renamed to \"memo\""),
          e.getMessage());
      assertTrue(e.hint().orElseThrow().endsWith(": freshet alter '\"public\".\"rn1_notes\"' --query 'SELECT id, note "
          + "FROM rn1 WHERE a > 10'"), e.hint().toString());
      // a refused refresh is recorded like any other failure
      assertEquals(List.of("ERROR|t"), rows(c, "SELECT status, last_error LIKE '%\"note\" was renamed to \"memo\"%' "
          + "FROM freshet.stream_tables WHERE table_name = 'rn1_notes'"));
      StreamTables.alter(c, "rn1_notes", Optional.empty(), Optional.empty(),
          Optional.of("SELECT id, memo FROM rn1 WHERE a > 10"));
      Oracle.assertFresh(c, "rn1_notes");
      exec(c, "UPDATE rn1 SET memo = 'again' WHERE id = 2");
      Oracle.refreshAndCheck(c, "rn1_notes", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "rn1_sums", Mode.DIFFERENTIAL);
    }
  }

  /** Swapped names are the dangerous case: both names still exist, each now for the other column. */
  @Test
  void swappedColumnNamesAreRecomputedNotMisread(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE rn2 (id int PRIMARY KEY, a int, b int)",
          "INSERT INTO rn2 VALUES (1, 1, 100), (2, 2, 200)");
      create(c, "rn2_st", "SELECT id, a, b - a AS d FROM rn2 WHERE a < 50", Mode.DIFFERENTIAL);
      exec(c, "ALTER TABLE rn2 RENAME COLUMN a TO t", "ALTER TABLE rn2 RENAME COLUMN b TO a",
          "ALTER TABLE rn2 RENAME COLUMN t TO b",
          "INSERT INTO rn2 (id, a, b) VALUES (3, 3, 300)");
      Oracle.refreshAndCheck(c, "rn2_st", Mode.FULL);
      assertEquals(List.of("3|3|297"), rows(c, "SELECT id, a, d FROM rn2_st ORDER BY id"));
      exec(c, "INSERT INTO rn2 (id, a, b) VALUES (4, 4, 400)", "UPDATE rn2 SET a = 10 WHERE id = 1",
          "DELETE FROM rn2 WHERE id = 3");
      Oracle.refreshAndCheck(c, "rn2_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|10|-9", "4|4|396"), rows(c, "SELECT id, a, d FROM rn2_st ORDER BY id"));
    }
  }

  @Test
  void droppingAColumnBeforeACapturedOneKeepsWritesWorking(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE rn3 (id int PRIMARY KEY, spare int, v int, tail int)",
          "INSERT INTO rn3 VALUES (1, 0, 1, 0)");
      create(c, "rn3_st", "SELECT id, v FROM rn3", Mode.DIFFERENTIAL);
      create(c, "rn3_spare", "SELECT id, spare FROM rn3", Mode.DIFFERENTIAL);
      exec(c, "ALTER TABLE rn3 DROP COLUMN tail", "ALTER TABLE rn3 ADD COLUMN extra text",
          "INSERT INTO rn3 (id, spare, v) VALUES (2, 0, 2)");
      Oracle.refreshAndCheck(c, "rn3_st", Mode.DIFFERENTIAL);

      // Positions shift (nothing refuses the DROP). The application's writes go on, in the same transaction as
      // the DROP and after it: capture reads id and v where they are now (spare, which rn3_st does not read, is
      // NULL), so rn3_st stays differential (catalog V27; before, capture stopped with a marker and it
      // recomputed). The next refresh rebuilds capture for the new layout; nothing was lost.
      inOneTransaction(c, "ALTER TABLE rn3 DROP COLUMN spare", "INSERT INTO rn3 (id, v) VALUES (3, 3)");
      exec(c, "UPDATE rn3 SET v = 20 WHERE id = 2", "DELETE FROM rn3 WHERE id = 1");
      Oracle.refreshAndCheck(c, "rn3_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|20", "3|3"), rows(c, "SELECT id, v FROM rn3_st ORDER BY id"));
      exec(c, "INSERT INTO rn3 (id, v) VALUES (4, 4)", "UPDATE rn3 SET v = 30 WHERE id = 3");
      Oracle.refreshAndCheck(c, "rn3_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|20", "3|30", "4|4"), rows(c, "SELECT id, v FROM rn3_st ORDER BY id"));

      // The stream table whose query reads the dropped column fails, naming it and the fix.
      StreamTableException gone = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "rn3_spare"));
      assertTrue(gone.getMessage().contains("its source column \"public\".\"rn3\".\"spare\" was dropped")
          && gone.hint().orElseThrow().contains("freshet alter"), gone.getMessage());
    }
  }

  /**
   * A captured column dropped with CASCADE and added again under its name, with no write in between:
   * DDL fires no trigger, so the next refresh must recompute (the rows now hold NULL there) rather than
   * find nothing to do (found in review: the marker was written only when a column went missing).
   */
  @Test
  void aColumnDroppedAndAddedAgainUnderItsNameIsRecomputed(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE rn4 (id int PRIMARY KEY, v int)", "INSERT INTO rn4 VALUES (1, 10), (2, 20)");
      create(c, "rn4_st", "SELECT id, v FROM rn4", Mode.DIFFERENTIAL);
      inOneTransaction(c, "ALTER TABLE rn4 DROP COLUMN v CASCADE", "ALTER TABLE rn4 ADD COLUMN v int");
      Oracle.refreshAndCheck(c, "rn4_st", Mode.FULL);
      assertEquals(List.of("1|", "2|"), rows(c, "SELECT id || '|' || coalesce(v::text, '') FROM rn4_st ORDER BY id"));
      exec(c, "UPDATE rn4 SET v = 5 WHERE id = 2");
      Oracle.refreshAndCheck(c, "rn4_st", Mode.DIFFERENTIAL);
    }
  }
}
