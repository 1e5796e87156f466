package dev.freshet.runtime.cli;

import dev.freshet.planner.DisplayWidth;
import dev.freshet.runtime.streamtable.BufferCleanupException;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.QualifiedName;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code freshet refresh}: brings stream tables up to date. */
@Command(name = "refresh", mixinStandardHelpOptions = true,
    description = {"Refresh stream tables, in the order given: apply the changes their source tables "
        + "received since the last refresh (DIFFERENTIAL), or recompute the query and merge the "
        + "difference (FULL, and after a TRUNCATE of a source).", "",
        "Each refresh is one REPEATABLE READ transaction; readers of the stream table see it change "
            + "at commit. Several are refreshed together, in one transaction: each source's changes are read "
            + "once for those last refreshed together, and readers see them all change at its commit; one "
            + "that reads another of those named, or whose refresh fails there, is refreshed alone after it. "
            + "Two refreshes of one table never overlap: the second fails at once.", "",
        "Prints one line per table: mode used, changed sources, rows +inserted ~updated -deleted (updated: "
            + "a column you see changed), rows of the applied delta (groups touched for grouped tables, also "
            + "those whose hidden counts alone changed) and milliseconds. "
            + "A table that fails is reported and the others are still refreshed; the exit status "
            + "is then that of the first failure.", "",
        "An AUTO stream table maintained DIFFERENTIAL recomputes a refresh whose changes are estimated to cost "
            + "more to apply than a recompute; its line then ends with the estimate."},
    footer = {"", "Examples:",
        "  freshet refresh revenue_by_customer daily_sales \\",
        "      --jdbc-url postgresql://me@localhost/shop",
        "  freshet refresh --all",
        "",
        "From SQL, without Freshet (several names: refreshed together):",
        "  CALL freshet.refresh('revenue_by_customer');",
        "  CALL freshet.refresh('daily_sales', 'revenue_by_customer');"})
