package dev.freshet.runtime.cli;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.QualifiedName;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code freshet alter}: changes a stream table's query, mode or schedule. */
@Command(name = "alter", mixinStandardHelpOptions = true,
    description = {"Change a stream table's mode, schedule or defining query.", "",
        "A new schedule alone is recorded in place. A new query or mode rebuilds the stream table in one "
            + "transaction (as drop and create would, keeping the name, the creation time, the refresh "
            + "history, where the rebuild is recorded, and, unless given, the schedule): "
            + "readers see the old content until it commits, and writers of the sources wait while the "
            + "table is filled. Stream tables that read it are rebuilt with it, each from its query as "
            + "stored (their relation goes with this one's); one whose query no longer runs against it "
            + "refuses the alter, naming it.", "",
        "A query refused in DIFFERENTIAL mode leaves the stream table as it was (exit status 3)."},
    footer = {"", "Examples:",
        "  freshet alter revenue_by_customer --mode FULL \\",
        "      --jdbc-url jdbc:postgresql://localhost/shop",
        "  freshet alter revenue_by_customer --schedule ''        # clear the schedule"})
public final class AlterCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "NAME", description = "The stream table (NAME or SCHEMA.NAME).")
  String name;

  @Option(names = {"-m", "--mode"}, paramLabel = "MODE", converter = CreateCommand.ModeConverter.class,
      description = "New mode: DIFFERENTIAL, FULL or AUTO.")
  Mode mode;

  @Option(names = "--schedule", paramLabel = "SCHEDULE",
      description = "New refresh interval for 'freshet service', as for create: 30s, 5m or 5min, 1h, "
          + "'1 hour 30 minutes'; '' clears it.")
  String schedule;

  @ArgGroup(multiplicity = "0..1")
  PlanCommand.QuerySource source;

  @Override
  public Integer call() throws Exception {
    if (mode == null && schedule == null && source == null) {
      throw new UsageException("nothing to alter: give --mode, --schedule, --query or --file");
    }
    CreateCommand.checkSchedule(schedule);
    PrintWriter out = spec.commandLine().getOut();
    Optional<String> query = source == null ? Optional.empty() : Optional.of(CreateCommand.queryText(source));
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      StreamTables.Altered altered = StreamTables.alterWithReaders(c, name, Optional.ofNullable(mode),
          Optional.ofNullable(schedule), query);
      StoredStreamTable st = altered.table();
      List<String> changes = StreamTables.alteration(Optional.ofNullable(mode), Optional.ofNullable(schedule),
          query.isPresent());
      boolean rebuilt = mode != null || query.isPresent();
      out.println("altered stream table " + st.name() + ": " + String.join(", ", changes)
          + (rebuilt ? " (rebuilt)" : ""));
      out.println("  mode:         " + StatusCommand.modeText(st));
      StatusCommand.printMaintenance(out, st);
      if (rebuilt) {
        StatusCommand.printSources(out, StreamTables.status(c, name, 0).sources());
        out.println("  rows:         " + CreateCommand.rows(c, st.name()));
        for (QualifiedName reader : altered.readersRebuilt()) {
          out.println("  rebuilt too:  " + reader + " (rows: " + CreateCommand.rows(c, reader) + ")");
        }
      }
      out.println("  schedule:     " + st.schedule().orElse("none"));
      StatusCommand.printUnscheduledReader(out, st, StreamTables.scheduledSourcesOfUnscheduled(c, st));
      StatusCommand.printUnscheduledReaders(out, c, st);
      StatusCommand.printUnscheduledSources(out, st, StreamTables.unscheduledSourcesOfScheduled(c, st));
      StatusCommand.printScheduledReaders(out, c, st);
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
