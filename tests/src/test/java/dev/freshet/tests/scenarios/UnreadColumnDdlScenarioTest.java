package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.buffer;
import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTableException;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * DDL on a source column that no stream table reads costs nothing (issue 15 / issue 12, a walkthrough; catalog
 * V27): the column can be added, renamed, retyped or dropped, and the next refresh stays DIFFERENTIAL and equals
 * the query, with the changes made before the DDL (pending in the buffer) and after it applied. A drop of such a
 * column that comes before the last captured one (a table {@code (id, note, a, junk, b)} read as {@code a, b})
 * made every stream table on the source recompute in full: capture reads the transition tables by position, so
 * it wrote a marker instead of the rows after the drop, the event trigger recorded "columns of its source ...
 * were dropped or changed type ... recomputes it in full", and the refresh that rebuilt capture wrote a marker of
 * its own. The capture functions now read the captured columns where they are after such a drop, found by their
 * numbers. What stays FULL or refused, exactly as before: a captured column dropped (another stream table reads
 * it), and a column this stream table reads dropped (refused, FS008).
 */
@PostgresTest
class UnreadColumnDdlScenarioTest {

  private static final String QUERY = "SELECT a, sum(b) AS s, count(*) AS n FROM ud GROUP BY a";

  @Test
  void aColumnNothingReadsDroppedBeforeTheReadOnesStaysDifferential(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ud (id int PRIMARY KEY, note text, a int, junk int, b int, tail text)",
          "INSERT INTO ud SELECT g, 'n' || g, g % 3, g * 10, g, 't' FROM generate_series(1, 12) g");
      create(c, "ud_sums", QUERY, Mode.DIFFERENTIAL);
      String buffer = buffer(c, "ud");

      // pending before the DDL, the DDL, more after it
      exec(c, "INSERT INTO ud VALUES (13, 'x', 1, 0, 100, 't')", "UPDATE ud SET b = b + 1, a = 0 WHERE id = 2",
          "DELETE FROM ud WHERE id = 4");
      exec(c, "ALTER TABLE ud DROP COLUMN junk");
      exec(c, "INSERT INTO ud VALUES (14, 'y', 2, 100, 't')", "UPDATE ud SET b = b + 5 WHERE id = 3",
          "DELETE FROM ud WHERE id = 5", "UPDATE ud SET a = 2 WHERE id = 13");
      assertEquals(0, count(c, "SELECT count(*) FROM " + buffer + " WHERE __truncate"),
          "the writes after the drop are captured as rows, not as a marker");
      assertEquals(List.of("null"), rows(c, "SELECT pending_rebuild FROM freshet.stream_tables WHERE table_name = 'ud_sums'"),
          "the event trigger records no rebuild");
      Oracle.refreshAndCheck(c, "ud_sums", Mode.DIFFERENTIAL);

