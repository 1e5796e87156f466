package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A database error prints as psql prints one, the same from every command: {@code error: } and PostgreSQL's
 * message (never pgjdbc's {@code ERROR:} inside it), then {@code DETAIL:}, {@code HINT:} and {@code SQLSTATE:}
 * lines, and, with {@code --verbose} only, {@code STATEMENT:} with the statement Freshet ran when it has one.
 */
@PostgresTest
class CliErrorOutputTest {

  /** The key class of the refresh lock ("FRRF"), as StreamTables and CALL freshet.refresh take it. */
  private static final int REFRESH_LOCK_CLASS = 0x46525246;

  @Test
  void createNamesTheStreamTableThenPostgresWordsTheSqlstateAndTheStatement(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE eo_src (id int PRIMARY KEY, v int)", "INSERT INTO eo_src VALUES (1, 0)");
    String query = "SELECT id, 10 / v AS q FROM eo_src";
    // Freshet's own SQL (the statement that filled the table) is internal: shown with --verbose only
    CliRun create = CliRun.run(db.jdbcUrl(), "create", "eo_zero", "--query", query);
    assertEquals(4, create.exitCode(), create.transcript());
    assertEquals("error: \"public\".\"eo_zero\": division by zero\nSQLSTATE:  22012\n", create.err(),
        create.transcript());

    CliRun verbose = CliRun.run(db.jdbcUrl(), "create", "eo_zero", "--query", query, "--verbose");
    assertEquals(4, verbose.exitCode(), verbose.transcript());
    List<String> lines = verbose.err().lines().toList();
    assertEquals("error: \"public\".\"eo_zero\": division by zero", lines.get(0), verbose.transcript());
    assertEquals("SQLSTATE:  22012", lines.get(1), verbose.transcript());
    assertTrue(lines.get(2).startsWith("STATEMENT:  "), verbose.transcript());
    assertTrue(verbose.err().contains("10 / v"), "the statement holds the query: " + verbose.transcript());
    assertEquals(List.of(List.of(false)), db.query("SELECT to_regclass('eo_zero') IS NOT NULL"), "nothing created");
  }

  /** verify's query failing (a division by zero in the data) names the stream table, as refresh does. */
  @Test
  void verifyNamesTheStreamTableThenPostgresWords(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE eo_star (id int PRIMARY KEY, v int)", "INSERT INTO eo_star VALUES (1, 2)");
    CliRun create = CliRun.run(db.jdbcUrl(), "create", "eo_all", "--mode", "FULL", "--query",
        "SELECT id, 10 / v AS q FROM eo_star");
    assertEquals(0, create.exitCode(), create.transcript());
    db.execute("UPDATE eo_star SET v = 0");
    CliRun verify = CliRun.run(db.jdbcUrl(), "verify", "eo_all");
    assertEquals(4, verify.exitCode(), verify.transcript());
    assertEquals("error: \"public\".\"eo_all\": division by zero\n"
        + "SQLSTATE:  22012\n", verify.err(), verify.transcript());
  }

  @Test
  void refreshNamesTheStreamTableThenPostgresWordsAndTheSqlstate(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE eo_div (id int PRIMARY KEY, v int)", "INSERT INTO eo_div VALUES (1, 2)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "eo_q", "--query", "SELECT id, 10 / v AS q FROM eo_div");
    assertEquals(0, create.exitCode(), create.transcript());
    db.execute("UPDATE eo_div SET v = 0");
    CliRun refresh = CliRun.run(url, "refresh", "eo_q");
    assertEquals(4, refresh.exitCode(), refresh.transcript());
    assertEquals("error: \"public\".\"eo_q\": division by zero\nSQLSTATE:  22012\n", refresh.err(), refresh.transcript());
    CliRun status = CliRun.run(url, "status", "eo_q");
    assertTrue(status.out().contains("  last error:\n    division by zero\n"), status.transcript());
    // the failed refresh in the history: not "no changes", and nothing applied
    assertTrue(status.out().contains("ms  failed, nothing applied  ERROR: division by zero\n"), status.transcript());
    assertFalse(status.out().contains("ERROR: ERROR"), status.transcript());
  }

  /**
   * The server's HINT (a stream table dropped outside Freshet) is a line of its own, as psql prints it; an error
   * that names the stream table is not prefixed with its name again.
   */
  @Test
  void theServersHintIsALineOfItsOwn(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE eo_src2 (id int PRIMARY KEY)", "INSERT INTO eo_src2 VALUES (1)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "eo_gone", "--query", "SELECT id FROM eo_src2").exitCode());
    db.execute("DROP TABLE eo_gone", "INSERT INTO eo_src2 VALUES (2)");
    CliRun refresh = CliRun.run(url, "refresh", "eo_gone");
    assertEquals(4, refresh.exitCode(), refresh.transcript());
    List<String> lines = refresh.err().lines().toList();
    // named once: the message names it, so it is not prefixed with the name as a division by zero is
    assertTrue(lines.get(0).startsWith("error: stream table \"public\".\"eo_gone\" was dropped outside Freshet"),
        refresh.transcript());
    assertTrue(lines.get(1).equals("HINT:  'freshet create' makes it again once what is left of it is removed: "
        + "freshet drop '\"public\".\"eo_gone\"'"),
        refresh.transcript());
    assertTrue(lines.get(lines.size() - 1).matches("SQLSTATE:  [0-9A-Z]{5}"), refresh.transcript());
  }

  /** A host name that does not resolve is named, as psql names it (the driver said only that it failed). */
  @Test
  void anUnknownHostIsNamed() {
    CliRun run = CliRun.run("jdbc:postgresql://no-such-host.invalid:5432/db?connectTimeout=5", "list");
    assertEquals(4, run.exitCode(), run.transcript());
    assertTrue(run.err().startsWith("error: could not translate host name \"no-such-host.invalid\" to address"),
        run.transcript());
  }

  /** An error from the driver, not the server (no server to answer): the same two lines. */
  @Test
  void aConnectionErrorHasItsSqlstateOnItsOwnLine() {
    CliRun run = CliRun.run("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=5", "list");
    assertEquals(4, run.exitCode(), run.transcript());
    List<String> lines = run.err().lines().toList();
    assertEquals(2, lines.size(), run.transcript());
    assertTrue(lines.get(0).startsWith("error: Connection to 127.0.0.1:1 refused"), run.transcript());
    assertEquals("SQLSTATE:  08001", lines.get(1), run.transcript());
  }

  /**
   * A refresh refused because another refresh of the stream table holds its lock prints its SQLSTATE as every
   * other database error does (55P03, as CALL freshet.refresh raises it); it had none (found by the walkthrough).
   * Its DETAIL names the session holding the lock, and says that a killed client's session keeps refreshing on
   * the server for a while; its HINT how to stop that session (found by the walkthrough: after kill -9 of a
   * refresh, the next one only said to wait).
   */
  @Test
  void aRefreshAlreadyRunningHasItsSqlstateOnItsOwnLine(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE eo_busy_src (id int PRIMARY KEY, v int)", "INSERT INTO eo_busy_src VALUES (1, 1)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "eo_busy", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id, v FROM eo_busy_src").exitCode());
    long id = ((Number) db.query("SELECT id FROM freshet.stream_tables WHERE table_name = 'eo_busy'").get(0).get(0))
        .longValue();
    db.execute("INSERT INTO eo_busy_src VALUES (2, 2)");
    try (Connection holder = db.connect()) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.execute("SET application_name = 'eo_killed_client'");
        s.execute("SELECT pg_advisory_xact_lock(" + REFRESH_LOCK_CLASS + ", " + id + ")");
        int pid;
        try (java.sql.ResultSet rs = s.executeQuery("SELECT pg_backend_pid(), current_user")) {
          rs.next();
          pid = rs.getInt(1);
          assertEquals("postgres", rs.getString(2));
        }
        CliRun refresh = CliRun.run(url, "refresh", "eo_busy");
        assertEquals(4, refresh.exitCode(), refresh.transcript());
        String err = refresh.err();
        assertTrue(err.startsWith("error: a refresh of \"public\".\"eo_busy\" is already running in another session\n"
            + "DETAIL:  the session of server process " + pid + " holds its refresh lock (application_name "
            + "\"eo_killed_client\", role \"postgres\", in a transaction begun at "), refresh.transcript());
        assertTrue(err.contains(" ago, idle in transaction). A client killed or cut off while it refreshed (kill -9 of "
            + "freshet refresh) leaves its session running the refresh on the server until PostgreSQL notices the "
            + "client is gone, at the end of its current statement at the latest\n"), refresh.transcript());
        assertTrue(err.endsWith("\nHINT:  wait for it to finish (refreshes of one stream table never overlap); if its "
            + "client is gone, stop it from psql, as its role or a superuser: SELECT pg_cancel_backend(" + pid + ") "
            + "cancels its statement, SELECT pg_terminate_backend(" + pid + ") ends its session\n"
            + "SQLSTATE:  55P03\n"), refresh.transcript());
        // CALL freshet.refresh names the holder alike (catalog V27), where it said only to wait
        try (Connection other = db.connect(); Statement call = other.createStatement()) {
          java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
              () -> call.execute("CALL freshet.refresh('eo_busy')"));
          assertEquals("55P03", e.getSQLState(), e.getMessage());
          org.postgresql.util.ServerErrorMessage server = ((org.postgresql.util.PSQLException) e).getServerErrorMessage();
          assertTrue(server.getDetail().startsWith("the session of server process " + pid + " holds its refresh lock "
              + "(application_name \"eo_killed_client\", role \"postgres\", in a transaction begun at "), server.getDetail());
          assertTrue(server.getHint().endsWith("SELECT pg_cancel_backend(" + pid + ") cancels its statement, "
              + "SELECT pg_terminate_backend(" + pid + ") ends its session"), server.getHint());
        }
      } finally {
        holder.rollback();
      }
    }
    try (Connection c = db.connect()) {
      Oracle.refreshAndCheck(c, "eo_busy", Mode.DIFFERENTIAL);
    }
  }
}
