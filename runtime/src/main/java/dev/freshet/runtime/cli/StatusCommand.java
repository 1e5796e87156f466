package dev.freshet.runtime.cli;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.rules.shape.ShapeAnalyzer;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.SourceDdlRefusal;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code freshet status}: everything Freshet knows about one stream table. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show everything Freshet knows about a stream table: its defining query, the requested "
        + "and effective mode, why an AUTO table runs FULL, notes on rewrites of the query (e.g. a "
        + "top-level ORDER BY dropped), the source tables with the columns captured from each, "
        + "the status and last error, and the last refreshes (newest first).", "",
        "Reads the catalog only; changes nothing."},
    footer = {"", "Example:",
        "  freshet status revenue_by_customer --history 20 \\",
        "      --jdbc-url jdbc:postgresql://localhost/shop"})
public final class StatusCommand implements Callable<Integer> {

  /** An aggregate call with DISTINCT in a query's text: what plan revision 1 may maintain otherwise (planned to tell). */
  private static final java.util.regex.Pattern DISTINCT_CALL =
      java.util.regex.Pattern.compile("\\b(count|sum|avg)\\s*\\(\\s*distinct\\b", java.util.regex.Pattern.CASE_INSENSITIVE);

  /** A sub-query: what revision 2 may store the compared rows of. */
  private static final java.util.regex.Pattern SUB_QUERY =
      java.util.regex.Pattern.compile("\\(\\s*select\\b", java.util.regex.Pattern.CASE_INSENSITIVE);

