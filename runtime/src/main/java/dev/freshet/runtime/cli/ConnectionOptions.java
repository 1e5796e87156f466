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
 * Where a command connects: {@code --jdbc-url} / {@code FRESHET_JDBC_URL} (a JDBC URL, a libpq URI or a libpq
 * connection string) or psql's {@code --host}, {@code -U} and {@code -d},
 * else libpq's {@code PG*} variables as psql reads them ({@link ConnectionTarget}), else an embedded
 * PostgreSQL kept in {@code --data-dir}. Commands on the user's database stop there and say how to name
 * one; {@code demo}, {@code bench}, {@code server} and the TPC-H commands start a temporary embedded one.
 */
public final class ConnectionOptions {

  @Option(names = "--jdbc-url", paramLabel = "URL", defaultValue = "${env:FRESHET_JDBC_URL}",
      description = "The database: a JDBC URL (jdbc:postgresql://HOST[:PORT]/DB?user=U), a libpq URI "
          + "(postgresql://U[:PASSWORD]@HOST[:PORT]/DB) or a libpq connection string ('host=HOST port=PORT "
          + "dbname=DB user=U') (default: $FRESHET_JDBC_URL, else PGHOST, PGPORT, "
          + "PGDATABASE, PGUSER, PGPASSWORD as psql reads them; ~/.pgpass is read for a missing password).")
  String jdbcUrl;

  @Option(names = "--host", paramLabel = "HOST",
      description = "The database server's host, as psql's -h (-h is --help here); its port is PGPORT, else 5432 "
          + "(--port is the embedded server's: for another port, use --jdbc-url 'host=HOST port=PORT ...'). "
          + "Not with --jdbc-url.")
  String host;

  @Option(names = {"-U", "--username"}, paramLabel = "USER",
      description = "The user to connect as, as psql's -U (default: PGUSER, else your login name). Not with --jdbc-url.")
  String username;

  @Option(names = {"-d", "--dbname"}, paramLabel = "DBNAME",
      description = "The database's name, as psql's -d (default: PGDATABASE, else the user name). Not with --jdbc-url.")
  String dbname;

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
    return psqlOptions().isEmpty() ? ConnectionTarget.resolve(jdbcUrl, System.getenv())
        : Optional.of(ConnectionTarget.fromOptions(psqlOptions(), System.getenv()));
  }

  /**
   * --host, -U and -d as libpq's keywords; they name the database as --jdbc-url does (and over
   * {@code FRESHET_JDBC_URL}, as a command line's options win over the environment), so not with --jdbc-url.
   */
  private java.util.Map<String, String> psqlOptions() {
    java.util.Map<String, String> keywords = new java.util.LinkedHashMap<>();
    putIfGiven(keywords, "host", host);
    putIfGiven(keywords, "user", username);
    putIfGiven(keywords, "dbname", dbname);
    if (!keywords.isEmpty() && jdbcUrlGiven()) {
      throw new UserException(ExitCode.USAGE, "give the database by --jdbc-url or by --host, -U and -d, not both");
    }
    return keywords;
  }

  private static void putIfGiven(java.util.Map<String, String> keywords, String keyword, String value) {
    if (value != null && !value.isBlank()) {
      keywords.put(keyword, value);
    }
  }

  /** Whether --jdbc-url was on the command line (not only FRESHET_JDBC_URL, its default). */
  private boolean jdbcUrlGiven() {
    picocli.CommandLine.ParseResult parsed = command == null || command.commandLine() == null ? null
        : command.commandLine().getParseResult();
    return parsed != null ? parsed.hasMatchedOption("--jdbc-url")
        : jdbcUrl != null && !jdbcUrl.equals(System.getenv("FRESHET_JDBC_URL"));
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
      throw new UserException(ExitCode.USAGE, "no database given: pass --jdbc-url (jdbc:postgresql://HOST/DB, "
          + "postgresql://USER@HOST/DB or 'host=HOST dbname=DB user=USER') or --host, -d and -U, set "
          + "FRESHET_JDBC_URL, or set PGHOST, PGDATABASE and PGUSER as for psql; "
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
    return connectOrStartEmbedded(log, psqlOptions().isEmpty() ? ConnectionTarget.resolveNamed(jdbcUrl, System.getenv())
        : Optional.of(ConnectionTarget.fromOptions(psqlOptions(), System.getenv())));
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
    if (!psqlOptions().isEmpty()) {
      java.util.List<String> arguments = new java.util.ArrayList<>();
      psqlOptions().forEach((keyword, value) -> arguments.addAll(java.util.List.of(
          switch (keyword) {
            case "host" -> "--host";
            case "user" -> "--username";
            default -> "--dbname";
          }, value)));
      return arguments;
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
