package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.DisplayWidth;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service's log keeps its columns: whatever the widths of the stream tables' names (wide characters
 * included), what follows a name (the mode of a refresh, FAILED) starts in the same column on every line,
 * as in 'freshet refresh --all' and 'freshet list'.
 */
@PostgresTest
class CliServiceLogTest {

  @Test
  void lineOfEveryStreamTableKeepsItsColumns(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sl_src (id int PRIMARY KEY, v int)", "INSERT INTO sl_src VALUES (1, 2)");
    String url = db.jdbcUrl();
    List<String> names = List.of("sl", "\"売上 by Region\"", "sl_a_rather_longer_name", "sl_div");
    List<String> shown = List.of("\"public\".\"sl\"", "\"public\".\"売上 by Region\"",
        "\"public\".\"sl_a_rather_longer_name\"", "\"public\".\"sl_div\"");
    for (String name : names) {
      String query = name.equals("sl_div") ? "SELECT id, 10 / v AS q FROM sl_src" : "SELECT id, v FROM sl_src";
      CliRun create = CliRun.run(url, "create", name, "--schedule", "1m", "--query", query);
      assertEquals(0, create.exitCode(), create.transcript());
    }
    // all due now: as if their last refresh were an hour ago (the test does not wait a minute); sl_div fails
    db.execute("INSERT INTO sl_src VALUES (2, 0)",
        "UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour'");

    CliRun pass = CliRun.run(url, "service", "--once");
    assertEquals(4, pass.exitCode(), "sl_div failed: " + pass.transcript());
    try (Connection c = db.connect()) {
      for (String name : names.subList(0, 3)) {
        Oracle.assertFresh(c, name);
      }
    }
    Integer column = null;
    for (String name : shown) {
      List<String> lines = pass.out().lines().filter(l -> l.contains("Z  " + name + " ")).toList();
      assertEquals(1, lines.size(), name + ": " + pass.transcript());
      String line = lines.get(0);
      int end = line.indexOf(name) + name.length();
      int next = end;
      while (next < line.length() && line.charAt(next) == ' ') {
        next++;
      }
      assertTrue(line.substring(next).matches("(DIFFERENTIAL|FAILED) .*"), line);
      int width = DisplayWidth.of(line.substring(0, next));
      if (column == null) {
        column = width;
      }
      assertEquals(column, width, "the column after the name, on every line:\n" + pass.out());
    }
    assertEquals(DisplayWidth.of("2026-12-05T16:45:24.000Z  \"public\".\"sl_a_rather_longer_name\"  "), column,
        "as wide as the widest name needs:\n" + pass.out());
  }

