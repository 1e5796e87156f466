package dev.freshet.runtime.cli;

import dev.freshet.runtime.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a command connects: {@code --jdbc-url} / {@code FRESHET_JDBC_URL}, else an embedded
 * PostgreSQL started for the duration of the command (persistent with {@code --data-dir}).
 */
public final class ConnectionOptions {

  @Option(names = "--jdbc-url", paramLabel = "URL", defaultValue = "${env:FRESHET_JDBC_URL}",
      description = "JDBC URL of the PostgreSQL database (default: $FRESHET_JDBC_URL; "
          + "if neither is set, an embedded PostgreSQL is started).")
  String jdbcUrl;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory of the embedded PostgreSQL; kept between runs "
          + "(default: a temporary directory, deleted on exit).")
  Path dataDirectory;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
      description = "Port of the embedded PostgreSQL (default: any free port).")
  int port;

  private EmbeddedPostgres embedded;

  /** True when no external database was named, so an embedded one will be started. */
  public boolean usesEmbedded() {
    return jdbcUrl == null || jdbcUrl.isBlank();
  }

  /**
   * Opens a connection, starting the embedded server on first use. {@code log} receives one line
   * saying which server is used.
   */
  public Connection connect(PrintWriter log) throws SQLException {
    if (!usesEmbedded()) {
      return DriverManager.getConnection(jdbcUrl);
    }
    if (embedded == null) {
      try {
        embedded = EmbeddedPostgres.start(
            new EmbeddedPostgres.Options(Optional.ofNullable(dataDirectory), port));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(this::closeQuietly, "freshet-embedded-stop"));
      log.println("Embedded PostgreSQL on port " + embedded.port()
          + (dataDirectory == null ? " (temporary)" : " (data in " + dataDirectory + ")")
          + "; connect with: " + embedded.psqlCommand("postgres"));
      log.flush();
    }
    return embedded.connect("postgres");
  }

  /** The embedded server, if one was started. */
  public Optional<EmbeddedPostgres> embedded() {
    return Optional.ofNullable(embedded);
  }

  private synchronized void closeQuietly() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException ignored) {
        // The JVM is exiting; the temporary directory is gone either way.
      }
      embedded = null;
    }
  }
}
