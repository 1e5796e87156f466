package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.program.RefreshProgramPrinter;
import dev.freshet.codegen.refresh.HiddenColumns;
import dev.freshet.codegen.refresh.StoredColumn;
import dev.freshet.codegen.refresh.VerificationPrinter;
import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.rules.shape.Stratum;
import dev.freshet.runtime.oracle.BagComparison;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares a stream table with a fresh evaluation of its defining query, in one snapshot
 * (DESIGN.md §7): the user's columns must equal the query's result as multisets, and no hidden
 * multiplicity may be below one.
 */
public final class StreamTableVerifier {

  private StreamTableVerifier() {
  }

  /**
   * The comparison, plus the number of stored rows with an impossible hidden count, plus each state
   * table inside the query that differs from the operator it stores.
   */
  public record Verification(BagComparison.Result comparison, long badMultiplicities, List<StateTable> stateTables,
      Optional<BagComparison.Result> topRows) {
    public Verification {
      stateTables = List.copyOf(stateTables);
    }

    public boolean ok() {
      return comparison.equal() && badMultiplicities == 0 && stateTables.stream().allMatch(StateTable::equal)
          && topRows.map(BagComparison.Result::equal).orElse(true);
    }

    public String summary() {
      List<String> wrongState = stateTables.stream().filter(t -> !t.equal()).map(t -> t.name() + " " + t.comparison()
          .summary()).toList();
      return comparison.summary() + (badMultiplicities == 0 ? ""
          : "; " + badMultiplicities + (badMultiplicities == 1 ? " stored row" : " stored rows")
              + " with a hidden count below one")
          + (wrongState.isEmpty() ? "" : "; state table " + String.join(", ", wrongState))
          + topRows.filter(k -> !k.equal()).map(k -> "; the top rows differ from the query as written (its ORDER BY "
              + "values, or its rows before the last place): " + k.summary()).orElse("");
    }
  }

  /** A state table (an operator inside the query, DESIGN.md §4) compared with a fresh run of its operator. */
  public record StateTable(String name, BagComparison.Result comparison) {
    public boolean equal() {
      return comparison.equal();
    }
  }

  public static Verification verify(Connection c, String name) throws SQLException {
    StreamTables.requireCatalog(c, QualifiedName.parse(c, name));
    return StreamTables.inTransaction(c, Connection.TRANSACTION_REPEATABLE_READ, () -> {
      QualifiedName target = QualifiedName.parse(c, name);
      StoredStreamTable st = StreamTableCatalog.require(c, target, false);
      StreamTables.useCreationSettings(c, st);
      try (Statement s = c.createStatement()) {
        s.execute(RefreshProgramPrinter.WHOLE_TABLES); // every comparison reads whole tables
      }
      List<StoredColumn> user = StreamTables.storedColumns(c, target).stream()
          .filter(col -> !col.name().startsWith(HiddenColumns.PREFIX)).toList();
      CompiledStreamTable compiled = StreamTables.compiled(c, st);
      // Top rows: whole rows against the query's plan ranked as Freshet ranks ties.
      BagComparison.Result result = BagComparison.compare(c,
          VerificationPrinter.expectedRows(compiled.verificationSql(), user),
          VerificationPrinter.storedRows(target.parts(), user));
      // Top rows: also compared with the query as written, by their ORDER BY values, and by the rows
      // not tied with the last one (its LIMIT may return other rows among those).
      Optional<BagComparison.Result> topRows = Optional.empty();
      if (compiled.topK().isPresent()) {
        BagComparison.Result orderKeys = BagComparison.compare(c,
            VerificationPrinter.orderKeyRows(st.definingQuery(), user, compiled.orderKeyColumns()),
            VerificationPrinter.stateRows(target.parts(), compiled.orderKeyColumns()));
        BagComparison.Result untied = BagComparison.compare(c,
            VerificationPrinter.untiedRows(st.definingQuery(), user, compiled.topK().get()),
            VerificationPrinter.untiedRows(VerificationPrinter.storedRows(target.parts(), user), user,
                compiled.topK().get()));
        topRows = Optional.of(orderKeys.equal() ? untied : orderKeys);
      }
      long bad;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(compiled.storage().impossibleMultiplicities())) {
        rs.next();
        bad = rs.getLong(1);
      }
      List<StateTable> stateTables = new ArrayList<>();
      for (Stratum stratum : compiled.strata()) {
        stateTables.add(new StateTable(Quoting.qualified(stratum.stateTable()), BagComparison.compare(c,
            QuerySqlPrinter.print(stratum.original()),
            VerificationPrinter.stateRows(stratum.stateTable(), stratum.resultColumns()))));
      }
      return new Verification(result, bad, stateTables, topRows);
    });
  }
}
