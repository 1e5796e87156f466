package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.buffer;
import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.RefreshRunningException;
import dev.freshet.runtime.streamtable.RefreshStepTime;
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
 * Stream tables refreshed together ({@code freshet.refresh_together}, catalog V41): one transaction, each stream
 * table in a subtransaction of its own; those whose last refresh took the same snapshot read each source's window
 * from one copy of it (a view of it for a window of one kind of change, a table consolidated from it for one of both
 * kinds); each buffer cleaned once. What it leaves (a stream table reading another of the list, a failed refresh) is
 * refreshed alone after it. The source has a hostile name; the oracle checks every stream table after every refresh.
 */
@PostgresTest
class RefreshTogetherScenarioTest {

  private static final String SOURCE = "\"Tg Item \"\"q\"\"\"";

  private static final List<String> MEMBERS = List.of("tg_groups", "tg_joined", "tg_rows", "tg_ratio");

  @Test
  void streamTablesRefreshedTogetherReadEachWindowOnce(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS " + SOURCE + ", tg_kind CASCADE",
          "CREATE TABLE " + SOURCE + " (id int PRIMARY KEY, kind int NOT NULL, v int NOT NULL, note text)",
          "CREATE TABLE tg_kind (kind int PRIMARY KEY, label text NOT NULL)",
          "INSERT INTO tg_kind SELECT k, 'kind ' || k FROM generate_series(0, 9) k",
          "INSERT INTO " + SOURCE + " SELECT i, i % 10, 1 + i % 7, 'n' FROM generate_series(1, 2000) i");
      StreamTables.create(c, "tg_groups", "SELECT kind, count(*) AS n, sum(v) AS total FROM " + SOURCE
          + " GROUP BY kind", Mode.DIFFERENTIAL, null);
      StreamTables.create(c, "tg_joined", "SELECT k.label, sum(i.v) AS total FROM " + SOURCE + " AS i JOIN tg_kind "
          + "AS k ON k.kind = i.kind WHERE i.v > 3 GROUP BY k.label", Mode.DIFFERENTIAL, null);
      StreamTables.create(c, "tg_rows", "SELECT id, note FROM " + SOURCE + " WHERE kind < 3", Mode.DIFFERENTIAL,
          null);
      StreamTables.create(c, "tg_ratio", "SELECT id, 100 / v AS share FROM " + SOURCE, Mode.DIFFERENTIAL, null);
      // reads a stream table of the list: refreshed alone, after the others' commit
      StreamTables.create(c, "tg_downstream", "SELECT kind, n FROM tg_groups WHERE n > 100", Mode.DIFFERENTIAL,
          null);
      List<String> all = List.of("tg_groups", "tg_joined", "tg_rows", "tg_ratio", "tg_downstream");
      refreshAll(c, all); // the first time together: from now on their last refreshes took one snapshot

      // a window of inserts only (more rows than a small window's session forms take): one copy, read through views
      exec(c, "INSERT INTO " + SOURCE + " SELECT i, i % 10, 1 + i % 7, 'm' FROM generate_series(2001, 2600) i");
      List<Optional<RefreshReport>> reports = refreshAll(c, all);
      assertSteps(1, reports, "copy of the window of \"public\".\"Tg Item \"\"q\"\"\", for the stream tables refreshed "
          + "together: 600 rows");
      assertSteps(MEMBERS.size(), reports, ": a view of the shared copy of 600 rows, one kind of change");
      assertEquals(0, count(c, "SELECT count(*) FROM " + buffer(c, SOURCE)), "the buffer, cleaned once");

      // a window of both kinds: the copy once, each change table consolidated from it over the columns it reads (a
      // change of note alone is no change for tg_groups, tg_joined and tg_ratio)
      exec(c, "UPDATE " + SOURCE + " SET note = 'changed' WHERE id % 5 = 0",
          "UPDATE " + SOURCE + " SET v = v + 1 WHERE id % 9 = 0", "DELETE FROM " + SOURCE + " WHERE id % 11 = 0");
      reports = refreshAll(c, all);
      assertSteps(1, reports, "copy of the window of");
      assertSteps(MEMBERS.size(), reports, "(from the shared copy)");

