package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.program.RefreshProgramPrinter;
import dev.freshet.codegen.refresh.HiddenColumns;
import dev.freshet.codegen.refresh.StoredColumn;
import dev.freshet.codegen.refresh.VerificationPrinter;
import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.rules.shape.Stratum;
import dev.freshet.rules.shape.UnorderedAggregates;
import dev.freshet.runtime.cli.SuggestedCommand;
import dev.freshet.runtime.oracle.BagComparison;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Compares a stream table with a fresh evaluation of its defining query, in one snapshot
 * (DESIGN.md §7): the user's columns must equal the query's result as multisets, and no hidden
 * multiplicity may be below one. The stream table's catalog row (its last refresh's snapshot), its rows, its
 * state tables, the query's result and the changes of its sources not applied yet are all read in that one
 * REPEATABLE READ snapshot, so a refresh that commits meanwhile changes none of them: a difference comes with
 * the changes that explain it, or with none.
 */
public final class StreamTableVerifier {

  private StreamTableVerifier() {
  }

  /**
   * The comparison, plus the number of stored rows with an impossible hidden count, plus each state
   * table inside the query that differs from the operator it stores.
   *
   * @param openOrder present when every difference found may be the order in which listing aggregates without
   *     ORDER BY inside the call ({@code string_agg(x, ',')}) read their rows, which PostgreSQL leaves open: those
   *     aggregates, and the stream table's columns the differing rows differ in when they differ only in values
   *     computed from them (none when only a state table differs, or when that order also decides which rows
   *     there are); empty for a stream table Freshet does not plan (FULL)
   * @param pendingChanges when it differs, the changes of its sources its last refresh did not apply, per source
   *     that has some (as {@code freshet status} lists them), read in the comparison's snapshot: the likely cause
   *     of the difference; empty when it is equal, when no source changed, or when the role may not read the
   *     change buffers
   */
  public record Verification(BagComparison.Result comparison, long badMultiplicities, List<StateTable> stateTables,
      Optional<BagComparison.Result> topRows, Optional<OpenOrder> openOrder, Map<String, Long> pendingChanges) {
    public Verification {
      stateTables = List.copyOf(stateTables);
      pendingChanges = Collections.unmodifiableMap(new LinkedHashMap<>(pendingChanges));
    }

    /** The number of changes {@link #pendingChanges} counts. */
    public long pendingChangeCount() {
      return pendingChanges.values().stream().mapToLong(Long::longValue).sum();
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

  /**
   * What may explain a difference: the listing aggregates without an order (PostgreSQL's names), and the columns
   * the rows differ only in, if known.
   */
  public record OpenOrder(List<String> aggregates, List<String> columns) {
    public OpenOrder {
      aggregates = List.copyOf(aggregates);
      columns = List.copyOf(columns);
    }
  }

  /** A state table (an operator inside the query, DESIGN.md §4) compared with a fresh run of its operator. */
  public record StateTable(String name, BagComparison.Result comparison) {
    public boolean equal() {
      return comparison.equal();
    }
  }

  /**
   * Whether rows named {@code names} of {@code expectedSql} and {@code actualSql}, which differ, agree on the
   * columns outside {@code open}: the names of the columns in {@code open} if so (none when it holds them all),
   * empty if not.
   */
  private static Optional<List<String>> onlyIn(Connection c, ImmutableBitSet open, List<String> names,
      String expectedSql, String actualSql) throws SQLException {
    if (open.isEmpty()) {
      return Optional.empty();
    }
    if (open.cardinality() >= names.size()) {
      return Optional.of(List.of()); // the order may decide which rows there are: any difference may be it
    }
    List<String> kept = new ArrayList<>();
    List<String> differing = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      (open.get(i) ? differing : kept).add(names.get(i));
    }
    boolean agree = BagComparison.compare(c, VerificationPrinter.someColumns(expectedSql, names, kept),
        VerificationPrinter.someColumns(actualSql, names, kept)).equal();
    return agree ? Optional.of(differing) : Optional.empty();
  }

  public static Verification verify(Connection c, String name) throws SQLException {
    StreamTables.requireCatalog(c, QualifiedName.parse(c, name));
    return StreamTables.inTransaction(c, Connection.TRANSACTION_REPEATABLE_READ, () -> {
      QualifiedName target = QualifiedName.parse(c, name); // the transaction's first statement takes its snapshot
      StoredStreamTable st = StreamTableCatalog.require(c, target, false);
      // a constraint its plan relied on dropped (catalog V45): the plan compiled now is another, whose state tables
      // the stream table does not have; said as its refresh says it
      Optional<String> gone = StreamTables.constraintGone(c, st);
      if (gone.isPresent()) {
        throw new SQLException("stream table " + st.name() + " cannot be verified: " + gone.get() + ", which its plan "
            + "relied on; create it again from its query (its rows are computed anew, its history kept): " + SuggestedCommand.freshet("alter", st.name(), "--mode", st.requestedMode()), "FS012");
      }
      Verification v = compare(c, target, st);
      if (v.ok()) {
        return v;
      }
      // in the comparison's snapshot: a refresh that committed since (after this transaction's first statement)
      // changed neither side of what was compared, and must not hide the changes that explain the difference
      Map<String, Long> pending = new LinkedHashMap<>(StreamTables.pendingChanges(c, st.id()));
      pending.values().removeIf(count -> count == 0);
      return new Verification(v.comparison(), v.badMultiplicities(), v.stateTables(), v.topRows(), v.openOrder(),
          pending);
    });
  }

  /** {@link #verify}'s comparisons, in the caller's REPEATABLE READ transaction, without the pending changes. */
  private static Verification compare(Connection c, QualifiedName target, StoredStreamTable st) throws SQLException {
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
      // the stored columns, by position: an older Freshet named some as Calcite does (EXPR$0), until
      // 'freshet migrate' or the next compile renames them
      List<String> columns = StreamTables.storedColumns(c, new QualifiedName(stratum.stateTable().get(0),
          stratum.stateTable().get(1))).stream().map(StoredColumn::name).limit(stratum.resultColumns().size())
          .toList();
      stateTables.add(new StateTable(Quoting.qualified(stratum.stateTable()), BagComparison.compare(c,
          QuerySqlPrinter.print(stratum.original()), VerificationPrinter.stateRows(stratum.stateTable(), columns))));
    }
    Verification unexplained = new Verification(result, bad, stateTables, topRows, Optional.empty(), Map.of());
    if (unexplained.ok() || bad > 0 || compiled.plan().isEmpty()) {
      return unexplained; // a hidden count below one is Freshet's bookkeeping, whatever the query's order
    }
    List<String> aggregates = UnorderedAggregates.find(compiled.plan().get().rel());
    if (aggregates.isEmpty()) {
      return unexplained;
    }
    // each differing comparison must agree on the columns no such order reaches
    Optional<List<String>> columns = Optional.of(List.of());
    if (!result.equal()) {
      columns = onlyIn(c, UnorderedAggregates.columns(compiled.plan().get().rel()),
          user.stream().map(StoredColumn::name).toList(),
          VerificationPrinter.expectedRows(compiled.verificationSql(), user),
          VerificationPrinter.storedRows(target.parts(), user));
    }
    for (int i = 0; i < stateTables.size() && columns.isPresent(); i++) {
      Stratum stratum = compiled.strata().get(i);
      if (!stateTables.get(i).equal() && onlyIn(c, UnorderedAggregates.columns(stratum.original()),
          stratum.resultColumns(), QuerySqlPrinter.print(stratum.original()),
          VerificationPrinter.stateRows(stratum.stateTable(), stratum.resultColumns())).isEmpty()) {
        columns = Optional.empty();
      }
    }
    if (topRows.isPresent() && !topRows.get().equal()
        && UnorderedAggregates.columns(compiled.plan().get().rel()).isEmpty()) {
      columns = Optional.empty();
    }
    return new Verification(result, bad, stateTables, topRows,
        columns.map(names -> new OpenOrder(aggregates, names)), Map.of());
  }
}