public final class RefreshCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(arity = "0..*", paramLabel = "NAME", description = "Stream tables to refresh (NAME or SCHEMA.NAME).")
  List<String> names;

  @Option(names = "--all", description = "Refresh every stream table, each after the stream tables it reads.")
  boolean all;

  @Option(names = "--profile", description = "After each refresh, print where its time went, step by step (the "
      + "statements inside PostgreSQL, then the change buffers' cleanup).")
  boolean profile;

  @Option(names = "--full", description = "Recompute the query in full (mode FULL for this refresh, whatever "
      + "changed), as after a TRUNCATE; the result is applied as a diff, so rows that did not change are not "
      + "rewritten and stream tables reading this one see only what changed.")
  boolean full;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ExitCode result = ExitCode.OK;
    boolean named = names != null && !names.isEmpty();
    if (named == all) {
      throw new ParameterException(spec.commandLine(), all ? "give stream table names or --all, not both"
          : "name the stream tables to refresh, or give --all");
    }
    try (Connection c = connection.connect(err)) {
      List<String> targets = all
          ? StreamTables.inRefreshOrder(c).stream().map(st -> st.name().toString()).toList() : names;
      if (targets.isEmpty()) {
        err.println("no stream tables to refresh");
      }
      int nameWidth = 0; // names in one column, however many are refreshed (one alone: no statement for it)
      for (String name : targets.size() > 1 ? targets : List.<String>of()) {
        nameWidth = Math.max(nameWidth, DisplayWidth.of(displayName(c, name)));
      }
      // together first, in one transaction (each source's window read once, each buffer cleaned once); those it
      // leaves (a lock held, one reading another of the list, an error) alone after it, in order
      StreamTables.Together together = targets.size() > 1 ? StreamTables.refreshTogether(c, targets, profile, full)
          : StreamTables.Together.none(targets.size());
      int lastTogether = -1; // the cleanups after the commit of those refreshed together are printed below its line
      for (int i = 0; i < targets.size(); i++) {
        lastTogether = together.reports().get(i).isPresent() ? i : lastTogether;
      }
      for (int i = 0; i < targets.size(); i++) {
        String name = targets.get(i);
        try {
          RefreshReport report = together.reports().get(i).isPresent() ? together.reports().get(i).get()
              : StreamTables.refresh(c, name, profile, full);
          printReport(out, report, nameWidth);
          if (i == lastTogether) {
            printSteps(out, together.cleanups());
          }
          out.flush();
        } catch (SQLException | RuntimeException e) {
          if (c.isClosed() || !c.isValid(5)) {
            throw e;
          }
          if (e instanceof BufferCleanupException cleanup) {
            // the refresh is committed: its line first, then what failed after it
            printReport(out, cleanup.report(), nameWidth);
            out.flush();
          }
          // which stream table failed: Freshet's own errors name it, and so do the refresh function's (said
          // once); the database's are about its refresh and are prefixed with it
          String message = FreshetCli.message(e, verbose());
          String shown = displayName(c, name);
          err.println(e instanceof UserException || message.lines().findFirst().orElse("").contains(shown) ? message
              : message.replaceFirst("^error: ", "error: " + java.util.regex.Matcher.quoteReplacement(shown) + ": "));
          if (verbose()) {
            e.printStackTrace(err);
          }
          err.flush();
          if (result == ExitCode.OK) {
            result = FreshetCli.exitCode(e);
          }
        }
      }
      if (together.cleanupFailure().isPresent()) {
        err.println(FreshetCli.message(together.cleanupFailure().get(), verbose()));
        if (result == ExitCode.OK) {
          result = FreshetCli.exitCode(together.cleanupFailure().get());
        }
      }
    }
    out.flush();
    return result.code();
  }

  /** A refresh's line, then the steps of its profile (empty unless one was asked for). */
  private static void printReport(PrintWriter out, RefreshReport report, int nameWidth) {
    out.println(line(report, nameWidth));
    printSteps(out, report.profile());
  }

  /** Each step's milliseconds and words, indented under a refresh's line. */
  private static void printSteps(PrintWriter out, List<dev.freshet.runtime.streamtable.RefreshStepTime> steps) {
    for (dev.freshet.runtime.streamtable.RefreshStepTime step : steps) {
      out.println(String.format(Locale.ROOT, "  %10.3f ms  %s", step.millis(), step.step()));
    }
  }

  /** The name a report will carry: the stream table's qualified name, or as given if it does not resolve. */
  static String displayName(Connection c, String name) {
    try {
      return QualifiedName.parse(c, name).toString();
    } catch (SQLException | RuntimeException e) {
      return name; // its refresh reports the error
    }
  }

  /** {@code "public"."t"  DIFFERENTIAL  changed "public"."orders"  +3 ~0 -1  delta 4  12 ms}. */
  static String line(RefreshReport r) {
    return line(r, 0);
  }

  /** {@link #line(RefreshReport)} with the name padded to {@code nameWidth} columns. */
  static String line(RefreshReport r, int nameWidth) {
    return String.format(Locale.ROOT, "%s  %-12s  %s  +%d ~%d -%d  delta %d  %d ms%s",
        DisplayWidth.padRight(r.name().toString(), nameWidth), r.modeUsed(),
        r.changedText(),
        r.rowsInserted(), r.rowsUpdated(), r.rowsDeleted(), r.deltaRows(), r.millis(),
        ending(r));
  }

  /**
   * What the line ends with: {@code (AUTO fallback FR004)} for a stream table AUTO made FULL, and why a FULL
   * refresh recomputed when something said why ({@code recomputed at every refresh}, a TRUNCATE); both when
   * both are known: {@code (AUTO fallback FR004; recomputed at every refresh)}.
   */
  private static String ending(RefreshReport r) {
    List<String> parts = new java.util.ArrayList<>();
    r.fallbackReason().ifPresent(f -> parts.add("AUTO fallback " + f.split(" ", 2)[0]));
    if (r.modeUsed() == Mode.FULL) {
      r.modeReason().ifPresent(parts::add);
    }
    return parts.isEmpty() ? "" : "  (" + String.join("; ", parts) + ")";
  }

  private boolean verbose() {
    return spec.root().userObject() instanceof FreshetCli root && root.verbose;
  }
}