      // a refresh that fails together (a division by zero in tg_ratio) is left, and fails alone: recorded, nothing
      // of it applied; the others are refreshed together all the same
      exec(c, "INSERT INTO " + SOURCE + " SELECT i, 1, 0, 'zero' FROM generate_series(3001, 3200) i");
      reports = StreamTables.refreshTogether(c, all, true, false).reports();
      assertTrue(reports.get(3).isEmpty(), "tg_ratio's failed refresh left to a refresh alone");
      assertTrue(reports.get(0).isPresent() && reports.get(1).isPresent() && reports.get(2).isPresent());
      for (String name : List.of("tg_groups", "tg_joined", "tg_rows")) {
        Oracle.assertFresh(c, name);
      }
      long before = count(c, "SELECT count(*) FROM tg_ratio");
      SQLException failed = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "tg_ratio"));
      assertEquals("22012", failed.getSQLState(), failed::getMessage);
      assertEquals(before, count(c, "SELECT count(*) FROM tg_ratio"), "nothing of the failed refresh applied");
      assertEquals("ERROR", Scenarios.text(c, "SELECT status FROM freshet.stream_tables "
          + "WHERE table_name = 'tg_ratio'"));
      exec(c, "DELETE FROM " + SOURCE + " WHERE v = 0");
      Oracle.refreshAndCheck(c, "tg_downstream", Mode.DIFFERENTIAL);

      // last refreshes at different snapshots: tg_rows alone first, so it reads its window itself, exactly
      exec(c, "INSERT INTO " + SOURCE + " SELECT i, i % 10, 2, 'late' FROM generate_series(4001, 4300) i");
      Oracle.refreshAndCheck(c, "tg_rows", Mode.DIFFERENTIAL);
      exec(c, "UPDATE " + SOURCE + " SET kind = (kind + 1) % 10 WHERE id BETWEEN 4001 AND 4150");
      reports = refreshAll(c, all);
      assertSteps(1, reports, "copy of the window of");
      assertEquals(0, reports.get(2).orElseThrow().profile().stream()
          .filter(s -> s.step().contains("shared copy")).count(), "tg_rows read its own window");

      // a TRUNCATE in the window: each recomputes, together
      exec(c, "TRUNCATE " + SOURCE + " CASCADE",
          "INSERT INTO " + SOURCE + " SELECT i, i % 4, 1 + i % 3, 'after' FROM generate_series(1, 500) i");
      reports = refreshAll(c, all);
      for (int i = 0; i < MEMBERS.size(); i++) {
        assertEquals(Mode.FULL, reports.get(i).orElseThrow().modeUsed(), MEMBERS.get(i));
      }

      // from SQL: CALL freshet.refresh with several names refreshes them together, then those it leaves alone
      exec(c, "INSERT INTO " + SOURCE + " SELECT i, i % 4, 3, 'sql' FROM generate_series(501, 800) i",
          "CALL freshet.refresh('tg_groups', 'tg_joined', 'tg_rows', 'tg_ratio', 'tg_downstream')");
      for (String name : all) {
        Oracle.assertFresh(c, name);
      }
      // the last refreshes of the four began with one transaction (a history row's start is its transaction's)
      assertEquals(MEMBERS.size(), count(c, "SELECT count(*) FROM (SELECT DISTINCT ON (h.stream_table_id) "
          + "h.started_at FROM freshet.refresh_history h JOIN freshet.stream_tables st ON st.id = h.stream_table_id "
          + "WHERE st.table_name IN ('tg_groups', 'tg_joined', 'tg_rows', 'tg_ratio') "
          + "ORDER BY h.stream_table_id, h.finished_at DESC) AS last WHERE last.started_at = (SELECT max(started_at) "
          + "FROM freshet.refresh_history h JOIN freshet.stream_tables st ON st.id = h.stream_table_id "
          + "WHERE st.table_name = 'tg_groups')"), "the four refreshed together, in one transaction");
      // a refresh that fails there fails alone: recorded and raised, at the end (V42): those refreshed together are
      // committed, and tg_downstream, left too (it reads tg_groups) and named after the failing tg_ratio, is refreshed
      // all the same, where the call used to stop at the failure and leave it for the next, which stopped there too
      exec(c, "INSERT INTO " + SOURCE + " SELECT i, 2, 0, 'zero' FROM generate_series(801, 950) i");
      long downstreamRefreshes = count(c, "SELECT count(*) FROM freshet.refresh_history h JOIN freshet.stream_tables st "
          + "ON st.id = h.stream_table_id WHERE st.table_name = 'tg_downstream' AND h.error IS NULL");
      SQLException fromSql = assertThrows(SQLException.class,
          () -> exec(c, "CALL freshet.refresh('tg_groups', 'tg_ratio', 'tg_rows', 'tg_downstream')"));
      assertEquals("22012", fromSql.getSQLState(), fromSql::getMessage);
      Oracle.assertFresh(c, "tg_groups");
      Oracle.assertFresh(c, "tg_rows");
      Oracle.assertFresh(c, "tg_downstream");
      assertEquals(downstreamRefreshes + 1, count(c, "SELECT count(*) FROM freshet.refresh_history h "
          + "JOIN freshet.stream_tables st ON st.id = h.stream_table_id WHERE st.table_name = 'tg_downstream' "
          + "AND h.error IS NULL"), "tg_downstream refreshed after the failure");
      assertEquals("ERROR", Scenarios.text(c, "SELECT status FROM freshet.stream_tables "
          + "WHERE table_name = 'tg_ratio'"));
      exec(c, "DELETE FROM " + SOURCE + " WHERE v = 0");
      Oracle.refreshAndCheck(c, "tg_ratio", Mode.DIFFERENTIAL);

      // a refresh of tg_rows running in another session (its lock held): left, and alone it reports the refresh
      // running; the others are refreshed together, and tg_rows is refreshed once the lock is free
      try (Connection holder = db.connect()) {
        exec(holder, "SELECT pg_advisory_lock(x'46525246'::integer, id::integer) FROM freshet.stream_tables "
            + "WHERE table_name = 'tg_rows'");
        exec(c, "INSERT INTO " + SOURCE + " SELECT i, i % 4, 5, 'held' FROM generate_series(1001, 1200) i");
        reports = StreamTables.refreshTogether(c, all, false, false).reports();
        assertTrue(reports.get(2).isEmpty(), "tg_rows, whose refresh lock is held, left to a refresh alone");
        assertTrue(reports.get(0).isPresent() && reports.get(1).isPresent() && reports.get(3).isPresent());
        assertThrows(RefreshRunningException.class, () -> StreamTables.refresh(c, "tg_rows"));
        exec(holder, "SELECT pg_advisory_unlock_all()");
      }
      for (String name : List.of("tg_groups", "tg_joined", "tg_ratio", "tg_downstream", "tg_rows")) {
        if (name.equals("tg_downstream") || name.equals("tg_rows")) {
          Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
        }
        Oracle.assertFresh(c, name);
      }

      // a statement_timeout would bound them all together where it bounds each alone: each is refreshed alone
      exec(c, "SET statement_timeout = '10min'");
      assertTrue(StreamTables.refreshTogether(c, all, false, false).reports().stream().allMatch(Optional::isEmpty));
      exec(c, "RESET statement_timeout");

      for (String name : List.of("tg_downstream", "tg_ratio", "tg_rows", "tg_joined", "tg_groups")) {
        StreamTables.drop(c, name, false);
      }
      exec(c, "DROP TABLE " + SOURCE + ", tg_kind");
    }
  }

  /**
   * Refreshes the stream tables together, then those it left alone (only tg_downstream, which reads tg_groups), and
   * checks each; returns what the refresh together reported.
   */
  private static List<Optional<RefreshReport>> refreshAll(Connection c, List<String> names) throws SQLException {
    StreamTables.Together together = StreamTables.refreshTogether(c, names, true, false);
    assertTrue(together.cleanupFailure().isEmpty());
    for (int i = 0; i < names.size(); i++) {
      assertEquals(!names.get(i).equals("tg_downstream"), together.reports().get(i).isPresent(), names.get(i));
      if (together.reports().get(i).isEmpty()) {
        StreamTables.refresh(c, names.get(i));
      }
    }
    for (String name : names) {
      Oracle.assertFresh(c, name);
    }
    return together.reports();
  }

  /** The reports' profiles, for a failure's message. */
  private static String shown(List<Optional<RefreshReport>> reports) {
    StringBuilder shown = new StringBuilder();
    reports.stream().flatMap(Optional::stream).forEach(r -> {
      shown.append(r.name()).append('\n');
      r.profile().forEach(s -> shown.append("  ").append(s.step()).append('\n'));
    });
    return shown.toString();
  }

  /** {@code expected} steps of the reports' profiles contain {@code text}. */
  private static void assertSteps(long expected, List<Optional<RefreshReport>> reports, String text) {
    assertEquals(expected, reports.stream().flatMap(Optional::stream).flatMap(r -> r.profile().stream())
        .map(RefreshStepTime::step).filter(s -> s.contains(text)).count(), () -> text + " in\n" + shown(reports));
  }
}
