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
 * numbers, and NULL for a captured column dropped or retyped; only the stream tables that read a captured column
 * renamed, dropped or retyped recompute (or are refused, FS008, when their query reads a name no longer there),
 * and every one does when no stream table's program reads it (the primary key).
 */
@PostgresTest
class UnreadColumnDdlScenarioTest {

  private static final String QUERY = "SELECT a, sum(b) AS s, count(*) AS n FROM ud GROUP BY a";

  @Test
  void aColumnNothingReadsDroppedBeforeTheReadOnesStaysDifferential(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ud (id int PRIMARY KEY, note text, a int, junk int, b int, tail varchar(10))",
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
      assertEquals(List.of("null"),
          rows(c, "SELECT pending_rebuild FROM freshet.stream_tables WHERE table_name = 'ud_sums'"),
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
   * Two stream tables on one source, each reading columns the other does not: a column captured for one of them
   * renamed, retyped or dropped keeps the other DIFFERENTIAL (the capture functions go on capturing rows; the
   * column is NULL in those written after a drop or a type change), while the one that reads it recomputes once
   * (type changed, or dropped and added again under its name) or is refused naming it (renamed or dropped).
   * Before, every stream table on the source recomputed.
   */
  @Test
  void aColumnCapturedForAnotherStreamTableChangesNothingHere(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ue (id int PRIMARY KEY, spare numeric(10), note text, v int, w int, x int)",
          "INSERT INTO ue SELECT g, g, 'n', g, g % 2, g FROM generate_series(1, 8) g");
      create(c, "ue_v", "SELECT w, sum(v) AS v FROM ue GROUP BY w", Mode.DIFFERENTIAL);
      create(c, "ue_spare", "SELECT id, spare FROM ue WHERE spare > 2", Mode.DIFFERENTIAL);
      create(c, "ue_x", "SELECT w, max(x) AS x FROM ue GROUP BY w", Mode.DIFFERENTIAL);

      // spare's type changes: ue_spare compiles again and recomputes, the others do not
      exec(c, "UPDATE ue SET v = v + 1, spare = spare + 1 WHERE id = 1",
          // a wider numeric: no rewrite, which would make every stream table on it recompute (catalog V45)
          "ALTER TABLE ue ALTER COLUMN spare TYPE numeric(12)",
          "INSERT INTO ue VALUES (9, 9, 'n', 9, 1, 9)", "UPDATE ue SET spare = 0, v = 0 WHERE id = 3");
      assertEquals(0, count(c, "SELECT count(*) FROM " + buffer(c, "ue") + " WHERE __truncate"));
      Oracle.refreshAndCheck(c, "ue_v", Mode.DIFFERENTIAL);
      RefreshReport retyped = Oracle.refreshAndCheck(c, "ue_spare", Mode.FULL);
      assertEquals(Optional.of("column \"spare\" of \"public\".\"ue\" changed type (ALTER TABLE): recomputed"),
          retyped.modeReason());
      Oracle.refreshAndCheck(c, "ue_x", Mode.DIFFERENTIAL);

      // x is renamed: ue_x is refused naming it, the others stay differential
      exec(c, "UPDATE ue SET v = v + 1 WHERE id = 2", "ALTER TABLE ue RENAME COLUMN x TO x2",
          "INSERT INTO ue VALUES (10, 10, 'n', 10, 0, 10)", "DELETE FROM ue WHERE id = 4");
      Oracle.refreshAndCheck(c, "ue_v", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "ue_spare", Mode.DIFFERENTIAL);
      StreamTableException renamed = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "ue_x"));
      assertTrue(renamed.getMessage().contains("its source column \"public\".\"ue\".\"x\" was renamed to \"x2\""),
          renamed.getMessage());

