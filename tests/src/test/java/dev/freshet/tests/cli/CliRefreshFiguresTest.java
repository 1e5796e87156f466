package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A refresh's {@code ~updated} counts the rows a reader sees change. A stored group whose hidden columns alone
 * changed (the multiplicity SELECT DISTINCT keeps per row, the sum and counts behind an AVG) is written, and
 * counted in {@code delta}, but is not an update: the walkthrough saw {@code +0 ~1 -0} for a duplicate inserted
 * under DISTINCT, where no visible row changed. The same from the refresh program installed in the database
 * ({@code CALL freshet.refresh}, recorded in the history) and from a recompute ({@code refresh --full}).
 */
@PostgresTest
class CliRefreshFiguresTest {

  private static final String LAST_FIGURES = "SELECT h.rows_inserted || ' ' || h.rows_updated || ' ' || h.rows_deleted "
      + "|| ' ' || h.delta_rows FROM freshet.refresh_history h JOIN freshet.stream_tables st ON st.id = h.stream_table_id "
      + "WHERE st.table_name = '%s' ORDER BY h.finished_at DESC LIMIT 1";

  @Test
  void aDuplicateUnderDistinctIsNoUpdate(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE fd_t (a int, b int)", "INSERT INTO fd_t VALUES (1, 1), (2, 2)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "fd_st", "--mode", "differential", "--query",
        "SELECT DISTINCT a, b FROM fd_t");
    assertEquals(0, create.exitCode(), create.transcript());

    db.execute("INSERT INTO fd_t VALUES (1, 1)"); // a second copy: its hidden count goes from 1 to 2
    refresh(db, "fd_st", "DIFFERENTIAL", "+0 ~0 -0  delta 1");
    db.execute("DELETE FROM fd_t WHERE ctid = (SELECT min(ctid) FROM fd_t WHERE a = 1)"); // back to 1
    refresh(db, "fd_st", "DIFFERENTIAL", "+0 ~0 -0  delta 1");
    db.execute("INSERT INTO fd_t VALUES (3, 3)");
    refresh(db, "fd_st", "DIFFERENTIAL", "+1 ~0 -0  delta 1");
    db.execute("DELETE FROM fd_t WHERE a = 1");
    refresh(db, "fd_st", "DIFFERENTIAL", "+0 ~0 -1  delta 1");

    // a recompute applied as a diff counts the same
    db.execute("INSERT INTO fd_t VALUES (2, 2)");
    CliRun full = CliRun.run(url, "refresh", "fd_st", "--full");
    assertEquals(0, full.exitCode(), full.transcript());
    assertTrue(full.out().contains("  FULL  ") && full.out().contains("  +0 ~0 -0  delta 1  "), full.transcript());
    assertFresh(db, "fd_st");

    // and the program installed in the database, which records what it counted
    db.execute("INSERT INTO fd_t VALUES (3, 3)", "CALL freshet.refresh('fd_st')");
    assertFresh(db, "fd_st");
    assertEquals("0 0 0 1", db.scalar(LAST_FIGURES.formatted("fd_st")));

