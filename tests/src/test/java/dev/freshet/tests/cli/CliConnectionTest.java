package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.ConnectionTarget;
import dev.freshet.runtime.cli.UserException;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

/**
 * Naming the database as psql users do: libpq URIs, the PG* variables, and no silent fallback to a
 * throwaway embedded server for commands that act on the user's database.
 */
@PostgresTest
class CliConnectionTest {

  @Test
  void jdbcUrlsPassThroughAndTheEnvironmentFillsTheRest() {
    ConnectionTarget t = ConnectionTarget.resolve("jdbc:postgresql://db.example:6543/shop?user=ann",
        Map.of("PGPASSWORD", "s3cret", "PGUSER", "bob")).orElseThrow();
    assertEquals("jdbc:postgresql://db.example:6543/shop?user=ann", t.jdbcUrl());
    assertEquals("s3cret", t.properties().getProperty("password"));
    assertEquals("bob", t.properties().getProperty("user"), "a default: the URL's user=ann wins in the driver");
  }

  @Test
  void libpqUrisBecomeJdbcUrls() {
    ConnectionTarget t = ConnectionTarget.resolve("postgresql://ann:p%40ss%3Aword@db.example:6543/my%20shop"
        + "?sslmode=require&application_name=x", Map.of()).orElseThrow();
    assertEquals("jdbc:postgresql://db.example:6543/my%20shop?sslmode=require&application_name=x", t.jdbcUrl());
    assertEquals("ann", t.properties().getProperty("user"));
    assertEquals("p@ss:word", t.properties().getProperty("password"));
    assertFalse(t.describe().contains("p@ss"), t.describe());

    ConnectionTarget bare = ConnectionTarget.resolve("postgres://db.example", Map.of("PGUSER", "carl")).orElseThrow();
    assertEquals("jdbc:postgresql://db.example/carl", bare.jdbcUrl(), "the database defaults to the user, as in libpq");
    assertEquals("jdbc:postgresql://h1:5432,h2:5433/d",
        ConnectionTarget.resolve("postgresql://h1:5432,h2:5433/d", Map.of()).orElseThrow().jdbcUrl());
    // as libpq: PGPORT, PGHOST and PGDATABASE stand for what the URI leaves out, never for what it says
    assertEquals("jdbc:postgresql://db.example:5499/hf", ConnectionTarget.resolve("postgresql://db.example/hf",
        Map.of("PGPORT", "5499")).orElseThrow().jdbcUrl());
    assertEquals("jdbc:postgresql://h1:5432,h2:5499,[::1]:5499/d", ConnectionTarget.resolve(
        "postgresql://h1:5432,h2,[::1]/d", Map.of("PGPORT", "5499")).orElseThrow().jdbcUrl());
    assertEquals("jdbc:postgresql://db.other:6000/shop", ConnectionTarget.resolve("postgresql://",
        Map.of("PGHOST", "db.other", "PGPORT", "6000", "PGDATABASE", "shop")).orElseThrow().jdbcUrl());
    assertEquals("jdbc:postgresql://db.example:6543/hf", ConnectionTarget.resolve("postgresql://db.example:6543/hf",
        Map.of("PGPORT", "5499", "PGDATABASE", "other")).orElseThrow().jdbcUrl());
  }

  @Test
  void thePgVariablesNameAServer() {
    ConnectionTarget t = ConnectionTarget.resolve(null, Map.of("PGHOST", "db.example", "PGPORT", "6000",
        "PGDATABASE", "shop", "PGUSER", "ann", "PGPASSWORD", "pw", "PGSSLMODE", "verify-full",
        "PGOPTIONS", "-c role=team")).orElseThrow();
    assertEquals("jdbc:postgresql://db.example:6000/shop", t.jdbcUrl());
    Properties p = t.properties();
    assertEquals(java.util.List.of("ann", "pw", "verify-full", "-c role=team"), java.util.List.of(p.getProperty("user"),
        p.getProperty("password"), p.getProperty("sslmode"), p.getProperty("options")));
    assertTrue(ConnectionTarget.resolve(" ", Map.of("PGPASSWORD", "pw")).isEmpty(),
        "a password alone names no server");
    // demo, bench and soak replace tables: only a database named to Freshet counts, not psql's variables
    assertTrue(ConnectionTarget.resolveNamed(null, Map.of("PGHOST", "db.example", "PGDATABASE", "shop")).isEmpty());
    assertEquals("jdbc:postgresql://db.example:6000/shop", ConnectionTarget.resolveNamed(
        "postgresql://db.example:6000/shop", Map.of("PGHOST", "other")).orElseThrow().jdbcUrl());
    UserException socket = assertThrows(UserException.class,
        () -> ConnectionTarget.resolve(null, Map.of("PGHOST", "/var/run/postgresql")));
    assertTrue(socket.getMessage().contains("Unix socket directory"), socket.getMessage());
    UserException bad = assertThrows(UserException.class, () -> ConnectionTarget.resolve("mysql://x/y", Map.of()));
    assertTrue(bad.getMessage().contains("not a PostgreSQL URL: mysql://x/y"), bad.getMessage());
  }

