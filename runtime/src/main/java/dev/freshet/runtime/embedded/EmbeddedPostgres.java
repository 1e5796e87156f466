package dev.freshet.runtime.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

/**
 * A PostgreSQL server started from the binaries shipped in a Maven dependency: no installation,
 * no Docker. The major version is the one on the class path (PostgreSQL 17 by default; the build
 * property {@code -Dfreshet.pg.major=15|16|17|18} selects another).
 *
 * <p>With a data directory the cluster persists between runs and is reused; without one it lives in a
 * temporary directory that is deleted on close. Either way it listens on 127.0.0.1 only.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  /** How to start the server. {@code port} 0 picks a free port. */
  public record Options(Optional<Path> dataDirectory, int port) {
    public Options {
      Objects.requireNonNull(dataDirectory, "dataDirectory");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
    }

    public static Options ephemeral() {
      return new Options(Optional.empty(), 0);
    }
  }

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
    this.server = server;
  }

  /** Starts a server; blocks until it accepts connections. */
  public static EmbeddedPostgres start(Options options) throws IOException {
    var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        // Refreshes run in REPEATABLE READ with many short transactions; defaults are fine otherwise.
        .setServerConfig("max_connections", "200")
        .setServerConfig("fsync", "off");
    if (options.port() != 0) {
      builder.setPort(options.port());
    }
    if (options.dataDirectory().isPresent()) {
      Path dir = options.dataDirectory().get().toAbsolutePath();
      Files.createDirectories(dir);
      // Keep an existing cluster: initdb runs only when the directory holds none.
      builder.setDataDirectory(dir).setCleanDataDirectory(false);
    }
    try {
      return new EmbeddedPostgres(builder.start());
    } catch (IllegalStateException e) {
      // zonky's advice ("add an appropriate maven dependency") does not help a user of the release jar.
      if (e.getMessage() != null && e.getMessage().startsWith("Missing embedded postgres binaries")) {
        throw new IOException("this build of Freshet carries no PostgreSQL binaries for "
            + System.getProperty("os.name") + " on " + System.getProperty("os.arch") + " (the release jar has "
            + "Linux x86-64's only): give --jdbc-url with a PostgreSQL of your own (15 or later), or run "
            + "./freshet from a source checkout, whose embedded server also covers macOS, Windows and Alpine", e);
      }
      throw e;
    }
  }

  public int port() {
    return server.getPort();
  }

  /** A JDBC URL for {@code database} as the superuser {@code postgres}. */
  public String jdbcUrl(String database) {
    return server.getJdbcUrl("postgres", database);
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database));
  }

  /** The command a person types to reach this server. */
  public String psqlCommand(String database) {
    return "psql -h 127.0.0.1 -p " + port() + " -U postgres " + database;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