    CliRun status = CliRun.run(url, "status", "fd_st", "--history", "1");
    List<String> history = status.out().lines().dropWhile(l -> !l.startsWith("  last refreshes")).skip(1).toList();
    assertEquals(1, history.size(), status.transcript());
    assertTrue(history.get(0).contains("  +0 ~0 -0  delta 1  "), status.transcript());
  }

  /** A visible count of the rows is a visible column: a duplicate changes it, an update. */
  @Test
  void aDuplicateUnderAVisibleCountIsAnUpdate(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE fc_t (a int, b int)", "INSERT INTO fc_t VALUES (1, 1), (2, 2)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "fc_st", "--mode", "differential", "--query",
        "SELECT a, count(*) AS n FROM fc_t GROUP BY a").exitCode());
    db.execute("INSERT INTO fc_t VALUES (1, 1)");
    refresh(db, "fc_st", "DIFFERENTIAL", "+0 ~1 -0  delta 1");
  }

  /** The state behind AVG, and an aggregate's row count, are hidden: a change to them alone is no update. */
  @Test
  void aChangeOfAnAggregatesHiddenStateAloneIsNoUpdate(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE fa_t (id int PRIMARY KEY, g int NOT NULL, v int NOT NULL, w int)",
        "INSERT INTO fa_t VALUES (1, 1, 10, 1), (2, 1, 20, 2), (3, 2, 5, 5)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "fa_st", "--mode", "differential", "--query",
        "SELECT g, avg(v) AS av, max(v) AS mx, sum(w) AS sw FROM fa_t GROUP BY g");
    assertEquals(0, create.exitCode(), create.transcript());

    // group 1: the average stays 15, the maximum 20, the sum of w 3 (its NULL adds nothing)
    db.execute("INSERT INTO fa_t VALUES (4, 1, 15, NULL)");
    refresh(db, "fa_st", "DIFFERENTIAL", "+0 ~0 -0  delta 1");
    db.execute("INSERT INTO fa_t VALUES (5, 1, 15, 0)");
    refresh(db, "fa_st", "DIFFERENTIAL", "+0 ~0 -0  delta 1");
    // now the average moves: an update
    db.execute("UPDATE fa_t SET v = 40 WHERE id = 5");
    refresh(db, "fa_st", "DIFFERENTIAL", "+0 ~1 -0  delta 1");
    // one group changes visibly, the other in its hidden state only
    db.execute("INSERT INTO fa_t VALUES (6, 1, 1, 1), (7, 2, 5, 0)");
    refresh(db, "fa_st", "DIFFERENTIAL", "+0 ~1 -0  delta 2");
  }

  /**
   * A table of plain rows (no GROUP BY, no DISTINCT) holds equal rows: {@code +inserted} and {@code -deleted} count
   * every copy, {@code delta} the distinct rows whose number of copies changed, as docs/stream-tables.md says (the
   * walkthrough read "the size of the applied delta" as rows with their copies, and saw 99 rows filled as delta 7).
   */
  @Test
  void theDeltaOfPlainRowsCountsDistinctRows(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE fb_t (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO fb_t SELECT g, g % 7 FROM generate_series(1, 99) g");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "fb_st", "--mode", "differential", "--query", "SELECT v FROM fb_t")
        .exitCode());
    CliRun status = CliRun.run(url, "status", "fb_st");
    assertTrue(status.out().contains("  +99 ~0 -0  delta 7  filled from its query (create)"), status.transcript());

    // three copies of a new row, two more of an existing one: five rows, two distinct
    db.execute("INSERT INTO fb_t VALUES (100, 50), (101, 50), (102, 50), (103, 1), (104, 1)");
    refresh(db, "fb_st", "DIFFERENTIAL", "+5 ~0 -0  delta 2");
    // every copy of one row, and one of another
    db.execute("DELETE FROM fb_t WHERE v = 50 OR id = 103");
    refresh(db, "fb_st", "DIFFERENTIAL", "+0 ~0 -4  delta 2");
    // an update from one value to another moves a copy: one row deleted, one inserted, two distinct
    db.execute("UPDATE fb_t SET v = 2 WHERE id = 104");
    refresh(db, "fb_st", "DIFFERENTIAL", "+1 ~0 -1  delta 2");
  }

  private static void refresh(TestDatabase db, String name, String mode, String figures) throws Exception {
    CliRun refresh = CliRun.run(db.jdbcUrl(), "refresh", name);
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().contains("  " + mode + "  "), refresh.transcript());
    assertTrue(refresh.out().contains("  " + figures + "  "), "expected " + figures + ":\n" + refresh.transcript());
    assertFresh(db, name);
  }

  private static void assertFresh(TestDatabase db, String name) throws Exception {
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, name);
    }
  }
}
