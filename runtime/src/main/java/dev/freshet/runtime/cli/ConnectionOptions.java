package dev.freshet.runtime.cli;

import dev.freshet.runtime.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a command connects: {@code --jdbc-url} / {@code FRESHET_JDBC_URL} (a JDBC URL or a libpq URI),
 * else libpq's {@code PG*} variables as psql reads them ({@link ConnectionTarget}), else an embedded
 * PostgreSQL kept in {@code --data-dir}. Commands on the user's database stop there and say how to name
 * one; {@code demo}, {@code bench}, {@code server} and the TPC-H commands start a temporary embedded one.
 */
public final class ConnectionOptions {

  @Option(names = "--jdbc-url", paramLabel = "URL", defaultValue = "${env:FRESHET_JDBC_URL}",
      description = "The database: a JDBC URL (jdbc:postgresql://HOST[:PORT]/DB?user=U) or a libpq URI "
          + "(postgresql://U[:PASSWORD]@HOST[:PORT]/DB) (default: $FRESHET_JDBC_URL, else PGHOST, PGPORT, "
          + "PGDATABASE, PGUSER, PGPASSWORD as psql reads them; ~/.pgpass is read for a missing password).")
  String jdbcUrl;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory of an embedded PostgreSQL, kept between runs; only when no database is "
          + "named (demo, bench, server and the TPC-H commands start a temporary one without it).")
  Path dataDirectory;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
      description = "Port of the embedded PostgreSQL (default: any free port); not the port of a database you "
          + "name: that goes in --jdbc-url or PGPORT.")
  int port;

  /** The command this mixin belongs to: its name is the connection's application_name. */
  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
  picocli.CommandLine.Model.CommandSpec command;

  private EmbeddedPostgres embedded;

  /** True when no external database was named, so an embedded one would be started. */
  public boolean usesEmbedded() {
    return target().isEmpty();
  }

  private Optional<ConnectionTarget> target() {
    return ConnectionTarget.resolve(jdbcUrl, System.getenv());
  }

  /** --port and --data-dir are the embedded server's: given with a named database, they would be ignored. */
  private static void requireNoEmbeddedOptions(Optional<ConnectionTarget> target, Path dataDirectory, int port) {
    if (target.isPresent() && (port != 0 || dataDirectory != null)) {
      throw new UserException(ExitCode.USAGE, (port != 0 ? "--port" : "--data-dir") + " is for an embedded "
          + "PostgreSQL, but a database is named (" + target.get().describe() + "): give its port in --jdbc-url "
          + "or PGPORT, or name no database to use an embedded one");
    }
  }

  /**
   * Opens a connection to the user's database; with none named, to the embedded server in
   * {@code --data-dir}, else fails with how to name one (never a throwaway server the user would lose
   * their work in). {@code log} receives one line when the embedded server starts.
   */
  public Connection connect(PrintWriter log) throws SQLException {
    if (usesEmbedded() && dataDirectory == null) {
      throw new UserException(ExitCode.USAGE, "no database given: pass --jdbc-url (jdbc:postgresql://HOST/DB or "
          + "postgresql://USER@HOST/DB), set FRESHET_JDBC_URL, or set PGHOST, PGDATABASE and PGUSER as for psql; "
          + "or --data-dir DIR for an embedded PostgreSQL kept in DIR");
    }
    return connectOrStartEmbedded(log);
  }

  /**
   * Opens a connection, starting an embedded server (temporary without {@code --data-dir}) when no
   * database is named: for demo, bench, server and the TPC-H commands.
   */
  public Connection connectOrStartEmbedded(PrintWriter log) throws SQLException {
    return connectOrStartEmbedded(log, target());
  }

  /**
   * {@link #connectOrStartEmbedded(PrintWriter)} for demo, bench and soak, which replace the TPC-H tables of
   * the database they use: an embedded server unless {@code --jdbc-url} or {@code FRESHET_JDBC_URL} names
   * one; {@code PGHOST} and the other libpq variables, which name the user's database, are not followed.
   */
  public Connection connectNamedOrStartEmbedded(PrintWriter log) throws SQLException {
    return connectOrStartEmbedded(log, ConnectionTarget.resolveNamed(jdbcUrl, System.getenv()));
  }

  private Connection connectOrStartEmbedded(PrintWriter log, Optional<ConnectionTarget> target) throws SQLException {
    requireNoEmbeddedOptions(target, dataDirectory, port);
    if (target.isPresent()) {
      java.util.Properties properties = new java.util.Properties();
      // pg_stat_activity shows which Freshet command a backend serves (the URL's own value wins)
      properties.put("ApplicationName", command == null ? "freshet" : command.qualifiedName());
      // no named server-side prepared statements: a pooler in transaction mode (PgBouncer) runs the next
      // transaction on whichever server connection is free, where pgjdbc's "S_1" does not exist. Freshet's
      // statements are few and its work is inside PostgreSQL, so re-parsing costs nothing worth measuring.
      properties.put("prepareThreshold", "0");
      return target.get().connect(properties);
    }
    if (embedded == null) {
      try {
        embedded = EmbeddedPostgres.start(
            new EmbeddedPostgres.Options(Optional.ofNullable(dataDirectory), port));
      } catch (IOException e) {
        // the database could not be had: the user's to fix (binaries for another platform, a bad --data-dir)
        throw new UserException(ExitCode.DATABASE, "cannot start the embedded PostgreSQL: " + e.getMessage(), e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(this::closeQuietly, "freshet-embedded-stop"));
      log.println("Embedded PostgreSQL on port " + embedded.port()
          + (dataDirectory == null ? " (temporary)" : " (data in " + dataDirectory + ")")
          + "; connect with: " + embedded.psqlCommand("postgres"));
      log.flush();
    }
    return embedded.connect("postgres");
  }

  /**
   * The options that connect another {@code freshet} process (started by this one, with its environment)
   * to the same database: the embedded server's URL once one runs, else {@code --jdbc-url} if given, else
   * none (the child reads the same environment variables).
   */
  public java.util.List<String> childArguments() {
    if (embedded != null) {
      return java.util.List.of("--jdbc-url", embedded.jdbcUrl("postgres"));
    }
    return jdbcUrl == null || jdbcUrl.isBlank() ? java.util.List.of() : java.util.List.of("--jdbc-url", jdbcUrl);
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