      // the drop in the same transaction as writes before and after it, then the static capture again
      inOneTransaction(c, "UPDATE ud SET b = b * 2 WHERE id = 6", "ALTER TABLE ud DROP COLUMN note",
          "INSERT INTO ud VALUES (15, 1, 7, 't')", "DELETE FROM ud WHERE id = 7");
      Oracle.refreshAndCheck(c, "ud_sums", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO ud VALUES (16, 0, 1, 't')", "UPDATE ud SET b = 0 WHERE id = 8");
      Oracle.refreshAndCheck(c, "ud_sums", Mode.DIFFERENTIAL);

      // added, renamed, retyped: a column after the read ones
      exec(c, "INSERT INTO ud VALUES (17, 1, 1, 't')", "ALTER TABLE ud ADD COLUMN extra int DEFAULT 3",
          "INSERT INTO ud VALUES (18, 2, 2, 't', 4)", "ALTER TABLE ud RENAME COLUMN tail TO tail2",
          "UPDATE ud SET b = b + 1 WHERE id = 9", "ALTER TABLE ud ALTER COLUMN tail2 TYPE varchar(20)",
          "DELETE FROM ud WHERE id = 10");
      Oracle.refreshAndCheck(c, "ud_sums", Mode.DIFFERENTIAL);
      assertEquals(List.of("DIFFERENTIAL|4", "FULL|1"), rows(c, "SELECT h.mode_used, count(*) "
          + "FROM freshet.refresh_history h JOIN freshet.stream_tables st ON st.id = h.stream_table_id "
          + "WHERE st.table_name = 'ud_sums' GROUP BY 1 ORDER BY 1"), "only the fill at create recomputed");
    }
  }

  /**
   * The same drop with a second stream table on the source that reads another column, and one that reads the
   * column dropped next: the one that does not read it stays DIFFERENTIAL; a column captured for the other
   * stream table, dropped, still makes the source's readers recompute once (exactness first), and the stream
   * table reading it is refused, naming it.
   */
  @Test
  void aCapturedColumnDroppedStillRecomputesAndItsReaderIsRefused(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ue (id int PRIMARY KEY, spare int, note text, v int, w int)",
          "INSERT INTO ue SELECT g, g, 'n', g, g % 2 FROM generate_series(1, 8) g");
      create(c, "ue_v", "SELECT w, sum(v) AS v FROM ue GROUP BY w", Mode.DIFFERENTIAL);
      create(c, "ue_spare", "SELECT id, spare FROM ue WHERE spare > 2", Mode.DIFFERENTIAL);

      exec(c, "UPDATE ue SET v = v + 1 WHERE id = 1", "ALTER TABLE ue DROP COLUMN note",
          "INSERT INTO ue VALUES (9, 9, 9, 1)", "UPDATE ue SET spare = 0 WHERE id = 3");
      Oracle.refreshAndCheck(c, "ue_v", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "ue_spare", Mode.DIFFERENTIAL);

      exec(c, "UPDATE ue SET v = v + 1 WHERE id = 2", "ALTER TABLE ue DROP COLUMN spare",
          "INSERT INTO ue VALUES (10, 10, 0)");
      RefreshReport full = Oracle.refreshAndCheck(c, "ue_v", Mode.FULL);
      assertTrue(full.modeReason().orElse("").contains("column \"spare\" of \"public\".\"ue\" was dropped"),
          full.toString());
      StreamTableException refused = assertThrows(StreamTableException.class,
          () -> StreamTables.refresh(c, "ue_spare"));
      assertTrue(refused.getMessage().contains("its source column \"public\".\"ue\".\"spare\" was dropped"),
          refused.getMessage());
      exec(c, "UPDATE ue SET v = 0 WHERE id = 10");
      Oracle.refreshAndCheck(c, "ue_v", Mode.DIFFERENTIAL);
    }
  }

  /**
   * A partitioned source (the transition tables have the parent's columns) and a query with a star, written out at
   * create: a column that no stream table reads dropped from the parent, and one added (the star does not take
   * it in), keep both DIFFERENTIAL.
   */
  @Test
  void aPartitionedSourceAndAStarQuery(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE up (id int, note text, k int, v int, PRIMARY KEY (id, k)) PARTITION BY LIST (k)",
          "CREATE TABLE up1 PARTITION OF up FOR VALUES IN (1)",
          "CREATE TABLE up2 (v int, k int, id int, note text, PRIMARY KEY (id, k))",
          "ALTER TABLE up ATTACH PARTITION up2 FOR VALUES IN (2)",
          "INSERT INTO up SELECT g, 'n', 1 + g % 2, g FROM generate_series(1, 10) g");
      create(c, "up_sums", "SELECT k, sum(v) AS s FROM up GROUP BY k", Mode.DIFFERENTIAL);
      exec(c, "CREATE TABLE us (id int PRIMARY KEY, note text, a int, b int)",
          "INSERT INTO us SELECT g, 'n', g % 3, g FROM generate_series(1, 6) g");
      create(c, "us_all", "SELECT * FROM us WHERE a > 0", Mode.DIFFERENTIAL);
      create(c, "us_b", "SELECT a, sum(b) AS b FROM us GROUP BY a", Mode.DIFFERENTIAL);

      exec(c, "INSERT INTO up VALUES (11, 'x', 1, 100)", "UPDATE up SET v = v + 1 WHERE id = 3",
          "ALTER TABLE up DROP COLUMN note", "INSERT INTO up VALUES (12, 2, 100)", "UPDATE up SET k = 1 WHERE id = 4",
          "DELETE FROM up WHERE id = 5");
      Oracle.refreshAndCheck(c, "up_sums", Mode.DIFFERENTIAL);

      exec(c, "INSERT INTO us VALUES (7, 'x', 1, 7)", "ALTER TABLE us ADD COLUMN extra int",
          "INSERT INTO us VALUES (8, 'y', 2, 8, 1)", "UPDATE us SET b = 0, extra = 5 WHERE id = 1");
      Oracle.refreshAndCheck(c, "us_all", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "us_b", Mode.DIFFERENTIAL);
      assertEquals(List.of("id, note, a, b"), rows(c, "SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute "
          + "WHERE attrelid = 'us_all'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_\\_%'"));

      // a column the star stands for is read (and captured): dropping it is refused by the stream table with the
      // star, and the other one recomputes once (a captured column dropped)
      exec(c, "DELETE FROM us WHERE id = 2", "ALTER TABLE us DROP COLUMN note", "INSERT INTO us VALUES (9, 1, 9, 0)");
      StreamTableException refused = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "us_all"));
      assertTrue(refused.getMessage().contains("its source column \"public\".\"us\".\"note\" was dropped"),
          refused.getMessage());
      Oracle.refreshAndCheck(c, "us_b", Mode.FULL);
      StreamTables.alter(c, "us_all", Optional.empty(), Optional.empty(), Optional.of("SELECT * FROM us WHERE a > 0"));
      Oracle.assertFresh(c, "us_all");
      exec(c, "UPDATE us SET a = 1 WHERE id = 3");
      Oracle.refreshAndCheck(c, "us_all", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "us_b", Mode.DIFFERENTIAL);
    }
  }
}
