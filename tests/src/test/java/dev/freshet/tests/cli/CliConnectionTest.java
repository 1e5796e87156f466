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
   * A libpq connection string, as psql takes one for its database ({@code psql "host=localhost port=5499
   * dbname=x user=postgres"}), reaches the real server through the command line: it was "not a PostgreSQL URL"
   * (found by the first-hour walkthrough, issue 15). Values quoted as libpq quotes them.
   */
  @Test
  void aConnectionStringConnects(TestDatabase db) {
    Properties p = Driver.parseURL(db.jdbcUrl(), null);
    String conninfo = "host=" + p.getProperty("PGHOST") + "  port = " + p.getProperty("PGPORT")
        + " dbname='" + p.getProperty("PGDBNAME") + "' user=" + p.getProperty("user")
        + (p.getProperty("password") == null ? "" : " password='" + p.getProperty("password").replace("\\", "\\\\")
            .replace("'", "\\'") + "'")
        + " application_name='freshet \\'walk\\'' connect_timeout=10 sslmode=disable";
    CliRun run = CliRun.run(conninfo, "list");
    assertEquals(0, run.exitCode(), run.transcript());
  }

  /** A connection string is read as libpq reads one, and its keywords become the driver's URL and properties. */
  @Test
  void connectionStringsAreReadAsLibpqReadsThem() {
    ConnectionTarget t = ConnectionTarget.resolve("host=db.example port=6543 dbname='my shop' user = ann "
        + "password='it\\'s \\\\ secret' sslmode=require options='-c role=team' application_name=walk\\ through "
        + "connect_timeout=7", Map.of("PGPASSWORD", "not this", "PGDATABASE", "nor this")).orElseThrow();
    assertEquals("jdbc:postgresql://db.example:6543/my%20shop", t.jdbcUrl());
    Properties p = t.properties();
    assertEquals(java.util.List.of("ann", "it's \\ secret", "require", "-c role=team", "walk through", "7"),
        java.util.List.of(p.getProperty("user"), p.getProperty("password"), p.getProperty("sslmode"),
            p.getProperty("options"), p.getProperty("ApplicationName"), p.getProperty("connectTimeout")));
    assertFalse(t.describe().contains("secret"), t.describe());
    // as libpq: the environment stands for what it leaves out; hostaddr is the address connected to
    assertEquals("jdbc:postgresql://db.other:5499/shop", ConnectionTarget.resolve("host=db.other",
        Map.of("PGPORT", "5499", "PGDATABASE", "shop", "PGUSER", "carl")).orElseThrow().jdbcUrl());
    assertEquals("jdbc:postgresql://10.0.0.7:5432/carl", ConnectionTarget.resolve("host=db.example hostaddr=10.0.0.7",
        Map.of("PGUSER", "carl")).orElseThrow().jdbcUrl());
    assertEquals("jdbc:postgresql://h1:5432,h2:5433,[::1]:5434/d", ConnectionTarget.resolve(
        "host=h1,h2,::1 port=5432,5433,5434 dbname=d", Map.of()).orElseThrow().jdbcUrl());
    assertEquals("jdbc:postgresql://h1:6000,h2:6000/d", ConnectionTarget.resolve("host=h1,h2 port=6000 dbname=d",
        Map.of()).orElseThrow().jdbcUrl());

    // what libpq refuses, in its words; a keyword Freshet does not take is named, with those it takes
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("host=h sslcert=/x.crt", "invalid connection option \"sslcert\": Freshet takes host, hostaddr, port, "
        + "dbname, user, password, sslmode, options, application_name, connect_timeout and passfile");
    refused.put("host=h dbname", "missing \"=\" after \"dbname\" in connection info string");
    refused.put("host=h dbname='shop", "unterminated quoted string in connection info string");
    refused.put("host=h port=54x", "invalid port number: \"54x\"");
    refused.put("host=h1,h2,h3 port=1,2", "could not match 2 port numbers to 3 hosts");
    refused.put("host=h sslmode=on", "invalid sslmode value: \"on\"");
    refused.put("host=h connect_timeout=soon", "invalid integer value \"soon\" for connection option \"connect_timeout\"");
    refused.put("host=/var/run/postgresql", "host=/var/run/postgresql names a Unix socket directory");
    refused.forEach((conninfo, message) -> {
      UserException e = assertThrows(UserException.class, () -> ConnectionTarget.resolve(conninfo, Map.of()));
      assertTrue(e.getMessage().startsWith(message), conninfo + ": " + e.getMessage());
      assertEquals(dev.freshet.runtime.cli.ExitCode.USAGE, e.exitCode(), conninfo);
    });
    UserException bad = assertThrows(UserException.class,
        () -> ConnectionTarget.resolve("mysql://x/y?user=a", Map.of()));
    assertTrue(bad.getMessage().startsWith("not a PostgreSQL URL: mysql://x/y?user=a"), bad.getMessage());
  }

  /** {@code passfile=} is read as libpq reads a password file, for a password given nowhere else. */
  @Test
  void aPassfileGivesThePassword(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("pgpass");
    java.nio.file.Files.writeString(file, String.join("\n",
        "# host:port:database:user:password",
        "other:5499:*:ann:wrong",
        "db.example:5499:shop:bob:not bob's",
        "db.example:5499:*:ann:p\\:w\\\\rd:end",
        "*:*:*:*:fallback"));
    String conninfo = "host=db.example port=5499 dbname=shop user=ann passfile='" + file + "'";
    assertEquals("p:w\\rd:end", ConnectionTarget.resolve(conninfo, Map.of()).orElseThrow().properties()
        .getProperty("password"));
    assertEquals("fallback", ConnectionTarget.resolve(conninfo.replace("user=ann", "user=cy"), Map.of()).orElseThrow()
        .properties().getProperty("password"));
    assertEquals("given", ConnectionTarget.resolve(conninfo + " password=given", Map.of()).orElseThrow().properties()
        .getProperty("password"));
    assertEquals("env", ConnectionTarget.resolve(conninfo, Map.of("PGPASSWORD", "env")).orElseThrow().properties()
        .getProperty("password"));
  }

  /**
   * psql's -U and -d, and its -h as --host (-h is --help in every freshet command, and --port the embedded
   * server's): libpq's keywords host, user and dbname, the environment filling in the rest, as psql does.
   */
  @Test
  void psqlsOptionsNameTheDatabase(TestDatabase db) throws Exception {
    Properties p = Driver.parseURL(db.jdbcUrl(), null);
    ConnectionTarget t = ConnectionTarget.fromOptions(Map.of("host", p.getProperty("PGHOST"), "user",
        p.getProperty("user"), "dbname", p.getProperty("PGDBNAME")), p.getProperty("password") == null
            ? Map.of("PGPORT", p.getProperty("PGPORT"))
            : Map.of("PGPORT", p.getProperty("PGPORT"), "PGPASSWORD", p.getProperty("password")));
    try (Connection c = t.connect(new Properties()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT current_database()")) {
      rs.next();
      assertEquals(p.getProperty("PGDBNAME"), rs.getString(1));
    }
    // on the command line: the options name the database (the --port refusal says which), not with --jdbc-url
    CliRun port = CliRun.run(null, "list", "--host", "db.example", "-U", "ann", "-d", "shop", "--port", "5498");
    assertEquals(2, port.exitCode(), port.transcript());
    assertTrue(port.err().matches("(?s)error: --port is for an embedded PostgreSQL, but a database is named "
        + "\\(jdbc:postgresql://db\\.example:[0-9]+/shop as ann\\).*"), port.transcript());
    CliRun longNames = CliRun.run(null, "status", "x", "--host", "db.example", "--username", "ann", "--dbname", "shop",
        "--data-dir", "/tmp/freshet-not-used");
    assertTrue(longNames.err().contains("/shop as ann)"), longNames.transcript());
    CliRun both = CliRun.run(db.jdbcUrl(), "list", "-d", "shop");
    assertEquals(2, both.exitCode(), both.transcript());
    assertEquals("error: give the database by --jdbc-url or by --host, -U and -d, not both\n", both.err(),
        both.transcript());
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
