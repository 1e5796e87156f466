package dev.freshet.tests.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.scheduler.RefreshScheduler;
import dev.freshet.runtime.scheduler.Schedule;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTableException;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scheduled refreshes: due ones run, upstream first; a stream table over a stream table stays exact. */
@PostgresTest
class RefreshSchedulerTest {

  @Test
  void dueStreamTablesRefreshUpstreamFirst(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sales (id int PRIMARY KEY, region text, amount numeric(10,2))",
        "INSERT INTO sales SELECT i, 'r' || (i % 4), i * 2.5 FROM generate_series(1, 40) i");
    try (Connection c = db.connect()) {
      // Created downstream-last, but listed by name: "a_totals" sorts before "b_sales".
      StreamTables.create(c, "b_sales", "SELECT id, region, amount FROM sales WHERE amount > 10",
          Mode.DIFFERENTIAL, "1m");
      StreamTables.create(c, "a_totals", "SELECT region, sum(amount) AS total, count(*) AS n FROM b_sales "
          + "GROUP BY region", Mode.DIFFERENTIAL, "1m");
      db.execute("INSERT INTO sales VALUES (100, 'r9', 99.00)", "DELETE FROM sales WHERE id = 7");

      // (other tests of this class schedule stream tables of their own in the same database)
      List<String> ours = List.of("\"public\".\"b_sales\"", "\"public\".\"a_totals\"");
      List<RefreshScheduler.Attempt> none = RefreshScheduler.runDue(c, OffsetDateTime.now(), a -> { }).stream()
          .filter(a -> ours.contains(a.name())).toList();
      assertEquals(List.of(), none, "just created: nothing is due");

      List<RefreshScheduler.Attempt> due = RefreshScheduler.runDue(c, OffsetDateTime.now().plusMinutes(2), a -> { })
          .stream().filter(a -> ours.contains(a.name())).toList();
      assertEquals(ours, due.stream().map(RefreshScheduler.Attempt::name).toList());
      due.forEach(a -> assertEquals(null, a.error()));
      Oracle.assertFresh(c, "b_sales");
      Oracle.assertFresh(c, "a_totals");
      assertTrue(db.query("SELECT 1 FROM a_totals WHERE region = 'r9'").size() == 1,
          "the change reached the downstream stream table in one pass");
    }
  }

  /**
   * A stream table whose refresh takes longer than half its interval is refreshed less often (STAB-4): its
   * interval doubled until it is twice its last refresh's duration; status says so; once a refresh is quick
   * again it is back on its schedule.
   */
  @Test
  void aStreamTableSlowerThanItsScheduleIsPaced(TestDatabase db) throws Exception {
    Duration second = Duration.ofSeconds(1);
    assertEquals(second, RefreshScheduler.paced(second, java.util.Optional.empty()));
    assertEquals(second, RefreshScheduler.paced(second, java.util.Optional.of(Duration.ofMillis(400))));
    assertEquals(Duration.ofSeconds(8), RefreshScheduler.paced(second, java.util.Optional.of(Duration.ofMillis(3100))));
    assertEquals(Duration.ofHours(1), RefreshScheduler.paced(Duration.ofMinutes(10),
        java.util.Optional.of(Duration.ofHours(5))), "at most an hour");
    assertEquals(Duration.ofDays(1), RefreshScheduler.paced(Duration.ofDays(1), java.util.Optional.of(Duration.ofHours(20))),
        "or the schedule, when longer");

    db.execute("CREATE TABLE paced (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO paced VALUES (1, 1)");
    try (Connection c = db.connect()) {
      StreamTables.create(c, "paced_st", "SELECT v, count(*) AS n FROM paced GROUP BY v", Mode.DIFFERENTIAL, "1s");
      assertEquals(java.util.Optional.empty(), StreamTables.lastRefreshDuration(c,
          StreamTables.status(c, "paced_st", 0).table().id()), "its creation is not a refresh");
      db.execute("INSERT INTO paced VALUES (3, 3)");
      Oracle.refreshAndCheck(c, "paced_st", Mode.DIFFERENTIAL);
      // that refresh took 3 s, as its history says
      db.execute("UPDATE freshet.refresh_history h SET started_at = h.finished_at - interval '3 seconds' "
          + "FROM freshet.stream_tables st WHERE st.id = h.stream_table_id AND st.table_name = 'paced_st' "
          + "AND h.id = (SELECT max(id) FROM freshet.refresh_history WHERE stream_table_id = st.id)",
          "INSERT INTO paced VALUES (2, 2)");
      OffsetDateTime last = StreamTables.status(c, "paced_st", 0).table().lastRefreshAt().orElseThrow();
      String name = "\"public\".\"paced_st\"";
      assertTrue(RefreshScheduler.runDue(c, last.plusSeconds(2), a -> { }).stream().noneMatch(a -> a.name().equals(name)),
          "due every 8 s now, not every second");
      java.io.StringWriter text = new java.io.StringWriter();
      picocli.CommandLine cli = dev.freshet.runtime.cli.FreshetCli.commandLine();
      cli.setOut(new java.io.PrintWriter(text, true));
      assertEquals(0, cli.execute("status", "paced_st", "--jdbc-url", db.jdbcUrl()));
      assertTrue(text.toString().contains("slowed to every 8s: its last refresh took 3.0 s, and a refresh takes at "
          + "most half its interval; back to 1s when its refreshes are quicker"), text.toString());

      List<RefreshScheduler.Attempt> due = RefreshScheduler.runDue(c, last.plusSeconds(9), a -> { }).stream()
          .filter(a -> a.name().equals(name)).toList();
      assertEquals(1, due.size(), due.toString());
      assertEquals(null, due.get(0).error());
      Oracle.assertFresh(c, "paced_st");
      // that refresh was quick: back on its schedule
      java.io.StringWriter again = new java.io.StringWriter();
      cli.setOut(new java.io.PrintWriter(again, true));
      assertEquals(0, cli.execute("status", "paced_st", "--jdbc-url", db.jdbcUrl()));
      assertTrue(!again.toString().contains("slowed to"), again.toString());
    }
  }

  @Test
  void schedulesAreValidated(TestDatabase db) throws Exception {
    assertEquals(Duration.ofSeconds(30), Schedule.parse("30s").interval());
    assertEquals(Duration.ofMinutes(5), Schedule.parse("5 minutes").interval());
    assertEquals(Duration.ofHours(1), Schedule.parse("1h").interval());
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("0s"));
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("every day"));
    // PostgreSQL's interval spellings, in any case
    for (String minute : List.of("1m", "1min", "1 mins", "1 minute", "60s", "60 SECONDS", "1MIN", "00:01", "0:01:00")) {
      assertEquals(Duration.ofMinutes(1), Schedule.parse(minute).interval(), minute);
    }
    assertEquals(Duration.ofMinutes(90), Schedule.parse("1 hour 30 minutes").interval());
    assertEquals(Duration.ofMinutes(90), Schedule.parse("1h30m").interval());
    assertEquals(Duration.ofMinutes(90), Schedule.parse("1.5 hrs").interval());
    assertEquals(Duration.ofMinutes(90), Schedule.parse("01:30").interval());
    assertEquals(Duration.ofDays(14), Schedule.parse("2w").interval());
    assertEquals(Duration.ofHours(2), Schedule.parse("2H").interval());
    // 1M: a minute to PostgreSQL, a month to ISO 8601 and cron-like schedulers; refused, saying what to write
    IllegalArgumentException ambiguous = assertThrows(IllegalArgumentException.class, () -> Schedule.parse("1M"));
    assertEquals("not a schedule: '1M'; 1M is ambiguous: minutes to PostgreSQL, months to ISO 8601 and most "
        + "schedulers; write 1min (or 1m) for minutes, and days for months (30d), which have no fixed length",
        ambiguous.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.parse("1h 5M")).getMessage()
        .contains("5M is ambiguous"));
    for (String month : List.of("1 month", "1mon", "2 years")) {
      assertEquals("not a schedule: '" + month + "'; months and years have no fixed length; write the interval in "
          + "days or weeks, e.g. 30d or 4w", assertThrows(IllegalArgumentException.class,
              () -> Schedule.parse(month)).getMessage());
    }
    for (String tooShort : List.of("500ms", "1.5s")) {
      assertEquals("not a schedule: '" + tooShort + "'; a schedule counts whole seconds, e.g. 1s or 90s",
          assertThrows(IllegalArgumentException.class, () -> Schedule.parse(tooShort)).getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("99999999999999999999d"));
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("5 fortnights"));
    db.execute("CREATE TABLE t (id int PRIMARY KEY)");
    try (Connection c = db.connect()) {
      StreamTableException e = assertThrows(StreamTableException.class,
          () -> StreamTables.create(c, "st", "SELECT id FROM t", Mode.AUTO, "daily"));
      assertTrue(e.getMessage().contains("30s, 5m or 1h"), e.getMessage());
    }
  }

  /** One pass with at most 3 failures in a row, the attempts on "ratios" only (other tests schedule theirs). */
  private static List<RefreshScheduler.Attempt> ratios(Connection c, OffsetDateTime now) throws Exception {
    return RefreshScheduler.runDue(c, now, 3, a -> { }).stream()
        .filter(a -> a.name().equals("\"public\".\"ratios\"")).toList();
  }

  /**
   * A stream table whose scheduled refreshes keep failing waits longer after each failure (its interval,
   * doubled per failure), is suspended after --max-failures failures in a row and skipped from then on;
   * resume brings it back with its failures forgotten, and a successful refresh makes it ACTIVE.
   */
  @Test
  void failingRefreshesBackOffThenSuspendUntilResumed(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE ratio_src (id int PRIMARY KEY, v int)", "INSERT INTO ratio_src VALUES (1, 2), (2, 5)");
    try (Connection c = db.connect()) {
      StreamTables.create(c, "ratios", "SELECT id, 10 / v AS q FROM ratio_src", Mode.DIFFERENTIAL, "1m");
      db.execute("INSERT INTO ratio_src VALUES (3, 0)"); // every refresh now divides by zero
      OffsetDateTime start = OffsetDateTime.now();

      List<RefreshScheduler.Attempt> first = ratios(c, start.plusMinutes(2));
      assertEquals(1, first.size());
      assertTrue(first.get(0).error() != null && first.get(0).consecutiveFailures() == 1, first::toString);
      assertTrue(first.get(0).error().getMessage().contains("division by zero"), first.get(0).error()::getMessage);
      // After one failure it waits its interval (1 min) from the failure, after two 2 min.
      assertEquals(List.of(), ratios(c, OffsetDateTime.now().plusSeconds(30)));
      RefreshScheduler.Attempt second = ratios(c, OffsetDateTime.now().plusSeconds(61))
          .get(0);
      assertEquals(2, second.consecutiveFailures());
      assertEquals(List.of(), ratios(c, OffsetDateTime.now().plusSeconds(90)));
      RefreshScheduler.Attempt third = ratios(c, OffsetDateTime.now().plusSeconds(121))
          .get(0);
      assertTrue(third.suspended() && third.consecutiveFailures() == 3, third::toString);
      assertEquals(StreamTables.SUSPENDED, StreamTables.status(c, "ratios", 0).table().status());
      assertEquals(List.of(), ratios(c, OffsetDateTime.now().plusDays(1)),
          "a suspended stream table is not refreshed");
      // a manual refresh that fails leaves it suspended
      assertThrows(Exception.class, () -> StreamTables.refresh(c, "ratios"));
      assertEquals(StreamTables.SUSPENDED, StreamTables.status(c, "ratios", 0).table().status());

      StreamTables.resume(c, "ratios");
      assertEquals("ACTIVE", StreamTables.status(c, "ratios", 0).table().status());
      RefreshScheduler.Attempt again = ratios(c, OffsetDateTime.now().plusMinutes(2))
          .get(0);
      assertTrue(again.error() != null && again.consecutiveFailures() == 1 && !again.suspended(), again::toString);

      db.execute("DELETE FROM ratio_src WHERE v = 0", "INSERT INTO ratio_src VALUES (4, 10)");
      RefreshScheduler.Attempt fixed = ratios(c, OffsetDateTime.now().plusMinutes(2))
          .get(0);
      assertEquals(null, fixed.error());
      Oracle.assertFresh(c, "ratios");
      assertEquals("ACTIVE", StreamTables.status(c, "ratios", 0).table().status());
      assertEquals(0, StreamTables.consecutiveFailures(c, StreamTables.status(c, "ratios", 0).table().id()).count());
    }
  }

  /**
   * A stream table another session is refreshing (another service) is skipped, not failed: no error,
   * no failure counted, and it is refreshed at the next pass.
   */
  @Test
  void aStreamTableBeingRefreshedElsewhereIsSkippedNotFailed(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE busy_src (id int PRIMARY KEY)", "INSERT INTO busy_src VALUES (1)");
    try (Connection c = db.connect(); Connection other = db.connect()) {
      StreamTables.create(c, "busy_st", "SELECT id FROM busy_src", Mode.DIFFERENTIAL, "1m");
      db.execute("INSERT INTO busy_src VALUES (2)");
      long id = StreamTables.status(c, "busy_st", 0).table().id();
      // the refresh lock, as a refresh in another session holds it
      try (java.sql.Statement s = other.createStatement()) {
        s.execute("SELECT pg_advisory_lock(x'46525246'::integer, " + id + ")");
      }
      List<RefreshScheduler.Attempt> busy = RefreshScheduler.runDue(c, OffsetDateTime.now().plusMinutes(2), a -> { })
          .stream().filter(a -> a.name().equals("\"public\".\"busy_st\"")).toList();
      assertEquals(1, busy.size());
      assertTrue(busy.get(0).busy() && busy.get(0).error() == null, busy::toString);
      assertEquals(0, StreamTables.consecutiveFailures(c, id).count());
      try (java.sql.Statement s = other.createStatement()) {
        s.execute("SELECT pg_advisory_unlock(x'46525246'::integer, " + id + ")");
      }
      List<RefreshScheduler.Attempt> done = RefreshScheduler.runDue(c, OffsetDateTime.now().plusMinutes(2), a -> { })
          .stream().filter(a -> a.name().equals("\"public\".\"busy_st\"")).toList();
      assertTrue(done.get(0).report() != null, done::toString);
      Oracle.assertFresh(c, "busy_st");
    }
  }

  /**
   * Cleaning up a change buffer after the refresh was committed fails (its lock waits past lock_timeout): the stream
   * tables are fresh and nothing counts as their failure, but the pass says so: with the last of those refreshed
   * together for the group's cleanup, with the refresh alone for its own (here a stream table reading another of the
   * pass, which the group leaves to a refresh alone). The next pass's cleanups delete what was left.
   */
  @Test
  void aBufferCleanupThatFailsIsToldNotCountedAsAFailure(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE cl_src (id int PRIMARY KEY, v int)", "INSERT INTO cl_src VALUES (1, 1), (2, 2)");
    try (Connection c = db.connect(); Connection holder = db.connect()) {
      StreamTables.create(c, "cl_up", "SELECT id, v FROM cl_src", Mode.DIFFERENTIAL, "1m");
      StreamTables.create(c, "cl_down", "SELECT v, count(*) AS n FROM cl_up GROUP BY v", Mode.DIFFERENTIAL, "1m");
      long src = relid(c, "cl_src");
      long up = relid(c, "cl_up");
      // the capture's per-source lock ("FRCP", relid), which every cleanup of that buffer takes
      for (long relid : List.of(src, up)) {
        try (java.sql.Statement s = holder.createStatement()) {
          s.execute("SELECT pg_advisory_lock((x'46524350'::bigint << 32) | " + relid + ")");
        }
      }
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("SET lock_timeout = '100ms'");
      }
      db.execute("INSERT INTO cl_src VALUES (3, 2)", "UPDATE cl_src SET v = 5 WHERE id = 1");

      List<RefreshScheduler.Attempt> pass = RefreshScheduler.runDue(c, OffsetDateTime.now().plusMinutes(2), a -> { });
      List<String> ours = List.of("\"public\".\"cl_up\"", "\"public\".\"cl_down\"");
      for (RefreshScheduler.Attempt a : pass.stream().filter(a -> ours.contains(a.name())).toList()) {
        assertTrue(a.error() == null && a.report() != null, a::toString);
      }
      List<String> told = pass.stream().filter(a -> a.cleanupFailure() != null)
          .map(a -> a.cleanupFailure().getSQLState() + " " + a.cleanupFailure().getMessage()).toList();
      assertEquals(2, told.size(), told::toString);
      assertTrue(told.stream().anyMatch(t -> t.startsWith("55P03 the refresh is committed, but cleaning up the change "
          + "buffer of \"public\".\"cl_src\" failed: ")), told::toString);
      RefreshScheduler.Attempt down = pass.stream().filter(a -> a.name().equals(ours.get(1))).findFirst().orElseThrow();
      assertTrue(down.cleanupFailure() != null && down.cleanupFailure().getMessage().startsWith("the refresh is "
          + "committed, but cleaning up the change buffer of \"public\".\"cl_up\" failed: "), down::toString);
      Oracle.assertFresh(c, "cl_up");
      Oracle.assertFresh(c, "cl_down");
      for (String name : List.of("cl_up", "cl_down")) {
        long id = StreamTables.status(c, name, 0).table().id();
        assertEquals(0, StreamTables.consecutiveFailures(c, id).count(), name);
        assertEquals("ACTIVE", StreamTables.status(c, name, 0).table().status(), name);
      }
      assertTrue(count(c, "SELECT count(*) FROM freshet_changes.src_" + src) > 0, "left for the next cleanup");

      try (java.sql.Statement s = holder.createStatement()) {
        s.execute("SELECT pg_advisory_unlock_all()");
      }
      db.execute("DELETE FROM cl_src WHERE id = 2");
      List<RefreshScheduler.Attempt> next = RefreshScheduler.runDue(c, OffsetDateTime.now().plusMinutes(4), a -> { });
      assertTrue(next.stream().filter(a -> ours.contains(a.name())).allMatch(a -> a.report() != null
          && a.cleanupFailure() == null), next::toString);
      Oracle.assertFresh(c, "cl_up");
      Oracle.assertFresh(c, "cl_down");
      assertEquals(0, count(c, "SELECT count(*) FROM freshet_changes.src_" + src), "all read, all deleted");
      assertEquals(0, count(c, "SELECT count(*) FROM freshet_changes.src_" + up), "all read, all deleted");
    }
  }

  private static long relid(Connection c, String table) throws Exception {
    return count(c, "SELECT '" + table + "'::regclass::oid::bigint");
  }

  private static long count(Connection c, String sql) throws Exception {
    try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