  /** A libpq URI reaches the real server through the command line. */
  @Test
  void aLibpqUriConnects(TestDatabase db) {
    Properties p = Driver.parseURL(db.jdbcUrl(), null);
    String user = p.getProperty("user");
    String password = p.getProperty("password");
    String uri = "postgresql://" + URLEncoder.encode(user, StandardCharsets.UTF_8)
        + (password == null ? "" : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8)) + "@"
        + p.getProperty("PGHOST") + ":" + p.getProperty("PGPORT") + "/" + p.getProperty("PGDBNAME");
    CliRun run = CliRun.run(uri, "list");
    assertEquals(0, run.exitCode(), run.transcript());
  }

  /**
   * {@code PGTZ} gives the session its time zone, as libpq does (the driver sends the JVM's zone at startup, so
   * it is set once connected); a zone the server does not know is a usage error naming the variable.
   */
  @Test
  void pgtzSetsTheSessionTimeZone(TestDatabase db) throws Exception {
    ConnectionTarget t = ConnectionTarget.resolve(db.jdbcUrl(), Map.of("PGTZ", "Pacific/Chatham")).orElseThrow();
    try (Connection c = t.connect(new Properties()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW TimeZone")) {
      rs.next();
      assertEquals("Pacific/Chatham", rs.getString(1));
    }
    ConnectionTarget wrong = ConnectionTarget.resolve(db.jdbcUrl(), Map.of("PGTZ", "Mars/Olympus")).orElseThrow();
    UserException e = assertThrows(UserException.class, () -> wrong.connect(new Properties()));
    assertEquals("PGTZ=Mars/Olympus is not a time zone PostgreSQL knows (use a name from pg_timezone_names, such as "
        + "Europe/Paris, or unset PGTZ)", e.getMessage());
    assertTrue(ConnectionTarget.resolve(db.jdbcUrl(), Map.of()).orElseThrow().timeZone().isEmpty());
  }

  /** --port and --data-dir are an embedded server's: with a database named they are refused, not ignored. */
  @Test
  void embeddedOptionsWithANamedDatabaseAreRefused(TestDatabase db) {
    CliRun port = CliRun.run(db.jdbcUrl(), "list", "--port", "5498");
    assertEquals(2, port.exitCode(), port.transcript());
    assertTrue(port.err().startsWith("error: --port is for an embedded PostgreSQL, but a database is named ("),
        port.transcript());
    assertTrue(port.err().contains("give its port in --jdbc-url or PGPORT"), port.transcript());
    CliRun dir = CliRun.run(db.jdbcUrl(), "status", "x", "--data-dir", "/tmp/freshet-not-used");
    assertEquals(2, dir.exitCode(), dir.transcript());
    assertTrue(dir.err().startsWith("error: --data-dir is for an embedded PostgreSQL"), dir.transcript());
    assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/freshet-not-used")));
  }

  /** Commands on the user's database never fall back to a temporary embedded server. */
  @Test
  void withoutADatabaseACommandSaysHowToNameOne() {
    CliRun run = CliRun.run(null, "list", "--jdbc-url", "");
    assertEquals(2, run.exitCode(), run.transcript());
    assertTrue(run.err().contains("no database given: pass --jdbc-url"), run.transcript());
    assertTrue(run.err().contains("PGHOST"), run.transcript());
    assertFalse(run.err().contains("Embedded PostgreSQL"), run.transcript());
  }
}