  /**
   * A refresh that found nothing to do is not logged at the default level (a line per stream table per pass
   * of a quiet database buried the rest, found by the walkthrough); one that applied changes is, and
   * {@code --log-level debug} logs both.
   */
  @Test
  void aRefreshWithNothingToDoIsLoggedAtDebugOnly(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sq_src (id int PRIMARY KEY, v int)", "CREATE TABLE sq_other (id int PRIMARY KEY)",
        "INSERT INTO sq_src VALUES (1, 1)", "INSERT INTO sq_other VALUES (1)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "sq_busy", "--schedule", "1m", "--query", "SELECT id, v FROM sq_src")
        .exitCode());
    assertEquals(0, CliRun.run(url, "create", "sq_quiet", "--schedule", "1m", "--query", "SELECT id FROM sq_other")
        .exitCode());
    String due = "UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour' "
        + "WHERE table_name IN ('sq_busy', 'sq_quiet')";
    db.execute("INSERT INTO sq_src VALUES (2, 2)", due);
    CliRun info = CliRun.run(url, "service", "--once");
    assertEquals(0, info.exitCode(), info.transcript());
    assertEquals(1, info.out().lines().filter(l -> l.contains("\"sq_busy\"")
        && l.contains("changed \"public\".\"sq_src\"  +1 ~0 -0")).count(), info.transcript());
    assertTrue(info.out().lines().noneMatch(l -> l.contains("\"sq_quiet\"")), info.transcript());
    assertTrue(info.out().lines().noneMatch(l -> l.contains("no changes")), info.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "sq_busy");
      Oracle.assertFresh(c, "sq_quiet");
    }

    db.execute("DELETE FROM sq_src WHERE id = 1", due);
    CliRun debug = CliRun.run(url, "service", "--once", "--log-level", "debug");
    assertEquals(0, debug.exitCode(), debug.transcript());
    assertEquals(1, debug.out().lines().filter(l -> l.contains("\"sq_busy\"") && l.contains("+0 ~0 -1")).count(),
        debug.transcript());
    assertEquals(1, debug.out().lines().filter(l -> l.contains("\"sq_quiet\"") && l.contains("  no changes  +0 ~0 -0"))
        .count(), debug.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "sq_busy");
      Oracle.assertFresh(c, "sq_quiet");
    }
    CliRun wrong = CliRun.run(url, "service", "--once", "--log-level", "verbose");
    assertEquals(2, wrong.exitCode(), wrong.transcript());
  }

  /**
   * When cleaning up a change buffer fails after a refresh was committed (here its lock waits past the lock_timeout
   * the connection sets), the service prints the refresh's line, then a WARNING naming the buffer, the error and its
   * SQLSTATE, and a pass run with --once exits non-zero; 'freshet refresh' prints the refresh's line before the
   * error. The stream table is fresh either way, and nothing is recorded as its failure.
   */
  @Test
  void aBufferCleanupThatFailsIsAWarningLine(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE cw_src (id int PRIMARY KEY, v int)", "INSERT INTO cw_src VALUES (1, 1)");
    String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "options=-c%20lock_timeout=100ms";
    assertEquals(0, CliRun.run(url, "create", "cw", "--mode", "DIFFERENTIAL", "--schedule", "1m", "--query",
        "SELECT id, v FROM cw_src")
        .exitCode());
    try (Connection holder = db.connect(); java.sql.Statement s = holder.createStatement()) {
      s.execute("SELECT pg_advisory_lock((x'46524350'::bigint << 32) | 'cw_src'::regclass::oid::bigint)");
      db.execute("INSERT INTO cw_src VALUES (2, 2)",
          "UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour' WHERE table_name = 'cw'");

      CliRun pass = CliRun.run(url, "service", "--once");
      assertTrue(pass.exitCode() != 0, pass.transcript());
      List<String> lines = pass.out().lines().filter(l -> l.contains("Z  \"public\".\"cw\"  ")).toList();
      assertEquals(2, lines.size(), pass.transcript());
      assertTrue(lines.get(0).contains("DIFFERENTIAL"), pass.transcript());
      assertTrue(lines.get(1).contains("WARNING: the refresh is committed, but cleaning up the change buffer of "
          + "\"public\".\"cw_src\" failed: ") && lines.get(1).contains("(SQLSTATE 55P03); the next cleanup of that "
          + "buffer deletes what this one left"), pass.transcript());
      try (Connection c = db.connect()) {
        Oracle.assertFresh(c, "cw");
      }

      db.execute("INSERT INTO cw_src VALUES (3, 3)");
      CliRun refresh = CliRun.run(url, "refresh", "cw");
      assertTrue(refresh.exitCode() != 0, refresh.transcript());
      assertTrue(refresh.out().startsWith("\"public\".\"cw\"  DIFFERENTIAL"), refresh.transcript());
      assertTrue(refresh.err().contains("the refresh is committed, but cleaning up the change buffer of "
          + "\"public\".\"cw_src\" failed: "), refresh.transcript());
      try (Connection c = db.connect()) {
        Oracle.assertFresh(c, "cw");
        try (java.sql.Statement q = c.createStatement(); java.sql.ResultSet rs = q.executeQuery("SELECT count(*) "
            + "FILTER (WHERE h.error IS NOT NULL), min(st.status) FROM freshet.refresh_history h "
            + "JOIN freshet.stream_tables st ON st.id = h.stream_table_id WHERE st.table_name = 'cw'")) {
          rs.next();
          assertEquals(0, rs.getLong(1), "no refresh failed");
          assertEquals("ACTIVE", rs.getString(2));
        }
      }
    }
  }
}
