package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.runtime.embedded.EmbeddedPostgres;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.oracle.Oracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code freshet service} against a server in recovery (a hot standby: a cluster restarted with
 * {@code standby.signal}, read-only, {@code pg_is_in_recovery()} true) writes nothing and does not fail:
 * it says once that the server is in recovery mode and waits; promoted, it refreshes.
 */
class CliServiceStandbyTest {

  private static boolean inRecovery(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  @Test
  void onAStandbyTheServiceWaitsForPromotionThenRefreshes(@TempDir Path temp) throws Exception {
    Path data = temp.resolve("cluster");
    try (EmbeddedPostgres primary = EmbeddedPostgres.start(new EmbeddedPostgres.Options(Optional.of(data), 0));
         Connection c = primary.connect("postgres")) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE stand_src (id int PRIMARY KEY, v int)");
        s.execute("INSERT INTO stand_src SELECT g, g FROM generate_series(1, 20) g");
      }
      StreamTables.create(c, "stand_st", "SELECT v % 3 AS k, count(*) AS n FROM stand_src GROUP BY 1",
          Mode.DIFFERENTIAL, "1s");
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO stand_src VALUES (21, 21), (22, 22)"); // pending when the server stops
      }
    }
    Files.writeString(data.resolve("standby.signal"), ""); // restarted, the cluster is a standby

    try (EmbeddedPostgres standby = EmbeddedPostgres.start(new EmbeddedPostgres.Options(Optional.of(data), 0));
         Connection c = standby.connect("postgres")) {
      assertTrue(inRecovery(c), "the restarted cluster is in recovery");
      ServiceLines out = new ServiceLines();
      CommandLine cli = FreshetCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(new StringWriter(), true));
      String url = standby.jdbcUrl("postgres");
      Thread service = new Thread(() -> cli.execute("service", "--poll", "1s", "--log-level", "debug", "--health-port", "0", "--jdbc-url",
          url), "service-on-standby");
      service.setDaemon(true);
      service.start();
      try {
        int port = HealthProbe.port(out.next("the health probes' port", l -> l.contains("health probes on port ")));
        out.next("the recovery mode", l -> l.contains("server is in recovery mode"));
        assertTrue(service.isAlive(), "the service waits, it does not exit");
        assertEquals("503 not ready: the server is in recovery mode (a standby); waiting until it is promoted",
            HealthProbe.get(port, "/readyz"));
        assertTrue(HealthProbe.get(port, "/livez").startsWith("200 alive: "));
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_promote()")) {
          rs.next();
          assertTrue(rs.getBoolean(1), "promoted");
        }
        out.next("the promotion", l -> l.contains("server left recovery mode"));
        out.next("a refresh of stand_st", l -> l.contains("\"stand_st\"") && !l.contains("FAILED"));
        Oracle.assertFresh(c, "stand_st");
        assertEquals(1, out.seen.stream().filter(l -> l.contains("recovery mode (a standby)")).count(),
            out.seen::toString);
        assertEquals(0, out.seen.stream().filter(l -> l.contains("FAILED")).count(), out.seen::toString);
      } finally {
        service.interrupt();
        service.join(10_000);
      }
    }
  }
}
