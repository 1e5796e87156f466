package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
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
 * {@code ALTER TABLE source ALTER COLUMN … TYPE} (issue 14): PostgreSQL accepts it (nothing of Freshet's
 * depends on a source's column types), the application's writes go on before and after it, the event
 * trigger of a superuser's catalog records at once what it means for each stream table reading the source,
 * and the next refresh rebuilds: capture for the new type, the program compiled again, the stored columns
 * given the types the query gives them now, all rows recomputed (FULL, applied as a diff); after that,
 * refreshes are differential again. A column no stream table reads changes nothing.
 */
@PostgresTest
class SourceTypeChangeScenarioTest {

  @Test
  void aCapturedValueColumnWidenedFromIntegerToBigint(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ty1 (id int PRIMARY KEY, v int, w text)",
          "INSERT INTO ty1 VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'a')");
      create(c, "ty1_sum", "SELECT w, sum(v) AS s, count(*) AS n FROM ty1 GROUP BY w", Mode.DIFFERENTIAL);
      create(c, "ty1_rows", "SELECT id, v, w FROM ty1 WHERE v > 1", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO ty1 VALUES (4, 4, 'b')");
      Oracle.refreshAndCheck(c, "ty1_sum", Mode.DIFFERENTIAL);
      assertEquals("bigint", columnType(c, "ty1_sum", "s"));

      // writes in the DDL's own transaction and after it go through
      inOneTransaction(c, "UPDATE ty1 SET v = v + 10 WHERE id = 1", "ALTER TABLE ty1 ALTER COLUMN v TYPE bigint",
          "INSERT INTO ty1 VALUES (5, 5000000000, 'a')");
      exec(c, "UPDATE ty1 SET v = 6000000000 WHERE id = 2", "DELETE FROM ty1 WHERE id = 3");
      for (String name : List.of("ty1_sum", "ty1_rows")) {
        StoredStreamTable st = status(c, name);
        assertEquals("ACTIVE", st.status());
        assertEquals(Optional.of("its source column \"public\".\"ty1\".\"v\" changed type from integer to bigint "
            + "(ALTER TABLE ... TYPE): its next refresh compiles it again and recomputes it in full"),
            st.pendingRebuild(), name);
      }

      // the reason says what happened to which table (it said "a source was truncated"): for ty1_rows too,
      // whose source was reconciled by ty1_sum's refresh, within ty1_rows' window
      String reason = "column \"v\" of \"public\".\"ty1\" changed type (ALTER TABLE): recomputed";
      assertEquals(Optional.of(reason), Oracle.refreshAndCheck(c, "ty1_sum", Mode.FULL).modeReason());
      assertEquals(Optional.of(reason), Oracle.refreshAndCheck(c, "ty1_rows", Mode.FULL).modeReason());
      assertEquals("numeric", columnType(c, "ty1_sum", "s"), "sum of a bigint is a numeric");
      assertEquals("bigint", columnType(c, "ty1_rows", "v"));
      assertEquals(Optional.empty(), status(c, "ty1_sum").pendingRebuild());
      assertEquals(List.of("a|5000000011|2", "b|6000000004|2"),
          rows(c, "SELECT w || '|' || s || '|' || n FROM ty1_sum ORDER BY w"));

      exec(c, "INSERT INTO ty1 VALUES (6, 9000000000000000000, 'c')", "UPDATE ty1 SET v = 9000000000000000000 "
          + "WHERE id = 5", "DELETE FROM ty1 WHERE id = 4");
      assertEquals(Optional.empty(), Oracle.refreshAndCheck(c, "ty1_sum", Mode.DIFFERENTIAL).modeReason());
      Oracle.refreshAndCheck(c, "ty1_rows", Mode.DIFFERENTIAL);
      assertEquals("9000000000000000011", text(c, "SELECT s::text FROM ty1_sum WHERE w = 'a'"),
          "beyond bigint: the stored column holds what the query returns");

      // a TRUNCATE is told from it, and names its table
      exec(c, "TRUNCATE ty1", "INSERT INTO ty1 VALUES (7, 7, 'a')");
      assertEquals(Optional.of("\"public\".\"ty1\" was truncated: recomputed"),
          Oracle.refreshAndCheck(c, "ty1_sum", Mode.FULL).modeReason());
    }
  }

  @Test
  void aGroupKeyChangesType(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ty2 (id int PRIMARY KEY, g int, v int)",
          "INSERT INTO ty2 VALUES (1, 1, 10), (2, 1, 20), (3, 2, 30)");
      create(c, "ty2_by_g", "SELECT g, count(*) AS n, sum(v) AS s FROM ty2 GROUP BY g", Mode.DIFFERENTIAL);
      create(c, "ty2_top", "SELECT g, max(v) AS m FROM ty2 GROUP BY g", Mode.DIFFERENTIAL);
      exec(c, "ALTER TABLE ty2 ALTER COLUMN g TYPE numeric(12, 2)", "INSERT INTO ty2 VALUES (4, 2.5, 40)",
          "UPDATE ty2 SET g = 1.5 WHERE id = 2");
      assertTrue(status(c, "ty2_top").pendingRebuild().orElseThrow().contains("\"public\".\"ty2\".\"g\" changed type "
          + "from integer to numeric(12,2)"));
      Oracle.refreshAndCheck(c, "ty2_by_g", Mode.FULL);
      Oracle.refreshAndCheck(c, "ty2_top", Mode.FULL);
      assertEquals("numeric(12,2)", columnType(c, "ty2_by_g", "g"));
      assertEquals(List.of("1.00|1|10", "1.50|1|20", "2.00|1|30", "2.50|1|40"),
          rows(c, "SELECT g || '|' || n || '|' || s FROM ty2_by_g ORDER BY g"));
      exec(c, "UPDATE ty2 SET g = 1 WHERE id = 2", "INSERT INTO ty2 VALUES (5, 2.5, 5)", "DELETE FROM ty2 WHERE id = 3");
      Oracle.refreshAndCheck(c, "ty2_by_g", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "ty2_top", Mode.DIFFERENTIAL);

      // to text: the key is stored as text now
      exec(c, "ALTER TABLE ty2 ALTER COLUMN g TYPE text", "INSERT INTO ty2 VALUES (6, 'x', 1)");
      Oracle.refreshAndCheck(c, "ty2_by_g", Mode.FULL);
      assertEquals("text", columnType(c, "ty2_by_g", "g"));
      exec(c, "UPDATE ty2 SET g = 'y' WHERE id = 6");
      Oracle.refreshAndCheck(c, "ty2_by_g", Mode.DIFFERENTIAL);
    }
  }

  @Test
  void aColumnNoStreamTableReadsChangesNothing(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ty3 (id int PRIMARY KEY, note varchar(5), v int, tail varchar(5), spare int)",
          "INSERT INTO ty3 VALUES (1, '0', 1, '0', 0)");
      create(c, "ty3_st", "SELECT id, v FROM ty3", Mode.DIFFERENTIAL);
      String buffer = "freshet_changes.src_" + text(c, "SELECT 'ty3'::regclass::oid::text");
      // before the last captured column and after it; varchar to text rewrites nothing
      exec(c, "ALTER TABLE ty3 ALTER COLUMN note TYPE text", "ALTER TABLE ty3 ALTER COLUMN tail TYPE text",
          "INSERT INTO ty3 VALUES (2, 'n', 2, 't')", "UPDATE ty3 SET v = 10, note = 'm' WHERE id = 1");
      assertEquals(0, count(c, "SELECT count(*) FROM " + buffer + " WHERE __truncate"), "no marker");
      assertEquals(Optional.empty(), status(c, "ty3_st").pendingRebuild());
      Oracle.refreshAndCheck(c, "ty3_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|10", "2|2"), rows(c, "SELECT id || '|' || v FROM ty3_st ORDER BY id"));

      // int to bigint rewrites the table, and nothing in SQL tells which columns a rewrite changed (one to its own
      // type, USING an expression, may be read): every stream table on it recomputes once (catalog V45)
      exec(c, "ALTER TABLE ty3 ALTER COLUMN spare TYPE bigint", "UPDATE ty3 SET v = 11 WHERE id = 1");
      assertEquals(Optional.of("\"public\".\"ty3\" was written anew (ALTER TABLE ... TYPE ... USING, VACUUM FULL, "
          + "CLUSTER or another command that rewrites a table): its values may have changed with no trigger fired: "
          + "recomputed"), Oracle.refreshAndCheck(c, "ty3_st", Mode.FULL).modeReason());
      exec(c, "UPDATE ty3 SET v = 12 WHERE id = 1");
      Oracle.refreshAndCheck(c, "ty3_st", Mode.DIFFERENTIAL);
    }
  }

  /**
   * A rename of a column a stream table reads, or of its source, is recorded as it happens: status
   * ERROR with a last error naming the table, the column and the fix, before any refresh; a stream table
   * that does not read the renamed column is rebuilt by its next refresh, and is told so.
   */
  @Test
  void renamesAreRecordedAsTheyHappen(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ty4 (id int PRIMARY KEY, v int, w text)", "INSERT INTO ty4 VALUES (1, 1, 'a')",
          "CREATE TABLE ty5 (id int PRIMARY KEY, v int)", "INSERT INTO ty5 VALUES (1, 1)");
      create(c, "ty4_w", "SELECT w, count(*) AS n FROM ty4 GROUP BY w", Mode.DIFFERENTIAL);
      create(c, "ty4_v", "SELECT id, v FROM ty4", Mode.DIFFERENTIAL);
      create(c, "ty5_st", "SELECT id, v FROM ty5", Mode.DIFFERENTIAL);
      exec(c, "ALTER TABLE ty4 RENAME COLUMN w TO w2", "INSERT INTO ty4 VALUES (2, 2, 'b')",
          "ALTER TABLE ty5 RENAME TO ty5_renamed");
      StoredStreamTable w = status(c, "ty4_w");
      assertEquals("ERROR", w.status());
      assertEquals(Optional.of("its source column \"public\".\"ty4\".\"w\" was renamed to \"w2\" (ALTER TABLE ... "
          + "RENAME COLUMN), and its query reads it. Give it the new name (this recreates it): freshet alter "
          + "'\"public\".\"ty4_w\"' --query ..."), w.lastError());
      StoredStreamTable renamed = status(c, "ty5_st");
      assertEquals("ERROR", renamed.status());
      String renamedSource = "its source \"public\".\"ty5\" was renamed to \"public\".\"ty5_renamed\" (ALTER TABLE); "
          + "its query names the old table";
      assertEquals(Optional.of(renamedSource + ". Give it the new name (this recreates it): freshet alter "
          + "'\"public\".\"ty5_st\"' --query ..."), renamed.lastError());
      // its refresh, refused (FS006), names the tables as status does
      StreamTableException refused = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "ty5_st"));
      assertEquals(Optional.of("FS006"), refused.sqlState(), refused.getMessage());
      assertTrue(refused.getMessage().contains(renamedSource), refused.getMessage());
      StoredStreamTable v = status(c, "ty4_v");
      assertEquals("ACTIVE", v.status());
      // ty4_v reads no column renamed: nothing to rebuild (catalog V27; it recomputed before)
      assertEquals(Optional.empty(), v.pendingRebuild());

      StreamTableException e = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "ty4_w"));
      assertTrue(e.hint().orElseThrow().contains("freshet alter"), e.getMessage());
      assertEquals(Optional.empty(), Oracle.refreshAndCheck(c, "ty4_v", Mode.DIFFERENTIAL).modeReason());
      exec(c, "UPDATE ty4 SET v = 5 WHERE id = 2");
      Oracle.refreshAndCheck(c, "ty4_v", Mode.DIFFERENTIAL);
    }
  }

  /**
   * When the stored columns cannot take the new types (a view of the user's reads the stream table), the
   * refresh fails naming the column, the types and the fix; the application's writes still go on.
   */
  @Test
  void aStoredColumnThatCannotChangeTypeFailsTheRefreshSayingWhy(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ty6 (id int PRIMARY KEY, v int)", "INSERT INTO ty6 VALUES (1, 1)");
      create(c, "ty6_st", "SELECT id, v FROM ty6", Mode.DIFFERENTIAL);
      exec(c, "CREATE VIEW ty6_view AS SELECT v FROM ty6_st", "ALTER TABLE ty6 ALTER COLUMN v TYPE bigint",
          "INSERT INTO ty6 VALUES (2, 2)");
      StreamTableException e = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "ty6_st"));
      assertTrue(e.getMessage().contains("a source column of \"public\".\"ty6_st\" changed type, and its query now "
          + "gives other column types: changing \"v\" from integer to bigint failed (cannot alter type of a column "
          + "used by a view or rule)"), e.getMessage());
      assertTrue(e.getMessage().contains("fix: change the source column back, or recreate it with the new types (after "
          + "dropping what reads it): freshet alter '\"public\".\"ty6_st\"' --query ..."),
          e.getMessage());
      assertEquals("ERROR", status(c, "ty6_st").status());
      exec(c, "INSERT INTO ty6 VALUES (3, 3)", "DROP VIEW ty6_view");
      Oracle.refreshAndCheck(c, "ty6_st", Mode.FULL);
    }
  }

  /**
   * A type change that makes different values equal ('1' and '01' as integers): the rebuild hashes the
   * stored rows anew, keeps one row of each group (a grouped stream table had two groups of 1 after its
   * FULL rebuild, each matched by every later refresh) and numbers equal rows of a bag 1 … n again.
   */
  @Test
  void valuesThatBecomeEqual(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ty7 (id int PRIMARY KEY, g text, v int)",
          "INSERT INTO ty7 VALUES (1, '1', 1), (2, '01', 2), (3, '2', 3), (4, '001', 4)");
      create(c, "ty7_g", "SELECT g, sum(v) AS s, count(*) AS n FROM ty7 GROUP BY g", Mode.DIFFERENTIAL);
      create(c, "ty7_bag", "SELECT g FROM ty7", Mode.DIFFERENTIAL);
      exec(c, "ALTER TABLE ty7 ALTER COLUMN g TYPE int USING g::int");
      Oracle.refreshAndCheck(c, "ty7_g", Mode.FULL);
      Oracle.refreshAndCheck(c, "ty7_bag", Mode.FULL);
      assertEquals(List.of("1|7|3", "2|3|1"), rows(c, "SELECT g || '|' || s || '|' || n FROM ty7_g ORDER BY g"));
      exec(c, "DELETE FROM ty7 WHERE id = 1", "UPDATE ty7 SET v = 20 WHERE id = 2");
      Oracle.refreshAndCheck(c, "ty7_g", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "ty7_bag", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|24|2", "2|3|1"), rows(c, "SELECT g || '|' || s || '|' || n FROM ty7_g ORDER BY g"));
    }
  }

  private static StoredStreamTable status(Connection c, String name) throws SQLException {
    return StreamTables.status(c, name, 0).table();
  }

  private static String columnType(Connection c, String table, String column) throws SQLException {
    return text(c, "SELECT pg_catalog.format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
        + "'" + table + "'::regclass AND attname = '" + column + "'");
  }
}
