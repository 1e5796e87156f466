package dev.freshet.runtime.cli;

import dev.freshet.planner.DisplayWidth;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code freshet list}: the stream tables of a database. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List the stream tables of the database, one per line: name, mode, status, "
        + "last successful refresh, pending changes and schedule.", "",
        "MODE is the effective mode, written REQUESTED->EFFECTIVE when they differ (AUTO->FULL: the query "
            + "cannot be maintained differentially; 'freshet status NAME' says why). STATUS is ACTIVE, "
            + "ERROR when the last refresh failed, or SUSPENDED when 'freshet service' stopped refreshing it "
            + "after failures in a row ('freshet resume NAME' brings it back). PENDING is the number of "
            + "changes its next refresh will read, and how long ago the oldest was made.", "",
        "Reads the catalog only; changes nothing."},
    footer = {"", "Example:", "  freshet list --jdbc-url jdbc:postgresql://localhost/shop"})
public final class ListCommand implements Callable<Integer> {

  private static final List<String> HEADER = List.of("NAME", "MODE", "STATUS", "LAST REFRESH", "PENDING", "SCHEDULE");

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<StoredStreamTable> tables;
    java.util.Map<Long, String> pending = new java.util.HashMap<>();
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      tables = StreamTables.list(c);
      for (StoredStreamTable st : tables) {
        java.util.Map<String, Long> changes = StreamTables.pendingChanges(c, st.id());
        long total = changes.values().stream().mapToLong(Long::longValue).sum();
        String behind = total == 0 ? "" : StreamTables.behindSince(c, st)
            .map(since -> " (" + StatusCommand.ago(since).replace(" ago", "") + ")").orElse("");
        // '-': its query reads no table whose changes are captured; '?': not known (not visible to this role)
        pending.put(st.id(), !changes.isEmpty() ? total + behind
            : StreamTables.status(c, st.name().sql(), 0).sources().isEmpty() ? "-" : "?");
      }
    }
    if (tables.isEmpty()) {
      out.println("no stream tables; 'freshet create' makes one");
      out.flush();
      return ExitCode.OK.code();
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (StoredStreamTable st : tables) {
      // DDL on a source recorded as it happened: 'freshet status' says which and what it means
      String status = st.pendingRebuild().isPresent() && st.status().equals("ACTIVE") ? "ACTIVE (rebuild)" : st.status();
      rows.add(List.of(st.name().toString(), StatusCommand.modeCell(st), status,
          StatusCommand.time(st.lastRefreshAt()), pending.get(st.id()), st.schedule().orElse("-")));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], DisplayWidth.of(row.get(i)));
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        line.append(i < widths.length - 1 ? DisplayWidth.padRight(row.get(i), widths[i] + 2) : row.get(i));
      }
      out.println(line);
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
