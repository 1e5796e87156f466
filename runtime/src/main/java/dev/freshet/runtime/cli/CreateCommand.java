package dev.freshet.runtime.cli;

import dev.freshet.codegen.program.StreamTableRowSql;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.QualifiedName;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.CompiledStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code freshet create}: creates a stream table and fills it. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Create a stream table: a table named NAME whose content is the result of the query, "
        + "kept fresh by 'freshet refresh'.", "",
        "Plans the query against the live catalog, installs change capture on the tables it reads, "
            + "creates the table and fills it, all in one transaction. Writers of the source tables "
            + "wait while it is filled.", "",
        "Modes: DIFFERENTIAL applies only what changed and refuses a query it cannot maintain that way "
            + "(exit status 3, with the reason code); FULL recomputes the query at every refresh that has "
            + "changes (and at every refresh when the query reads the clock); "
            + "AUTO (the default) is DIFFERENTIAL when the query allows it, else FULL, with the reason "
            + "recorded and shown by 'freshet status'.", "",
        "Prints the effective mode, the fallback reason if any, notes on rewrites (e.g. a top-level "
            + "ORDER BY dropped), the source tables and the number of rows."},
    footer = {"", "Examples:",
        "  freshet create revenue_by_customer \\",
        "      --jdbc-url jdbc:postgresql://localhost/shop \\",
        "      --query \"SELECT o_custkey, sum(o_totalprice) AS revenue",
        "               FROM orders GROUP BY o_custkey\"",
        "  freshet create top_customers --dry-run \\",
        "      --query \"SELECT ... ORDER BY revenue DESC LIMIT 10\""})
public final class CreateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "NAME",
      description = "Name of the stream table: NAME or SCHEMA.NAME, as in SQL (unquoted parts fold to "
          + "lower case; an unqualified name goes to the first schema of the search_path).")
  String name;

  @ArgGroup(multiplicity = "1")
  PlanCommand.QuerySource source;

  @Option(names = {"-m", "--mode"}, paramLabel = "MODE", defaultValue = "AUTO", converter = ModeConverter.class,
      description = "DIFFERENTIAL, FULL or AUTO (default: ${DEFAULT-VALUE}).")
  Mode mode;

  @Option(names = "--schedule", paramLabel = "SCHEDULE",
      description = "Refresh interval for 'freshet service', as PostgreSQL writes intervals: 30s, 5m or 5min, "
          + "1h, 1d, '1 hour 30 minutes' (not 1M: minutes or months?) (default: none: the table changes only "
          + "when 'freshet refresh' runs).")
  String schedule;

  @Option(names = "--dry-run", description = "Say how the query would be maintained (the mode, and in "
      + "AUTO why not DIFFERENTIAL; in DIFFERENTIAL, the construct that stops it and where) without creating "
      + "anything.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    checkSchedule(schedule);
    String sql = queryText(source);
    if (dryRun) {
      try (Connection c = connection.connect(err)) {
        CompiledStreamTable compiled = StreamTables.dryRun(c, name, sql, mode);
        out.println("would create stream table " + compiled.target() + ": " + compiled.effectiveMode()
            + (compiled.effectiveMode() == mode ? "" : " (requested " + mode + ")"));
        compiled.fallback().ifPresent(r -> out.println("  fallback:     " + r.reasonLine()));
        compiled.notes().forEach(n -> out.println("  note:         " + n));
        out.println("  sources:      " + sourcesText(compiled));
        out.println("nothing was created (--dry-run)");
      }
      out.flush();
      return ExitCode.OK.code();
    }
    try (Connection c = connection.connect(err)) {
      StoredStreamTable st;
      String shown = RefreshCommand.displayName(c, name);
      try {
        st = StreamTables.create(c, name, sql, mode, schedule == null || schedule.isBlank() ? null : schedule);
      } catch (SQLException | RuntimeException e) {
        throw FreshetCli.naming(shown, e); // its query failing as it is filled: which stream table
      }
      out.println("created stream table " + st.name() + ": " + StatusCommand.modeText(st));
      StatusCommand.printMaintenance(out, st);
      StatusCommand.printSources(out, StreamTables.status(c, name, 0).sources());
      out.println("  rows:         " + rows(c, st.name()));
      st.schedule().ifPresent(s -> out.println("  schedule:     " + s));
      StatusCommand.printUnscheduledReader(out, st, StreamTables.scheduledSourcesOfUnscheduled(c, st));
      StatusCommand.printUnscheduledSources(out, st, StreamTables.unscheduledSourcesOfScheduled(c, st));
    }
    out.flush();
    return ExitCode.OK.code();
  }

  /**
   * The query text without the final semicolon that query files usually end with (the planner takes
   * one query, without it). Only the end changes, so positions in error messages stay right.
   */
  static String queryText(PlanCommand.QuerySource source) {
    String text = source.text().stripTrailing();
    while (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).stripTrailing();
    }
    return text;
  }

  /** The rows of {@code table}, or that the current role may not read it. */
  static String rowsText(Connection c, QualifiedName table) throws SQLException {
    // a stream table dropped outside Freshet (DROP TABLE): status said its last error, then failed on the
    // missing table ('relation does not exist', exit 4) before its sources and last refreshes
    try (java.sql.PreparedStatement ps = c.prepareStatement(
        dev.freshet.codegen.program.StreamTableRowSql.TABLE_GONE_OR_READABLE)) {
      for (int i = 1; i <= 3; i++) {
        ps.setString(i, table.sql());
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) {
          return "none: its table is gone (dropped outside Freshet)";
        }
        if (!rs.getBoolean(2)) {
          return "not readable by this role (its owner can GRANT SELECT ON " + table.sql() + ")";
        }
      }
    }
    return Long.toString(rows(c, table));
  }

  /** The number of rows a stream table holds: one stored row per row of its query's result. */
  static long rows(Connection c, QualifiedName table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        StreamTableRowSql.rowCount(table.parts()))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * A --schedule that is not an interval is a usage error, said before connecting, with where the help is
   * (as --poll of the service); blank clears it (alter) or means none (create).
   */
  static void checkSchedule(String schedule) {
    if (schedule != null && !schedule.isBlank()) {
      try {
        dev.freshet.runtime.scheduler.Schedule.parse(schedule);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--schedule: " + e.getMessage());
      }
    }
  }

  /** Accepts modes in any case ({@code auto}, {@code Full}), as people type them. */
  static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String value) {
      try {
        return Mode.valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a mode; expected one of "
            + Arrays.toString(Mode.values()));
      }
    }
  }

  /** {@code "public"."orders", "public"."customers"}, or {@code none}: the tables whose changes it reads. */
  static String sourcesText(CompiledStreamTable compiled) {
    return compiled.sources().isEmpty() ? "none"
        : String.join(", ", compiled.sources().stream().map(source -> Quoting.qualified(source.name())).toList());
  }
}
