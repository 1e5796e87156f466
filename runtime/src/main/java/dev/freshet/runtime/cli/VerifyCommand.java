package dev.freshet.runtime.cli;

import dev.freshet.codegen.program.SystemCatalogSql;
import dev.freshet.codegen.refresh.HiddenColumns;
import dev.freshet.runtime.oracle.BagComparison;
import dev.freshet.runtime.streamtable.QualifiedName;
import dev.freshet.runtime.streamtable.StoredStreamTable;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code freshet verify}: checks stream tables against a fresh evaluation of their queries. */
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
        "Several stream tables (or --all) are verified one after the other, each in a snapshot of its own, one "
            + "result line each: exit status 1 if any differs. One that cannot be verified is reported and the "
            + "others are still verified; the exit status is then that of the first failure.", "",
        "Cost: runs the full defining query, reads the whole stream table and compares both with a "
            + "symmetric EXCEPT ALL: as expensive as a FULL refresh, or more.", "",
        "Locking: one REPEATABLE READ transaction that only reads, so both sides come from one "
            + "snapshot; it takes no locks beyond ACCESS SHARE, blocks neither writers nor refreshes, "
            + "and is safe on a production database.", "",
        "Changes to the sources that are not refreshed yet show up as differences: refresh first, "
            + "or verify while the sources are quiet."},
    footer = {"", "Example (refresh first: changes not applied yet show up as differences):",
        "  export FRESHET_JDBC_URL=jdbc:postgresql://localhost/shop",
        "  freshet refresh revenue_by_customer && freshet verify revenue_by_customer",
        "  freshet refresh --all && freshet verify --all"})
public final class VerifyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(arity = "0..*", paramLabel = "NAME", description = "Stream tables to verify (NAME or SCHEMA.NAME).")
  List<String> names;

  @Option(names = "--all", description = "Verify every stream table, in the order 'freshet list' shows them.")
  boolean all;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean named = names != null && !names.isEmpty();
    if (named == all) {
      throw new ParameterException(spec.commandLine(), all ? "give stream table names or --all, not both"
          : "name the stream tables to verify, or give --all");
    }
    ExitCode failure = null; // the first stream table that could not be verified says the exit status
    boolean different = false;
    try (Connection c = connection.connect(err)) {
      List<String> targets = all ? StreamTables.list(c).stream().map(st -> st.name().toString()).toList() : names;
      if (targets.isEmpty()) {
        err.println("no stream tables to verify");
      }
      for (String name : targets) {
        try {
          different |= !verify(c, out, name);
        } catch (Exception e) {
          if (c.isClosed() || !c.isValid(5)) {
            throw e;
          }
          // said as the command's own error would be, and the others are still verified
          boolean verbose = spec.root().userObject() instanceof FreshetCli root && root.verbose;
          err.println(FreshetCli.message(e, verbose));
          if (verbose) {
            e.printStackTrace(err);
          }
          err.flush();
          if (failure == null) {
            failure = FreshetCli.exitCode(e);
          }
        }
      }
    }
    out.flush();
    return failure != null ? failure.code() : different ? ExitCode.DIFFERENT.code() : ExitCode.OK.code();
  }

  /**
   * Verifies one stream table, printing its result line and, when it differs, the rows and the likely cause.
   *
   * @return whether it is equal to its query's result
   */
  private static boolean verify(Connection c, PrintWriter out, String name) throws Exception {
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
      // lists them), as the comparison's snapshot saw them: a refresh committed since does not hide them
      Map<String, Long> pending = v.pendingChanges();
      long changes = v.pendingChangeCount();
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
    return v.ok();
  }

  /**
   * The stream table's name, or a clear error when there is none. Unlike the verifier, this also
   * works on a database without Freshet's catalog.
   */
  static StoredStreamTable requireStreamTable(Connection c, String name) throws SQLException {
    QualifiedName target = QualifiedName.parse(c, name);
    java.util.Optional<StoredStreamTable> found = StreamTables.list(c).stream()
        .filter(st -> st.name().equals(target)).findFirst();
    if (found.isEmpty()) {
      throw StreamTables.noSuchStreamTable(c, target); // "is a table, not a stream table", as drop says
    }
    return found.get();
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
    try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.COLUMN_NAMES_BY_NAME)) {
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
