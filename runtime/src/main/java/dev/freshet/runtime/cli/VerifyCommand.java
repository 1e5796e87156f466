package dev.freshet.runtime.cli;

import dev.freshet.codegen.refresh.HiddenColumns;
import dev.freshet.runtime.oracle.BagComparison;
import dev.freshet.runtime.streamtable.QualifiedName;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTableException;
import dev.freshet.runtime.streamtable.StreamTableVerifier;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code freshet verify}: checks a stream table against a fresh evaluation of its query. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check that a stream table holds exactly what its defining query returns now: "
        + "the same rows, each as often (a multiset comparison), and no stored row with an impossible "
        + "hidden count.", "",
        "Prints 'equal (N rows)', or the rows missing from the stream table and the rows it has in "
            + "excess, each with its multiplicity (up to " + BagComparison.SAMPLE_LIMIT + " of each). "
            + "Each value is PostgreSQL's text of it, as psql shows it under the settings the stream table was "
            + "created with (TimeZone, DateStyle, bytea_output ...): numbers and booleans as they are, NULL as "
            + "NULL, other values in single quotes. "
            + "The state tables Freshet keeps for aggregates inside the query are checked the same way. "
            + "Exit status 0 when equal, 1 when not.", "",
        "Cost: runs the full defining query, reads the whole stream table and compares both with a "
            + "symmetric EXCEPT ALL: as expensive as a FULL refresh, or more.", "",
        "Locking: one REPEATABLE READ transaction that only reads, so both sides come from one "
            + "snapshot; it takes no locks beyond ACCESS SHARE, blocks neither writers nor refreshes, "
            + "and is safe on a production database.", "",
        "Changes to the sources that are not refreshed yet show up as differences: refresh first, "
            + "or verify while the sources are quiet."},
    footer = {"", "Example (refresh first: changes not applied yet show up as differences):",
        "  export FRESHET_JDBC_URL=jdbc:postgresql://localhost/shop",
        "  freshet refresh revenue_by_customer && freshet verify revenue_by_customer"})
public final class VerifyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "NAME", description = "The stream table (NAME or SCHEMA.NAME).")
  String name;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      StoredStreamTable st = requireStreamTable(c, name);
      QualifiedName target = st.name();
      StreamTableVerifier.Verification v;
      try {
        v = StreamTableVerifier.verify(c, name);
      } catch (SQLException | RuntimeException e) {
        throw FreshetCli.naming(target.toString(), e); // which stream table's query failed
      }
      out.println(target + ": " + v.summary());
      if (!v.ok()) {
        BagComparison.Result r = v.comparison();
        if (!r.equal()) {
          out.println("  columns: (" + String.join(", ", userColumns(c, target)) + ")");
        }
        printRows(out, "missing (returned by the query, not in the stream table)", r.missingCount(), r.missing());
        printRows(out, "extra (in the stream table, not returned by the query)", r.extraCount(), r.extra());
        for (StreamTableVerifier.StateTable state : v.stateTables()) {
          if (!state.equal()) {
            out.println("  state table " + state.name() + " (an aggregate or DISTINCT inside the query): "
                + state.comparison().summary());
            printRows(out, "missing from the state table", state.comparison().missingCount(), state.comparison().missing());
            printRows(out, "extra in the state table", state.comparison().extraCount(), state.comparison().extra());
          }
        }
        if (v.badMultiplicities() > 0) {
          out.println("  " + v.badMultiplicities() + (v.badMultiplicities() == 1 ? " stored row has" : " stored rows have")
              + " a hidden count below one "
              + "(Freshet's bookkeeping is wrong even where the visible rows agree)");
        }
        // the sources that changed since its last refresh, with their counts when more than one did (as status
        // lists them); not those that did not, which pending_changes lists with 0
        java.util.Map<String, Long> pending = new java.util.LinkedHashMap<>(StreamTables.pendingChanges(c, st.id()));
        pending.values().removeIf(count -> count == 0);
        long changes = pending.values().stream().mapToLong(Long::longValue).sum();
        if (changes > 0) {
          // the likely cause: the query reads its sources as they are now, the stream table as last refreshed
          List<String> changed = pending.entrySet().stream()
              .map(e -> pending.size() == 1 ? e.getKey() : e.getKey() + " " + e.getValue()).toList();
          out.println("  it has " + changes + (changes == 1 ? " change" : " changes") + " of its sources ("
              + String.join(", ", changed) + ") not applied yet: refresh it and verify again (refresh "
              + "--all refreshes the stream tables it reads first too): "
              + SuggestedCommand.freshet("refresh", target));
        } else if (v.openOrder().isPresent()) {
          // string_agg without ORDER BY: the query itself may list a group's values otherwise each time it runs;
          // said only when every difference may be that order (the rows agree on every other column)
          StreamTableVerifier.OpenOrder open = v.openOrder().get();
          List<String> columns = open.columns();
          out.println("  its query's " + String.join(", ", open.aggregates()) + " lists values in an order "
              + "PostgreSQL leaves open" + (columns.isEmpty() ? "" : ", and the rows differ only in "
                  + (columns.size() == 1 ? "column " : "columns ") + String.join(", ", columns) + ", computed from it")
              + ": a difference only in that order is not an error. Write the order in the call "
              + "(string_agg(x, ',' ORDER BY x), maintained by FULL and AUTO) to compare exactly. To rebuild it "
              + "from its query: " + SuggestedCommand.freshet("alter", target, "--mode", st.requestedMode()));
        } else {
          out.println("  A difference right after a refresh, with no changes since, is a bug in Freshet: please "
              + "report it. To rebuild it from its query: " + SuggestedCommand.freshet("alter", target, "--mode",
              st.requestedMode()));
        }
      }
      out.flush();
      return v.ok() ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
    }
  }

  /**
   * The stream table's name, or a clear error when there is none. Unlike the verifier, this also
   * works on a database without Freshet's catalog.
   */
  static StoredStreamTable requireStreamTable(Connection c, String name) throws SQLException {
    QualifiedName target = QualifiedName.parse(c, name);
    return StreamTables.list(c).stream().filter(st -> st.name().equals(target)).findFirst()
        .orElseThrow(() -> new StreamTableException("there is no stream table " + target
            + "; 'freshet list' shows the stream tables"));
  }

  /**
   * Differing rows grouped as {@code 2 x ('a', 1.50, NULL)}, in the order sampled: each value as PostgreSQL
   * prints it ({@link BagComparison.Result#missing}).
   */
  private static void printRows(PrintWriter out, String what, long count, List<List<String>> sample) {
    if (count == 0) {
      return;
    }
    out.println("  " + what + ": " + count + (count == 1 ? " row" : " rows")
        + (sample.size() < count ? " (first " + sample.size() + " shown)" : ""));
    Map<List<String>, Integer> multiplicity = new LinkedHashMap<>();
    for (List<String> row : sample) {
      multiplicity.merge(row, 1, Integer::sum);
    }
    multiplicity.forEach((row, n) -> out.println("    " + n + " x (" + String.join(", ", row) + ")"));
  }

  /** The stream table's visible column names, in order. */
  private static List<String> userColumns(Connection c, QualifiedName target) throws SQLException {
    List<String> names = new ArrayList<>();
    // the catalog's list, by a bound name: no query over the stream table is built here
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT a.attname FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = ?::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum""")) {
      ps.setString(1, target.sql());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!rs.getString(1).startsWith(HiddenColumns.PREFIX)) {
            names.add(rs.getString(1));
          }
        }
      }
    }
    return names;
  }
}