  /** What each plan revision keeps in state tables ({@link ShapeAnalyzer#PLAN_REVISION}), by revision. */
  private static final List<String> REVISIONS = List.of("",
      "DISTINCT aggregates over a state table of their distinct values",
      "the rows compared with an aggregate without GROUP BY in a state table of their own");

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "NAME", description = "The stream table (NAME or SCHEMA.NAME).")
  String name;

  @Option(names = "--history", paramLabel = "N", defaultValue = "10",
      description = "How many of the last refreshes to show (default: ${DEFAULT-VALUE}).")
  int history;

  @Override
  public Integer call() throws Exception {
    if (history < 0) {
      throw new UsageException("--history takes a number of refreshes, 0 or more; got " + history);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      StreamTables.Status status = StreamTables.status(c, name, history);
      StoredStreamTable st = status.table();
      out.println("stream table " + st.name());
      out.println("  query:");
      st.definingQuery().strip().lines().forEach(line -> out.println("    " + line));
      if (!st.searchPath().isEmpty()) { // where the query's unqualified names resolve
        out.println("  search_path:  " + String.join(", ", st.searchPath().stream()
            .map(Quoting::identifier).toList()));
      }
      out.println("  mode:         " + modeText(st));
      if (st.effectiveMode() != Mode.FULL && st.planRevision() < ShapeAnalyzer.PLAN_REVISION
          && (DISTINCT_CALL.matcher(st.definingQuery()).find() || SUB_QUERY.matcher(st.definingQuery()).find())
          && dev.freshet.runtime.streamtable.StreamTableCompiler.latestRevisionDiffers(c, st)) {
        // compiled at the revision it was created at (catalog V39): said where a rebuild would bring something
        List<String> since = new java.util.ArrayList<>();
        for (int r = st.planRevision() + 1; r <= ShapeAnalyzer.PLAN_REVISION; r++) {
          since.add("revision " + r + ", which keeps " + REVISIONS.get(r));
        }
        out.println("  plans:        revision " + st.planRevision() + " (it was created before "
            + String.join(", and ", since) + "); " + SuggestedCommand.freshet("alter", st.name(), "--mode",
            "DIFFERENTIAL") + " rebuilds it at the latest");
      }
      printMaintenance(out, st);
      out.println("  schedule:     " + st.schedule().map(x -> "every " + x + " ('freshet service')").orElse("none (refreshed by 'freshet refresh')"));
      if (st.schedule().isPresent()) {
        java.time.Duration interval = dev.freshet.runtime.scheduler.Schedule.parse(st.schedule().get()).interval();
        java.util.Optional<java.time.Duration> last = StreamTables.lastRefreshDuration(c, st.id());
        java.time.Duration paced = dev.freshet.runtime.scheduler.RefreshScheduler.paced(interval, last);
        if (!paced.equals(interval)) { // STAB-4: a refresh slower than its schedule allows
          out.println("                slowed to every " + dev.freshet.runtime.scheduler.Schedule.text(paced)
              + ": its last refresh took " + String.format(java.util.Locale.ROOT, "%.1f s",
              last.orElseThrow().toMillis() / 1000.0) + ", and a refresh takes at most half its interval; back to "
              + st.schedule().get() + " when its refreshes are quicker");
        }
      }
      printUnscheduledReader(out, st, StreamTables.scheduledSourcesOfUnscheduled(c, st));
      printUnscheduledSources(out, st, StreamTables.unscheduledSourcesOfScheduled(c, st));
      out.println("  status:       " + statusText(st, StreamTables.consecutiveFailures(c, st.id())));
      // DDL on a source its query no longer runs after: every refresh is refused until the query is fixed. The last
      // error about it (the event trigger's, CALL freshet.refresh's) is shown as the refusal prints it, with the
      // command holding its query to edit where the catalog's words say '--query ...'
      java.util.Optional<SourceDdlRefusal> refused = StreamTables.sourceDdlReason(c, st.id())
          .map(reason -> SourceDdlRefusal.ofReason(reason, st.name()));
      java.util.Optional<String> lastError = st.lastError()
          .map(e -> refused.flatMap(r -> r.restated(e, st)).orElse(e));
      lastError.ifPresent(e -> {
        out.println("  last error:");
        e.strip().lines().forEach(line -> out.println("    " + line));
      });
      st.pendingRebuild().ifPresent(r -> out.println("  rebuild:      " + r));
      out.println("  last refresh: " + time(st.lastRefreshAt()));
      java.util.Map<String, Long> pending = StreamTables.pendingChanges(c, st.id());
      out.println("  pending:      " + (status.sources().isEmpty() ? NO_SOURCES
          : StreamTables.changesVisible(c, st.id()) ? pendingText(pending)
          : "not visible to this role (the change buffers hold the sources' rows: their owner and superusers read "
              + "them)"));
      long window = pending.values().stream().mapToLong(Long::longValue).sum();
      // writes no trigger captured (catalog V45): the next refresh recomputes, whatever its mode and window
      Optional<String> uncaptured = refused.isPresent() ? Optional.empty() : StreamTables.uncapturedWrites(c, st.id());
      // a constraint its plan relied on dropped (catalog V45): every refresh is refused until an alter
      Optional<String> gone = refused.isPresent() ? Optional.empty() : StreamTables.constraintGone(c, st);
      if (refused.isPresent()) {
        String prefix = "  next refresh: refused until its query is given the names as they are now";
        if (lastError.filter(e -> e.contains(refused.get().what())).isPresent()) {
          out.println(prefix + " (see the last error)");
        } else {
          out.println(prefix + ": " + refused.get().what());
          ("HINT:  " + refused.get().hint(st, List.of())).lines()
              .forEach(line -> out.println("                " + line));
        }
      } else if (gone.isPresent()) {
        out.println("  next refresh: refused until it is created again from its query: " + gone.get()
            + ", which its plan relied on (" + SuggestedCommand.freshet("alter", st.name(), "--mode", st.requestedMode())
            + ")");
      } else if (uncaptured.isPresent()) {
        out.println("  next refresh: FULL (" + uncaptured.get() + ")");
      } else if (st.requestedMode() == Mode.AUTO && st.effectiveMode() == Mode.DIFFERENTIAL && window > 0) {
        dev.freshet.runtime.streamtable.AutoChoice next = StreamTables.autoChoice(c, st.id(), window);
        // after a failed refresh, what the next one will try (the last error says why the last one failed)
        out.println("  next refresh: " + (st.status().equals("ERROR") ? "tries again, " : "") + next.mode() + " ("
            + next.reason() + ")");
      }
      java.util.Optional<OffsetDateTime> since = StreamTables.behindSince(c, st);
      if (since.isPresent()) {
        out.println("  behind since: " + time(since) + " (" + ago(since.get()) + ", the oldest change it has not read)");
      }
      out.println("  created:      " + time(Optional.of(st.createdAt())) + " by " + st.owner());
      out.println("  rows:         " + CreateCommand.rowsText(c, st.name()));
      printSources(out, status.sources());
      if (history > 0) {
        out.println("  last refreshes (newest first; +inserted ~updated -deleted):");
        if (status.history().isEmpty()) {
          out.println("    none");
        }
        status.history().forEach(line -> out.println("    " + line));
      }
    }
    out.flush();
    return ExitCode.OK.code();
  }

  /** How long ago {@code since} was, roughly: {@code 45 s}, {@code 3 min}, {@code 2 h 5 min}, {@code 3 days}. */
  static String ago(OffsetDateTime since) {
    long seconds = Math.max(0, java.time.Duration.between(since, OffsetDateTime.now()).toSeconds());
    if (seconds < 60) {
      return seconds + " s ago";
    }
    if (seconds < 3600) {
      return (seconds / 60) + " min ago";
    }
    if (seconds < 86_400) {
      return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min ago";
    }
    return (seconds / 86_400) + (seconds < 2 * 86_400 ? " day" : " days") + " ago";
  }

  /**
   * A stream table whose query reads no table Freshet captures (generate_series, VALUES, a system catalog):
   * nothing is ever pending for it (before, 'not known until its next refresh', after every refresh).
   */
  static final String NO_SOURCES = "none to watch: its query reads no table whose changes Freshet captures";

  /**
   * {@code 12 changes buffered since the last refresh ("public"."orders" 12)}, naming only the sources with
   * changes (the sources are listed below it; a query over several tables made the line a list of zeros),
   * {@code none}, or why it is not known.
   */
  static String pendingText(java.util.Map<String, Long> pending) {
    if (pending.isEmpty()) {
      return "not known until its next refresh";
    }
    long total = pending.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return "none (nothing changed in its sources since the last refresh)";
    }
    return total + (total == 1 ? " change" : " changes") + " buffered since the last refresh ("
        + String.join(", ", pending.entrySet().stream().filter(e -> e.getValue() > 0)
            .map(e -> e.getKey() + " " + e.getValue()).toList()) + ")";
  }

  /** {@code DIFFERENTIAL}, or {@code FULL (requested AUTO)} when the two differ. */
  static String modeText(StoredStreamTable st) {
    return st.requestedMode() == st.effectiveMode() ? st.effectiveMode().name()
        : st.effectiveMode() + " (requested " + st.requestedMode() + ")";
  }

  /** {@code AUTO→FULL} style, for one table cell. */
  static String modeCell(StoredStreamTable st) {
    return st.requestedMode() == st.effectiveMode() ? st.effectiveMode().name()
        : st.requestedMode() + "->" + st.effectiveMode();
  }

  /** The fallback reason and the notes, one line each. */
  static void printMaintenance(PrintWriter out, StoredStreamTable st) {
    st.fallbackReason().ifPresent(r -> out.println("  fallback:     " + r));
    if (st.effectiveMode() == Mode.FULL && st.fallbackReason().isEmpty()) {
      out.println("  fallback:     none (FULL was requested)");
    }
    for (String note : st.notes()) {
      out.println("  note:         " + note);
    }
  }

  /**
   * A warning, when stream table {@code reader} has no schedule but reads the stream tables {@code scheduled},
   * which have one: {@code freshet service} refreshes only stream tables with a schedule, so it keeps
   * refreshing those and never {@code reader} (the walkthrough found such a chain where nothing refreshed the
   * last table, and nothing said so). The hint gives it the shortest of their schedules.
   */
  static void printUnscheduledReader(PrintWriter out, StoredStreamTable reader, List<StoredStreamTable> scheduled) {
    if (scheduled.isEmpty()) {
      return;
    }
    List<String> named = scheduled.stream().map(st -> st.name() + " (every " + st.schedule().orElseThrow() + ")")
        .toList();
    String sources = named.size() == 1 ? "the scheduled stream table " + named.get(0)
        : "the scheduled stream tables " + and(named);
    String shortest = scheduled.stream().map(st -> st.schedule().orElseThrow())
        .min(java.util.Comparator.comparing(StatusCommand::intervalOrLongest)).orElseThrow();
    out.println("  warning:      " + reader.name() + " has no schedule but reads " + sources + ": 'freshet "
        + "service' refreshes only stream tables with a schedule, so it will not refresh " + reader.name()
        + ", which changes only when 'freshet refresh' (or CALL freshet.refresh) refreshes it");
    out.println("                HINT:  to have the service refresh it after "
        + and(scheduled.stream().map(st -> st.name().toString()).toList()) + ": "
        + SuggestedCommand.freshet("alter", reader.name(), "--schedule", shortest));
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}. */
  private static String and(List<String> items) {
    return items.size() == 1 ? items.get(0)
        : String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
  }

  /** A stored schedule's interval; one that no longer reads as one (none is stored so) sorts last. */
  private static java.time.Duration intervalOrLongest(String schedule) {
    try {
      return dev.freshet.runtime.scheduler.Schedule.parse(schedule).interval();
    } catch (IllegalArgumentException e) {
      return java.time.Duration.ofSeconds(Long.MAX_VALUE);
    }
  }

  /**
   * The same warning, at {@code alter --schedule} of {@code scheduled}, for each stream table without a
   * schedule that reads it.
   */
  static void printUnscheduledReaders(PrintWriter out, java.sql.Connection c, StoredStreamTable scheduled)
      throws java.sql.SQLException {
    for (StoredStreamTable reader : StreamTables.unscheduledReaders(c, scheduled)) {
      printUnscheduledReader(out, reader, StreamTables.scheduledSourcesOfUnscheduled(c, reader));
    }
  }

  /**
   * The reverse warning: {@code reader} has a schedule but reads stream tables without one, which the service never
   * refreshes, so it reads them as of their last refresh; the HINT gives each of them the reader's schedule.
   */
  static void printUnscheduledSources(PrintWriter out, StoredStreamTable reader, List<StoredStreamTable> unscheduled) {
    if (unscheduled.isEmpty()) {
      return;
    }
    List<String> names = unscheduled.stream().map(st -> st.name().toString()).toList();
    String schedule = reader.schedule().orElseThrow();
    out.println("  warning:      " + reader.name() + " is refreshed every " + schedule + " but reads "
        + (names.size() == 1 ? "the stream table " + names.get(0) + ", which has no schedule"
            : "the stream tables " + and(names) + ", which have no schedule")
        + ": 'freshet service' refreshes only stream tables with a schedule, so " + reader.name() + " reads "
        + (names.size() == 1 ? "it" : "them") + " as of " + (names.size() == 1 ? "its" : "their") + " last refresh");
    out.println("                HINT:  to have the service refresh " + (names.size() == 1 ? "it" : "them")
        + " before " + reader.name() + ": " + String.join("; ", unscheduled.stream()
            .map(st -> SuggestedCommand.freshet("alter", st.name(), "--schedule", schedule)).toList()));
  }

  /** The reverse warning, when {@code unscheduled} loses its schedule, for each stream table with one that reads it. */
  static void printScheduledReaders(PrintWriter out, java.sql.Connection c, StoredStreamTable unscheduled)
      throws java.sql.SQLException {
    for (StoredStreamTable reader : StreamTables.scheduledReaders(c, unscheduled)) {
      printUnscheduledSources(out, reader, StreamTables.unscheduledSourcesOfScheduled(c, reader));
    }
  }

  /** The status, with the failures in a row behind an ERROR or SUSPENDED and what the service does next. */
  static String statusText(StoredStreamTable st, StreamTables.Failures failures) {
    if (st.status().equals(StreamTables.SUSPENDED)) {
      return "SUSPENDED after " + failures.count() + " failed refreshes in a row: 'freshet service' no longer "
          + "refreshes it; fix the cause, then: " + SuggestedCommand.freshet("resume", st.name());
    }
    if (st.status().equals("ERROR") && failures.count() > 0 && st.schedule().isPresent()) {
      java.time.Duration wait = dev.freshet.runtime.scheduler.RefreshScheduler.backoff(
          dev.freshet.runtime.scheduler.Schedule.parse(st.schedule().get()).interval(), failures.count());
      return "ERROR (" + failures.count() + " failed refreshes in a row; 'freshet service' tries again at "
          + time(Optional.of(failures.last().plus(wait))) + ")";
    }
    return st.status();
  }

  /**
   * One line per source, its name and the columns read from it, each quoted as in SQL, so that a name with a
   * comma, a space or a quote reads as one: {@code "s"."t" ("a", "b c")}; FULL tables capture no columns, any
   * change of the table counts.
   */
  static void printSources(PrintWriter out, List<StreamTables.Source> sources) {
    out.println("  sources:" + (sources.isEmpty() ? "      none" : ""));
    for (StreamTables.Source source : sources) {
      out.println("    " + source.name() + (source.columns().isEmpty() ? " (any change: FULL refresh)"
          : " (" + String.join(", ", source.columns().stream().map(Quoting::identifier).toList()) + ")"));
    }
  }

  static String time(Optional<OffsetDateTime> time) {
    return time.map(t -> t.atZoneSameInstant(ZoneId.systemDefault()).format(TIME)).orElse("never");
  }
}
