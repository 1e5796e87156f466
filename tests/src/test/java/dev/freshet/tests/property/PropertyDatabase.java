package dev.freshet.tests.property;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.tests.harness.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database of its own for a jqwik container (jqwik properties are not JUnit Jupiter tests, so
 * {@code @PostgresTest} cannot inject one), on the JVM's {@link PostgresServer}. Created in
 * {@code @BeforeContainer}, dropped in {@code @AfterContainer}; tries reuse it and reset only the
 * tables ({@link Replay#reset}).
 */
final class PropertyDatabase implements AutoCloseable {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String name;
  private final String jdbcUrl;

  private PropertyDatabase(String name, String jdbcUrl) {
    this.name = name;
    this.jdbcUrl = jdbcUrl;
  }

  static PropertyDatabase create(String label) throws SQLException {
    PostgresServer server = PostgresServer.get();
    String name = "p_" + label.toLowerCase(Locale.ROOT) + "_" + ProcessHandle.current().pid() + "_"
        + COUNTER.incrementAndGet();
    try (Connection c = server.connectMaintenance(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + Quoting.identifier(name));
      s.execute("CREATE DATABASE " + Quoting.identifier(name));
    }
    return new PropertyDatabase(name, server.jdbcUrl(name));
  }

  /** A new connection, in auto-commit mode (as StreamTables requires). */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl);
  }

  String name() {
    return name;
  }

  /**
   * Drops the database, ending the sessions still in it. PostgreSQL waits 5 s for them to end and then refuses
   * (SQLSTATE 55006, "being accessed by other users"): seen once at the end of a 1,000-try soak on a machine running
   * the whole suite beside it, and once more after a 1,000-try soak alone (seed 2302, 2026-12-07), with FORCE. Asked
   * up to three times; the error then names the sessions still there, for whoever meets it next.
   */
  @Override
  public void close() throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = PostgresServer.get().connectMaintenance(); Statement s = c.createStatement()) {
        try {
          s.execute("DROP DATABASE IF EXISTS " + Quoting.identifier(name) + " WITH (FORCE)");
          return;
        } catch (SQLException e) {
          if (!"55006".equals(e.getSQLState()) || attempt == 3) {
            throw new SQLException(e.getMessage() + "; its sessions: " + sessions(c), e.getSQLState(), e);
          }
        }
      }
    }
  }

  /** The sessions in this database: process id, kind, state, how long in it, the start of their statement. */
  private String sessions(Connection c) {
    try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT pid, backend_type, state, "
        + "clock_timestamp() - coalesce(state_change, backend_start), left(query, 200) "
        + "FROM pg_catalog.pg_stat_activity WHERE datname = ?")) {
      ps.setString(1, name);
      java.util.List<String> all = new java.util.ArrayList<>();
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          all.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3) + " for " + rs.getString(4)
              + ": " + rs.getString(5));
        }
      }
      return all.isEmpty() ? "none left" : String.join("; ", all);
    } catch (SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
