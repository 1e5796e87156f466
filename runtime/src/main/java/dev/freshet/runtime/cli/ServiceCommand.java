package dev.freshet.runtime.cli;

import dev.freshet.codegen.program.RefreshSessionSql;
import dev.freshet.codegen.program.SystemCatalogSql;

import dev.freshet.planner.DisplayWidth;
import dev.freshet.runtime.catalog.CatalogMigrations;
import dev.freshet.runtime.catalog.CatalogTooOldException;
import dev.freshet.runtime.scheduler.RefreshScheduler;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code freshet service}: refreshes scheduled stream tables as they fall due, until stopped. */
@Command(name = "service", mixinStandardHelpOptions = true,
    description = {"Refresh every stream table that has a schedule (create/alter --schedule 30s|5m|1h) "
        + "whenever its interval has elapsed since its last refresh, upstream stream tables first.",
        "Runs until Ctrl-C. Prints a line for every refresh that applied or recomputed something (one that "
            + "found nothing to do only with --log-level debug). A failed refresh is printed and recorded (status "
            + "ERROR); the others go on. When cleaning up a change buffer fails after a refresh was committed (a lock "
            + "or statement timeout), a WARNING line says so: the stream table is fresh and the next cleanup deletes "
            + "what was left, but a buffer no cleanup empties keeps growing. "
            + "A stream table whose refreshes keep failing is retried after its interval, doubled for every "
            + "further failure (at most an hour), and suspended after --max-failures failures in a row "
            + "(status SUSPENDED, until 'freshet resume NAME'). One whose refresh takes longer than half its "
            + "interval is refreshed less often (its interval doubled until it is twice the refresh's duration; "
            + "'freshet status' says so) until its refreshes are quick again. Refresh history older than "
            + "--history-retention is deleted once an hour. On a standby (a server in recovery) it refreshes "
            + "nothing: it says so once and waits until the server is promoted. On a catalog an older "
            + "Freshet created, it says so once and waits until 'freshet migrate' upgrades it. "
            + "When PostgreSQL goes away (a restart, a terminated backend) it says so once and reconnects, "
            + "waiting 1 s, 2 s, 4 s ... up to 60 s between attempts. "
            + "Several services may run against one database: refreshes of one stream table never "
            + "overlap (the later one prints 'skipped: another session is refreshing it' and tries again at "
            + "its next pass)."},
    footer = {"", "Example:", "  freshet service --jdbc-url jdbc:postgresql://localhost/shop --poll 5s"})
