package dev.freshet.runtime.cli;

import dev.freshet.runtime.scheduler.RefreshScheduler;
import dev.freshet.runtime.streamtable.RefreshReport;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
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
        "Runs until Ctrl-C. A failed refresh is printed and recorded (status ERROR); the others go on. "
            + "Several services may run against one database: refreshes of one stream table never "
            + "overlap (the later one reports 'already running' and retries on its next pass)."},
    footer = {"", "Example:", "  freshet service --jdbc-url jdbc:postgresql://localhost/shop --poll 5s"})
public final class ServiceCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--poll", paramLabel = "INTERVAL", defaultValue = "1s",
      description = "How often to look for due stream tables (default: ${DEFAULT-VALUE}).")
  String poll;

  @Option(names = "--once", description = "Run one pass and exit (for cron and tests).")
  boolean once;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration pollInterval;
    try {
      pollInterval = dev.freshet.runtime.scheduler.Schedule.parse(poll).interval();
    } catch (IllegalArgumentException e) {
      throw new UserException(ExitCode.USAGE, "--poll: " + e.getMessage());
    }
    int failures = 0;
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      do {
        OffsetDateTime now;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
          rs.next();
          now = rs.getObject(1, OffsetDateTime.class);
        }
        for (RefreshScheduler.Attempt a : RefreshScheduler.runDue(c, now, attempt -> { })) {
          if (a.error() != null) {
            failures++;
            out.printf(Locale.ROOT, "%s  %s  FAILED: %s%n", now, a.name(),
                String.valueOf(a.error().getMessage()).lines().findFirst().orElse(""));
          } else {
            RefreshReport r = a.report();
            out.printf(Locale.ROOT, "%s  %s  %s  +%d ~%d -%d  %d ms%n", now, a.name(), r.modeUsed(),
                r.rowsInserted(), r.rowsUpdated(), r.rowsDeleted(), r.millis());
          }
          out.flush();
        }
        if (!once) {
          Thread.sleep(pollInterval.toMillis());
        }
      } while (!once);
    }
    return failures == 0 ? ExitCode.OK.code() : ExitCode.DATABASE.code();
  }
}