      // spare is dropped (a column before v and w): ue_spare is refused, ue_v stays differential
      exec(c, "UPDATE ue SET v = v + 1 WHERE id = 5", "ALTER TABLE ue DROP COLUMN spare",
          "INSERT INTO ue VALUES (11, 'n', 11, 1, 11)", "UPDATE ue SET w = 1 - w WHERE id = 6");
      Oracle.refreshAndCheck(c, "ue_v", Mode.DIFFERENTIAL);
      StreamTableException dropped = assertThrows(StreamTableException.class,
          () -> StreamTables.refresh(c, "ue_spare"));
      assertTrue(dropped.getMessage().contains("its source column \"public\".\"ue\".\"spare\" was dropped"),
          dropped.getMessage());

      // v dropped and added again under its name is another column: ue_v recomputes, saying so
      exec(c, "UPDATE ue SET v = v + 1 WHERE id = 7");
      inOneTransaction(c, "ALTER TABLE ue DROP COLUMN v", "ALTER TABLE ue ADD COLUMN v int DEFAULT 1",
          "INSERT INTO ue (id, note, w, v) VALUES (12, 'n', 0, 12)");
      RefreshReport again = Oracle.refreshAndCheck(c, "ue_v", Mode.FULL);
      assertEquals(Optional.of("column \"v\" of \"public\".\"ue\" was dropped and added again (ALTER TABLE): "
          + "recomputed"), again.modeReason());
      exec(c, "UPDATE ue SET v = 0 WHERE id = 12", "DELETE FROM ue WHERE id = 1");
      Oracle.refreshAndCheck(c, "ue_v", Mode.DIFFERENTIAL);
    }
  }

  /**
   * The source's primary key, which capture holds for every stream table on it: renamed when no stream table's
   * program reads it, every stream table recomputes once (exactness first: its row identity may come from it).
   */
  @Test
  void aPrimaryKeyNoStreamTableReadsRenamedRecomputesOnce(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE uk (id int PRIMARY KEY, a int, b int)",
          "INSERT INTO uk SELECT g, g % 3, g FROM generate_series(1, 9) g");
      create(c, "uk_sums", "SELECT a, sum(b) AS s FROM uk GROUP BY a", Mode.DIFFERENTIAL);
      exec(c, "UPDATE uk SET b = 0 WHERE id = 1", "ALTER TABLE uk RENAME COLUMN id TO uk_id",
          "INSERT INTO uk VALUES (10, 1, 10)");
      RefreshReport report = Oracle.refreshAndCheck(c, "uk_sums", Mode.FULL);
      assertEquals(Optional.of("column \"id\" of \"public\".\"uk\" was renamed to \"uk_id\" (ALTER TABLE): "
          + "recomputed"), report.modeReason());
      exec(c, "UPDATE uk SET b = 1 WHERE uk_id = 2");
      Oracle.refreshAndCheck(c, "uk_sums", Mode.DIFFERENTIAL);
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
      assertEquals(List.of("id, note, a, b"), rows(c, "SELECT string_agg(attname, ', ' ORDER BY attnum) "
          + "FROM pg_attribute "
          + "WHERE attrelid = 'us_all'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_\\_%'"));

      // a column the star stands for is read (and captured): dropping it is refused by the stream table with the
      // star only
      exec(c, "DELETE FROM us WHERE id = 2", "ALTER TABLE us DROP COLUMN note", "INSERT INTO us VALUES (9, 1, 9, 0)");
      StreamTableException refused = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "us_all"));
      assertTrue(refused.getMessage().contains("its source column \"public\".\"us\".\"note\" was dropped"),
          refused.getMessage());
      Oracle.refreshAndCheck(c, "us_b", Mode.DIFFERENTIAL);
      StreamTables.alter(c, "us_all", Optional.empty(), Optional.empty(), Optional.of("SELECT * FROM us WHERE a > 0"));
      Oracle.assertFresh(c, "us_all");
      exec(c, "UPDATE us SET a = 1 WHERE id = 3");
      Oracle.refreshAndCheck(c, "us_all", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "us_b", Mode.DIFFERENTIAL);
    }
  }
}