public final class ServiceCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--poll", paramLabel = "INTERVAL", defaultValue = "1s",
      description = "How often to look for due stream tables (default: ${DEFAULT-VALUE}).")
  String poll;

  @Option(names = "--once", description = "Run one pass and exit (for cron and tests): exit status 0 when every "
      + "refresh of the pass succeeded and every change buffer after it was cleaned up, non-zero otherwise.")
  boolean once;

  @Option(names = "--history-retention", paramLabel = "INTERVAL", defaultValue = "30d",
      description = "Delete refresh history older than this, once an hour (default: ${DEFAULT-VALUE}).")
  String historyRetention;

  @Option(names = "--health-port", paramLabel = "PORT",
      description = "Answer a supervisor's probes over HTTP on this port: /readyz (200 when connected to a "
          + "primary and refreshing, else 503 and why) and /livez (200 unless the service's loop is stuck).")
  Integer healthPort;

  /** What the service prints: {@code info}, every refresh that did something, each failure and event. */
  enum LogLevel { INFO, DEBUG }

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
      converter = LogLevelConverter.class,
      description = "info (the default): a line for every refresh that applied or recomputed something, every "
          + "failure and every event (started, reconnected, suspended ...); debug: also a line for every refresh "
          + "that found nothing to do ('no changes').")
  LogLevel logLevel;

  /** {@code info} or {@code debug}, in any case. */
  static final class LogLevelConverter implements picocli.CommandLine.ITypeConverter<LogLevel> {
    @Override
    public LogLevel convert(String value) {
      for (LogLevel level : LogLevel.values()) {
        if (level.name().equalsIgnoreCase(value.strip())) {
          return level;
        }
      }
      throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a log level: give info or debug");
    }
  }

  @Option(names = "--max-failures", paramLabel = "N", defaultValue = "5",
      description = "Suspend a stream table after N consecutive failed refreshes (default: ${DEFAULT-VALUE}).")
  int maxFailures;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration pollInterval;
    try {
      pollInterval = dev.freshet.runtime.scheduler.Schedule.parse(poll).interval();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--poll: " + e.getMessage());
    }
    Duration retention;
    try {
      retention = dev.freshet.runtime.scheduler.Schedule.parse(historyRetention).interval();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--history-retention: " + e.getMessage().replace("not a schedule", "not an interval")
          .replace("a schedule", "it"));
    }
    if (maxFailures < 1) {
      throw new UsageException("--max-failures: must be at least 1, got " + maxFailures);
    }
    ServiceHealth health = ServiceHealth.none();
    if (healthPort != null) {
      if (healthPort < 0 || healthPort > 65535) {
        throw new UsageException("--health-port: must be between 0 and 65535, got " + healthPort);
      }
      try {
        health = ServiceHealth.start(healthPort);
      } catch (java.io.IOException e) {
        throw new UserException(ExitCode.USAGE, "--health-port " + healthPort + ": cannot listen there ("
            + e.getMessage() + ")", e);
      }
      out.printf(Locale.ROOT, "%s  health probes on port %d: /readyz and /livez%n", stamp(OffsetDateTime.now()),
          health.port());
      out.flush();
    }
    try (ServiceHealth probes = health) {
      return run(out, pollInterval, retention, probes);
    }
  }

  private int run(PrintWriter out, Duration pollInterval, Duration retention, ServiceHealth health)
      throws Exception {
    int failures = 0;
    Connection c = connection.connect(spec.commandLine().getErr());
    if (!once) {
      // a service says that it runs and when it stops: a refresh it was doing is rolled back with its connection
      out.printf(Locale.ROOT, "%s  started: refreshing the stream tables of database %s as they fall due, looking "
          + "every %s; stop with SIGTERM or Ctrl-C%n", stamp(OffsetDateTime.now()),
          dev.freshet.planner.sql.Quoting.identifier(c.getCatalog()), poll);
      out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        out.printf(Locale.ROOT, "%s  stopping: a refresh in progress is rolled back and done again by the next "
            + "start%n", stamp(OffsetDateTime.now()));
        out.flush();
      }, "freshet-service-stop"));
    }
    Duration backoff = FIRST_BACKOFF;
    Instant lastPrune = null;
    boolean lost = false;
    boolean inRecovery = false;
    boolean awaitingMigration = false;
    try {
      do {
        try {
          if (c == null) {
            c = connection.connect(spec.commandLine().getErr());
            out.printf(Locale.ROOT, "%s  reconnected to PostgreSQL%n", stamp(OffsetDateTime.now()));
            out.flush();
            lost = false;
            backoff = FIRST_BACKOFF;
          }
          // A hot standby is read-only: nothing can be refreshed there. Say so once and wait for a
          // promotion, instead of failing every refresh (and, under a supervisor, restarting in a loop).
          if (inRecovery(c)) {
            health.notReady("the server is in recovery mode (a standby); waiting until it is promoted");
            if (!inRecovery) {
              out.printf(Locale.ROOT, "%s  server is in recovery mode (a standby): stream tables are refreshed on "
                  + "the primary; waiting until this server is promoted%n", stamp(OffsetDateTime.now()));
              out.flush();
              inRecovery = true;
            }
            if (!once) {
              Thread.sleep(pollInterval.toMillis());
            }
            continue;
          }
          if (inRecovery) {
            out.printf(Locale.ROOT, "%s  server left recovery mode (promoted); refreshing%n",
                stamp(OffsetDateTime.now()));
            out.flush();
            inRecovery = false;
          }
          if (lastPrune == null || Duration.between(lastPrune, Instant.now()).compareTo(PRUNE_EVERY) >= 0) {
            long pruned = StreamTables.pruneHistory(c, retention);
            lastPrune = Instant.now();
            if (pruned > 0) {
              out.printf(Locale.ROOT, "%s  deleted %d refresh history %s older than %s%n",
                  stamp(OffsetDateTime.now()), pruned,
                  pruned == 1 ? "row" : "rows", historyRetention);
              out.flush();
            }
          }
          if (awaitingMigration) {
            CatalogMigrations.require(c);
            health.ready(); // before saying so: whoever reads the line finds the probe agreeing
            out.printf(Locale.ROOT, "%s  the catalog is at version %d; refreshing%n", stamp(OffsetDateTime.now()),
                CatalogMigrations.LATEST);
            out.flush();
            awaitingMigration = false;
          }
          failures += pass(c, out, maxFailures, logLevel == LogLevel.DEBUG);
          health.ready();
        } catch (CatalogTooOldException e) {
          health.notReady("the Freshet catalog is older than this Freshet: waiting for 'freshet migrate'");
          // an upgrade under way: this version's service waits for the operator's 'freshet migrate'
          // instead of exiting (and, under a supervisor, restarting in a loop)
          if (once) {
            throw e;
          }
          if (!awaitingMigration) {
            out.printf(Locale.ROOT, "%s  %s; waiting until it is migrated%n", stamp(OffsetDateTime.now()),
                e.getMessage());
            out.flush();
            awaitingMigration = true;
          }
          Thread.sleep(pollInterval.toMillis());
          continue;
        } catch (SQLException e) {
          if (once || !connectionLost(e, c)) {
            throw e;
          }
          health.notReady("lost the connection to PostgreSQL; reconnecting");
          if (!lost) { // said once, however long the server stays away
            out.printf(Locale.ROOT, "%s  lost the connection to PostgreSQL (%s); reconnecting, waiting up to %d s "
                + "between attempts%n", stamp(OffsetDateTime.now()), firstLine(e), MAX_BACKOFF.toSeconds());
            out.flush();
            lost = true;
          }
          closeQuietly(c);
          c = null;
          Thread.sleep(backoff.toMillis());
          backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
          continue;
        }
        if (!once) {
          Thread.sleep(pollInterval.toMillis());
        }
      } while (!once);
    } finally {
      closeQuietly(c);
    }
    return failures == 0 ? ExitCode.OK.code() : ExitCode.DATABASE.code();
  }

  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration PRUNE_EVERY = Duration.ofHours(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private static boolean inRecovery(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SystemCatalogSql.IN_RECOVERY)) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** A log line's time, always as wide: 2026-12-05T15:31:05.660Z (OffsetDateTime's own text drops zeros). */
  static String stamp(OffsetDateTime time) {
    return time.withOffsetSameInstant(java.time.ZoneOffset.UTC)
        .format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX", Locale.ROOT));
  }

  /**
   * One pass over the due stream tables; returns the number that failed. A refresh that found nothing to do (no
   * source changed, nothing applied, nothing recomputed) is printed with {@code debug} only: at every pass of a
   * quiet database it buried the lines that matter.
   */
  private static int pass(Connection c, PrintWriter out, int maxFailures, boolean debug) throws SQLException {
    int failures = 0;
    OffsetDateTime now;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(RefreshSessionSql.CLOCK)) {
      rs.next();
      now = rs.getObject(1, OffsetDateTime.class);
    }
    // read once for the pass: what decides which are due, and the names' width
    java.util.List<StreamTables.Scheduled> scheduled = StreamTables.scheduledInRefreshOrder(c);
    // names in one column, as wide as the widest the service refreshes, so that lines of every pass line up
    int nameWidth = 0;
    for (StreamTables.Scheduled one : scheduled) {
      if (one.table().schedule().isPresent()) {
        nameWidth = Math.max(nameWidth, DisplayWidth.of(one.table().name().toString()));
      }
    }
    for (RefreshScheduler.Attempt a : RefreshScheduler.runDue(c, scheduled, now, maxFailures, attempt -> { })) {
      String name = DisplayWidth.padRight(a.name(), nameWidth);
      if (a.busy()) {
        out.printf(Locale.ROOT, "%s  %s  skipped: another session is refreshing it%n", stamp(now), name);
      } else if (a.error() != null) {
        failures++;
        out.printf(Locale.ROOT, "%s  %s  FAILED (%d in a row): %s%n", stamp(now), name, a.consecutiveFailures(),
            failure(a.error()));
        if (a.suspended()) {
          out.printf(Locale.ROOT, "%s  %s  SUSPENDED after %d failures in a row; fix the cause, then: %s%n",
              stamp(now), name, a.consecutiveFailures(), SuggestedCommand.freshet("resume", a.name()));
        }
      } else {
        RefreshReport r = a.report();
        if (debug || !nothingDone(r)) {
          // the line 'freshet refresh' prints: the sources that changed, and why AUTO recomputed when it did
          out.printf(Locale.ROOT, "%s  %s%n", stamp(now), RefreshCommand.line(r, nameWidth));
        }
        if (a.cleanupFailure() != null) {
          // the stream table is fresh, so not a failure of it; but a buffer no cleanup empties keeps growing, and a
          // pass run by cron (--once) exits non-zero, as 'freshet refresh' does
          failures++;
          out.printf(Locale.ROOT, "%s  %s  WARNING: %s; the next cleanup of that buffer deletes what this one left%n",
              stamp(now), name, failure(a.cleanupFailure()));
        }
      }
      out.flush();
    }
    return failures;
  }

  /** A refresh that read no change, applied nothing and recomputed nothing: the line saying "no changes". */
  static boolean nothingDone(RefreshReport r) {
    return r.changedSources().isEmpty() && r.modeReason().isEmpty() && r.rowsInserted() == 0 && r.rowsUpdated() == 0
        && r.rowsDeleted() == 0 && r.deltaRows() == 0;
  }

  /**
   * Whether {@code e} means the server went away (restarted, the backend terminated, the network gone)
   * rather than a refresh failing: SQLSTATE class 08, an administrator's shutdown, or a dead connection.
   */
  static boolean connectionLost(SQLException e, Connection c) {
    String state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
      return true;
    }
    try {
      return c == null || c.isClosed() || !c.isValid(5);
    } catch (SQLException probe) {
      return true;
    }
  }

  /**
   * The first line of a refresh's error, in PostgreSQL's words for a database error (no "ERROR:" prefix), and
   * its SQLSTATE (a database error's, or the one Freshet gives its own: FS008 for a refresh refused after DDL on a
   * source): one line of the log.
   */
  private static String failure(Exception e) {
    java.util.Optional<String> state = e instanceof UserException user && user.sqlState().isPresent()
        ? user.sqlState() : dev.freshet.runtime.jdbc.DatabaseErrors.sqlState(e);
    return dev.freshet.runtime.jdbc.DatabaseErrors.message(e).lines().findFirst().orElse("")
        + state.map(code -> " (SQLSTATE " + code + ")").orElse("");
  }

  private static String firstLine(Exception e) {
    return dev.freshet.runtime.jdbc.DatabaseErrors.message(e).lines().findFirst().orElse("");
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // gone already
      }
    }
  }
}
