package dev.freshet.codegen.refresh;

import static dev.freshet.codegen.refresh.SqlText.col;
import static dev.freshet.codegen.refresh.SqlText.indent;
import static dev.freshet.codegen.refresh.SqlText.join;
import static dev.freshet.codegen.refresh.SqlText.map;
import static dev.freshet.codegen.refresh.SqlText.q;

import dev.freshet.codegen.merge.MergePrinter;
import dev.freshet.codegen.merge.MergeStatement;
import dev.freshet.codegen.program.RefreshStep;
import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.planner.FaultInjection;
import dev.freshet.rules.shape.AggregateClass;
import dev.freshet.rules.shape.MaintenanceShape;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;

/**
 * SQL for a stream table of shape {@code finisher(Aggregate(input))}: one stored row per group, the
 * user's columns followed by {@value HiddenColumns#HASH}, the group keys {@code __freshet_k<j>},
 * {@value HiddenColumns#COUNT} and the state of each aggregate call ({@code __freshet_s<i>}, plus
 * {@code __freshet_n<i>}, the non-NULL count, for SUM and AVG).
 *
 * <p>A refresh computes the new state of the affected groups into {@value #STATE_TABLE}: in full, by
 * aggregating the input; differentially, by adding the delta's per-group sums to the stored state
 * (DESIGN.md §4), and by re-aggregating only the groups where that is not exact (a MIN/MAX whose
 * extremum may have left, an aggregate with no algebraic form). The user's columns are then computed
 * from the state by the query's own final projection, and one MERGE applies the rows.
 */
public final class GroupedRefreshPrinter implements StoredTablePrinter {

  /** Temporary table with the new rows (user columns and state) of the affected groups. */
  public static final String STATE_TABLE = "Δgroups";
  private static final String DELTA_INPUT = "Δinput";
  private static final String RESCAN_KEYS = "__freshet_rescan";
  private static final String AGG_VALUES = "__freshet_agg";
  private static final String ROWS = "__freshet_rows";
  private static final String NEW_ROWS = "__freshet_new";
  /**
   * The column of {@value #STATE_TABLE} holding, in a differential refresh, the address ({@code ctid}) of the
   * group's stored row, NULL for a new group: the statements after it find the stored row there, where looking
   * it up by hash and keys again probed the identity index once per group (TPC-H Q18's 10,000 groups of a batch,
   * twice), or, for a large window, hashed the whole stored table. Nothing else writes the table in the refresh
   * transaction before the MERGE (the stream table's row is locked FOR UPDATE; VACUUM FULL waits for the lock the
   * first read took), so the address stays the row's.
   */
  static final String ROW = "__freshet_row";

  /**
   * The column of a differential refresh's {@code __freshet_state} holding the stored group's identity hash (NULL for
   * a new group), which the group was found by: its new row takes it, where computing it again from the keys cost
   * an md5 per group a second time (1.5 µs: TPC-H Q18's 10,000 groups of a batch, 15 ms).
   */
  private static final String STORED_HASH = "__freshet_stored_hash";

  private final List<String> target;
  private final List<String> userColumns;
  private final MaintenanceShape.Grouped shape;
  private final Aggregate aggregate;
  private final List<String> inputNames;
  private final List<Integer> keys;

  public GroupedRefreshPrinter(List<String> target, List<String> userColumns,
      MaintenanceShape.Grouped shape) {
    this.target = List.copyOf(target);
    this.userColumns = List.copyOf(userColumns);
    this.shape = shape;
    this.aggregate = shape.aggregate();
    this.inputNames = shape.input().getRowType().getFieldNames();
    this.keys = aggregate.getGroupSet().asList();
    this.identity = (RowIdentity.GroupKey) RowIdentity.of(shape, userColumns);
  }

  /**
   * {@code ANALYZE} of the table after a full recompute (the queries above it, the next state table's and the stream
   * table's, are planned by its statistics; a table just created has none, and PostgreSQL then guesses its size and
   * picks nested loops over it), when the table has no statistics yet (created and filled in this
   * refresh) or the recompute changed more than a tenth of its groups ({@value #STATE_TABLE}, read before it is
   * dropped); else its statistics still describe it. A recompute that changed 9,000 of TPC-H Q18's 1.5 million
   * orders spent 0.2–1.1 s analyzing them, one of Q10's 38,000 customers' groups 0.3 s of its 1.4.
   */
  public String analyzeAfterFull() {
    String t = targetName();
    return "DO " + Quoting.dollarQuoted("\nBEGIN\n  IF (SELECT c.reltuples < 0 OR (SELECT count(*) FROM "
        + q(STATE_TABLE) + ") > c.reltuples / 10\n      FROM pg_catalog.pg_class AS c WHERE c.oid = "
        + Quoting.literal(t) + "::regclass) THEN\n    ANALYZE " + t + ";\n  END IF;\nEND\n");
  }

  private String targetName() {
    return Quoting.qualified(target);
  }

  private final RowIdentity.GroupKey identity;

  @Override
  public RowIdentity identity() {
    return identity;
  }

  /** The hidden key columns: the row identity. */
  private List<String> keyColumns() {
    return identity.columns();
  }

  private boolean algebraicSum(int i) {
    AggregateCall call = aggregate.getAggCallList().get(i);
    return shape.classes().get(i) == AggregateClass.ALGEBRAIC && call.getAggregation().getKind() != SqlKind.COUNT;
  }

  /** Hidden state columns after the keys: count, then per call its state (and non-NULL count). */
  private List<String> stateColumns() {
    List<String> names = new ArrayList<>();
    names.add(HiddenColumns.COUNT);
    for (int i = 0; i < aggregate.getAggCallList().size(); i++) {
      names.add(HiddenColumns.state(i));
      if (algebraicSum(i)) {
        names.add(HiddenColumns.nonNull(i));
      }
    }
    return names;
  }

  /** All stored columns in order: user columns, hash, keys, state. */
  public List<String> storedColumns() {
    List<String> all = new ArrayList<>(userColumns);
    all.add(HiddenColumns.HASH);
    all.addAll(keyColumns());
    all.addAll(stateColumns());
    return all;
  }

  // ---- relational parts, printed by Calcite ------------------------------------------------------

  /** {@code Project(keys as __freshet_k<j>, count, states, Aggregate(source))}; source starts with the input's fields. */
  private RelNode stateRel(RelNode source) {
    int groupCount = keys.size();
    List<AggregateCall> calls = new ArrayList<>();
    calls.add(AggregateCall.create(SqlStdOperatorTable.COUNT, false, false, false, List.of(), List.of(), -1,
        null, RelCollations.EMPTY, groupCount, source, null, HiddenColumns.COUNT));
    for (int i = 0; i < aggregate.getAggCallList().size(); i++) {
      AggregateCall call = aggregate.getAggCallList().get(i);
      if (algebraicSum(i)) {
        calls.add(AggregateCall.create(SqlStdOperatorTable.SUM, false, false, false, List.of(),
            call.getArgList(), call.filterArg, null, RelCollations.EMPTY, groupCount, source, null,
            HiddenColumns.state(i)));
        calls.add(AggregateCall.create(SqlStdOperatorTable.COUNT, false, false, false, List.of(),
            nonNullCountArgs(source, call), call.filterArg, null, RelCollations.EMPTY, groupCount, source, null,
            HiddenColumns.nonNull(i)));
      } else {
        calls.add(call.rename(HiddenColumns.state(i)));
      }
    }
    RelNode agg = LogicalAggregate.create(source, List.of(), aggregate.getGroupSet(), null, calls);
    RelBuilder b = builder(source.getCluster());
    b.push(agg);
    List<RexNode> fields = new ArrayList<>(b.fields());
    List<String> names = new ArrayList<>(keyColumns());
    names.addAll(stateColumns());
    return b.project(fields, names, true).build();
  }

  /**
   * The arguments of the count of a sum's non-NULL values: none ({@code COUNT(*)}) when the summed value cannot be
   * NULL. PostgreSQL evaluates each aggregate's argument anew, so {@code COUNT(price * (1 - discount))} beside
   * {@code SUM(price * (1 - discount))} computed the product twice per row, where {@code COUNT(*)} is one shared
   * count: TPC-H Q1's state over 6 million line items, 3.6–4.3 s against 2.4–2.5.
   */
  private static List<Integer> nonNullCountArgs(RelNode source, AggregateCall call) {
    return argumentMayBeNull(source, call) ? call.getArgList() : List.of();
  }

  /** Whether an argument of {@code call} may be NULL, by the plan's type of the aggregated input {@code source}. */
  private static boolean argumentMayBeNull(RelNode source, AggregateCall call) {
    return call.getArgList().stream().anyMatch(a -> source.getRowType().getFieldList().get(a).getType().isNullable());
  }

  private static RelBuilder builder(RelOptCluster cluster) {
    return RelFactories.LOGICAL_BUILDER.create(cluster, null);
  }

  /**
   * The input restricted to the groups to re-aggregate, whose keys are a CTE named {@value #RESCAN_KEYS}
   * ({@link RescanRestriction}); a scalar aggregate's input joined to that CTE's one row.
   */
  private RelNode restrictedInput() {
    RelNode input = shape.input();
    RelDataTypeFactory tf = input.getCluster().getTypeFactory();
    RelDataTypeFactory.Builder row = tf.builder();
    if (keys.isEmpty()) { // a scalar aggregate: the CTE has one row when the single group is rescanned
      row.add("__freshet_one", tf.createSqlType(SqlTypeName.INTEGER));
      return builder(input.getCluster()).push(input).push(scanOf(input.getCluster(), RESCAN_KEYS, row.build()))
          .join(JoinRelType.INNER, List.of()).build();
    }
    for (int j = 0; j < keys.size(); j++) {
      row.add(HiddenColumns.key(j), input.getRowType().getFieldList().get(keys.get(j)).getType());
    }
    // restricted where the groups' columns come from, not after the whole input
    return RescanRestriction.restrict(input, keys, scanOf(input.getCluster(), RESCAN_KEYS, row.build()));
  }

  private static RelNode scanOf(RelOptCluster cluster, String name, RelDataType rowType) {
    return LogicalTableScan.create(cluster, RelOptTableImpl.create(null, rowType, List.of(name), null), List.of());
  }

  /** The user's columns and the hidden ones, computed by the query's final projection from {@value #AGG_VALUES}. */
  private String finisherSql() {
    return finisherSql(false);
  }

  private String finisherSql(boolean withRow) {
    RelOptCluster cluster = aggregate.getCluster();
    RelDataTypeFactory tf = cluster.getTypeFactory();
    RelDataTypeFactory.Builder row = tf.builder().addAll(aggregate.getRowType().getFieldList());
    List<String> hidden = new ArrayList<>();
    hidden.add(HiddenColumns.HASH);
    hidden.addAll(keyColumns());
    hidden.addAll(stateColumns());
    if (withRow) {
      hidden.add(ROW);
    }
    RelDataType any = tf.createTypeWithNullability(tf.createSqlType(SqlTypeName.ANY), true);
    hidden.forEach(h -> row.add(h, any));
    RelDataType rowType = row.uniquify().build();
    RelBuilder b = builder(cluster);
    b.push(scanOf(cluster, AGG_VALUES, rowType));
    // A group whose rows are all gone (count 0) is only deleted: the query never computes its expressions, which
    // may fail on it (100 * count(*) FILTER (WHERE late) / count(*): division by zero; red-team finding). Not so the
    // one row of an aggregate without GROUP BY, which the query computes over no rows too (count(*) + 1 is 1).
    int offset = aggregate.getRowType().getFieldCount();
    RexNode present = b.greaterThan(b.field(offset + hidden.indexOf(HiddenColumns.COUNT)), b.literal(0));
    List<RexNode> exprs = new ArrayList<>();
    for (RexNode e : shape.finisher()) {
      boolean guarded = e instanceof RexCall && !keys.isEmpty();
      exprs.add(guarded ? b.call(SqlStdOperatorTable.CASE, present, e, b.literal(null)) : e);
    }
    for (int h = 0; h < hidden.size(); h++) {
      exprs.add(b.field(offset + h));
    }
    List<String> names = new ArrayList<>(userColumns);
    names.addAll(hidden);
    return QuerySqlPrinter.print(b.project(exprs, names, true).build());
  }

  // ---- text parts ---------------------------------------------------------------------------------

  private String inputAlias(String alias, boolean weighted) {
    List<String> names = new ArrayList<>(map(inputNames, SqlText::q));
    if (weighted) {
      names.add(q("__w"));
    }
    return alias + "(" + join(names) + ")";
  }

  /** The aggregate's output columns (keys, then call values) from the state, plus all hidden columns. */
  private String aggValuesCte() {
    return aggValuesCte(null, false);
  }

  /**
   * {@value #AGG_VALUES}: each group's output values from its state, and its identity hash — the column
   * {@code stateHash} of {@code __freshet_state} when it holds it already, a stored group's own in a differential
   * refresh, else computed from the keys.
   */
  private String aggValuesCte(String stateHash, boolean withRow) {
    List<String> items = new ArrayList<>();
    List<String> aggNames = aggregate.getRowType().getFieldNames();
    for (int j = 0; j < keys.size(); j++) {
      items.add(col("s", HiddenColumns.key(j)) + " AS " + q(aggNames.get(j)));
    }
    for (int i = 0; i < aggregate.getAggCallList().size(); i++) {
      AggregateCall call = aggregate.getAggCallList().get(i);
      String s = col("s", HiddenColumns.state(i));
      String value = s;
      if (algebraicSum(i)) {
        value = switch (call.getAggregation().getKind()) {
          case SUM0 -> "coalesce(" + s + ", 0)";
          // PostgreSQL's avg is numeric_div(sum, count), for integer and numeric inputs alike.
          case AVG -> "(" + s + "::numeric / NULLIF(" + col("s", HiddenColumns.nonNull(i)) + ", 0)::numeric)";
          default -> s;
        };
      }
      items.add(value + " AS " + q(aggNames.get(keys.size() + i)));
    }
    String hash = stateHash == null ? SqlText.hash("s", keyColumns(), keyTypes()) : col("s", stateHash);
    if (withRow) { // a stored group keeps its hash; only a new group's is computed
      hash = "coalesce(" + col("s", STORED_HASH) + ", " + hash + ")";
    }
    items.add(hash + " AS "
        + q(HiddenColumns.HASH));
    keyColumns().forEach(k -> items.add(col("s", k)));
    stateColumns().forEach(c -> items.add(col("s", c)));
    if (withRow) {
      items.add(col("s", ROW));
    }
    return q(AGG_VALUES) + " AS (\n  SELECT " + String.join(",\n    ", items) + "\n  FROM "
        + q("__freshet_state") + " AS s\n)";
  }

  /** The PostgreSQL type families of the group keys, for their identity hash. */
  private List<String> keyTypes() {
    List<String> keyTypes = new ArrayList<>();
    for (int j = 0; j < keys.size(); j++) {
      keyTypes.add(SqlText.pgFamily(shape.input().getRowType().getFieldList().get(keys.get(j)).getType()));
    }
    return keyTypes;
  }

  /** The full state query: every group's stored row, from the sources. */
  public String stateQuery() {
    return "WITH " + q("__freshet_state") + " AS (\n" + indent(QuerySqlPrinter.print(stateRel(shape.input())), 2)
        + "\n),\n" + aggValuesCte() + "\n" + finisherSql();
  }

  /**
   * {@inheritDoc} The user's columns get exactly the types PostgreSQL gives {@code definingSql} (the
   * query as written: {@code coalesce(s, 'x')} over text is text, where Calcite's plan prints a cast to
   * varchar), the hidden ones those of the plan's state query. Neither query runs ({@code WITH NO DATA}).
   * Refreshes cast the user's values to these types ({@link #materializeFull(List)}).
   */
  @Override
  public List<String> createStorage(String definingSql) {
    return storage(storageQuery(definingSql));
  }

  /**
   * {@inheritDoc} For the stream table: the user's columns as PostgreSQL types {@code definingSql}, the
   * hidden ones as the plan's state query types them. A state table is created from {@link #stateQuery()}.
   */
  @Override
  public String storageQuery(String definingSql) {
    List<String> hidden = new ArrayList<>();
    hidden.add(HiddenColumns.HASH);
    hidden.addAll(keyColumns());
    hidden.addAll(stateColumns());
    String aliases = userColumns.isEmpty() ? "" : "(" + join(map(userColumns, SqlText::q)) + ")";
    return "SELECT " + (userColumns.isEmpty() ? "" : "q.*, ") + join(map(hidden, h -> col("s", h)))
        + "\nFROM (\n" + indent(definingSql, 2) + "\n) AS q" + aliases + "\nCROSS JOIN (\n"
        + indent(stateQuery(), 2) + "\n) AS s";
  }

  /**
   * Hashes every stored group anew, keeping one row of groups whose keys read as equal now (text retyped
   * to an integer: '1' and '01'; a composite that lost an attribute): two rows of one group would each be
   * matched and updated by every later refresh. The values the kept row holds are those of one of them:
   * the FULL recompute that follows a rehash corrects them.
   */
  @Override
  public String rehash(List<StoredColumn> stored) {
    List<String> partition = new ArrayList<>();
    partition.add("r.\"__freshet_rehash\"");
    for (String key : keyColumns()) {
      StoredColumn column = stored.stream().filter(c -> c.name().equals(key)).findFirst().orElseThrow(() ->
          new IllegalStateException("stored table " + targetName() + " has no key column " + key));
      partition.add(SqlText.comparable(col("r", key), column));
    }
    String t = targetName();
    return "WITH \"Δhashed\" AS (\n"
        + "  SELECT r.\"__freshet_row\", r.\"__freshet_rehash\", row_number() OVER (PARTITION BY " + join(partition)
        + ") AS \"__freshet_n\"\n"
        + "  FROM (SELECT s.ctid AS \"__freshet_row\", " + SqlText.hash("s", keyColumns(), keyTypes())
        + " AS \"__freshet_rehash\", s.* FROM " + t + " AS s) AS r\n"
        + "), \"Δmerged\" AS (\n"
        + "  DELETE FROM " + t + " AS s USING \"Δhashed\" AS h WHERE s.ctid = h.\"__freshet_row\" AND h.\"__freshet_n\" > 1\n"
        + ")\n"
        + "UPDATE " + t + " AS s SET " + q(HiddenColumns.HASH) + " = h.\"__freshet_rehash\"\n"
        + "FROM \"Δhashed\" AS h WHERE s.ctid = h.\"__freshet_row\" AND h.\"__freshet_n\" = 1";
  }

  /**
   * An index on a column of a state table that a plan above joins on by equality: a delta term looks the
   * state table's rows up by it from a change table (TPC-H Q18 joins its 1.5 million orders' quantities
   * by {@code l_orderkey}); without one, PostgreSQL scanned the whole state table at every refresh. Also on a
   * column of stored rows that a join compares by range (ComparedRowsState): a term reads the rows between
   * two values of an aggregate. With a {@code predicate}, only of the rows that meet it: every read of the table
   * keeps only those.
   */
  public String joinKeyIndex(String column, java.util.Optional<String> predicate) {
    return "CREATE INDEX ON " + targetName() + " (" + q(column) + ")" + predicate.map(p -> " WHERE " + p).orElse("");
  }

  /** Creates a state table inside the query: every column typed by the plan's state query. */
  public List<String> createStorage() {
    return storage(stateQuery());
  }

  /**
   * The fill factor of a table of groups: a refresh updates its changed groups in place, and a page with
   * room keeps the new version beside the old (a HOT update: no new index entries, the old version pruned
   * when the page is next read). Full pages (PostgreSQL's 100) move every updated group to another page with
   * an entry in each index. TPC-H Q13's state MERGE of a 1,500-order batch: 17–18 ms at 90 against 31–36.
   */
  static final int GROUPS_FILL_FACTOR = 90;

  private List<String> storage(String query) {
    String t = targetName();
    return List.of(
        "CREATE TABLE " + t + " WITH (fillfactor = " + GROUPS_FILL_FACTOR + ") AS\n" + query + "\nWITH NO DATA",
        "CREATE INDEX ON " + t + " (" + q(HiddenColumns.HASH) + ")");
  }

  /**
   * A full refresh's steps: every group's new state into {@value #FULL_TABLE} ({@link #materializeFullState}), the
   * groups that differ from their stored rows into {@value #STATE_TABLE} ({@link #materializeFull}), hash joins
   * only, then {@code after} (the figures and the MERGE of a stream table; a state table's MERGE).
   *
   * <p>Hash joins for the difference: both sides are whole tables, and PostgreSQL, estimating a fresh temporary
   * table without statistics, chose a merge join reading the stored groups through their hash index, in hash
   * order, one heap page each (TPC-H Q18's 1.5 million orders at SF-1: 3.8 s against 1.2 for the hash join). The
   * settings are set back at once: the MERGE that follows finds few changed groups by their index.
   */
  public List<RefreshStep> fullSteps(List<StoredColumn> stored, List<RefreshStep> after) {
    List<RefreshStep> steps = new ArrayList<>();
    steps.add(new RefreshStep.Statement(materializeFullState()));
    steps.add(new RefreshStep.Statement(HASH_JOINS_ONLY));
    steps.add(new RefreshStep.Statement(materializeFull(stored)));
    steps.add(new RefreshStep.Statement("RESET enable_mergejoin"));
    steps.add(new RefreshStep.Statement("RESET enable_nestloop"));
    steps.add(new RefreshStep.Statement("DROP TABLE " + q(FULL_TABLE)));
    steps.addAll(after);
    return steps;
  }

  /** Hash joins for the statement that follows (merge joins and nested loops off until reset). */
  static final String HASH_JOINS_ONLY =
      "SELECT pg_catalog.set_config('enable_mergejoin', 'off', true), pg_catalog.set_config('enable_nestloop', "
          + "'off', true)";

  /** Temporary table of a full refresh: every group's new state and its identity hash. */
  public static final String FULL_TABLE = "Δfull";

  /**
   * Full refresh, step 1: every group's new state, with its identity hash (an md5 per group, computed once:
   * TPC-H Q18 at SF-1 has 1.5 million groups).
   */
  public String materializeFullState() {
    String state = QuerySqlPrinter.print(stateRel(shape.input()));
    return "CREATE TEMPORARY TABLE " + q(FULL_TABLE) + " ON COMMIT DROP AS\nSELECT f.*, "
        + SqlText.hash("f", keyColumns(), keyTypes()) + " AS " + q(FULL_HASH) + "\nFROM (\n" + indent(state, 2)
        + "\n) AS f";
  }

  /**
   * Full refresh, step 2: the new row of each group that is new or whose row differs from the stored one, and a
   * zero-count row for each stored group that is gone; groups whose stored row is the new one are left out, so
   * that the MERGE and the figures after it read only what changed (a refresh of TPC-H Q18 at SF-1 merged 1.5
   * million groups, comparing each one's text, to change 9,000). The stored groups are matched on the identity
   * hash first: {@code IS NOT DISTINCT FROM} alone cannot be hashed, and a nested loop over every stored group
   * and every new one took 5.5 minutes for TPC-H Q2's 160,000 parts at SF-1. {@code stored} are the storage
   * columns, for the types of the user's columns.
   */
  public String materializeFull(List<StoredColumn> stored) {
    List<String> keyCols = keyColumns();
    List<String> gone = new ArrayList<>(map(keyCols, k -> col("st", k)));
    gone.add("0");
    for (String c : stateColumns().subList(1, stateColumns().size())) {
      gone.add("NULL");
    }
    gone.add("st." + q(HiddenColumns.HASH));
    String stateCte = q("__freshet_state") + " AS (\n  SELECT * FROM " + q(FULL_TABLE) + "\n"
        + (keys.isEmpty() ? "" : "  UNION ALL\n  SELECT " + join(gone) + " FROM " + targetName() + " AS st\n"
            + "  WHERE NOT EXISTS (SELECT 1 FROM " + q(FULL_TABLE) + " AS f WHERE f." + q(FULL_HASH)
            + " = st." + q(HiddenColumns.HASH) + "\n    AND "
            + SqlText.sameValues("f", "st", keyCols).replace("\n", "\n  ") + ")\n")
        + ")";
    String unchanged = "SELECT 1 FROM " + targetName() + " AS st WHERE " + matching(false).replace("\n  ", " ")
        + "\n    AND NOT (" + valuesDiffer().replace("\n", "\n    ") + ")";
    return materialize(stateCte, stored, FULL_HASH, false, unchanged);
  }

  /** The column of a full refresh's new groups holding their identity hash, computed once. */
  private static final String FULL_HASH = "__freshet_full_hash";

  /**
   * A summed value times its row's weight. A numeric value is negated or kept for the weights −1 and 1 (almost
   * every row of a consolidated change table, every row of one that is not) and multiplied only otherwise: numeric multiplication was half the
   * cost of TPC-H Q1's delta aggregation (27 ms against 15 for 50,000 changed line items). Other types are
   * multiplied as numeric, so that value × weight cannot overflow an integer type (the sum is cast back).
   */
  private String weighted(String arg, int input) {
    if (aggregate.getInput().getRowType().getFieldList().get(input).getType().getSqlTypeName()
        == SqlTypeName.DECIMAL) {
      return "CASE d.\"__w\" WHEN 1 THEN " + arg + " WHEN -1 THEN -" + arg + " ELSE " + arg + " * d.\"__w\" END";
    }
    return arg + " * d.\"__w\"::numeric";
  }

  /**
   * Differential refresh, step 1: the new rows of the groups {@code deltaSql} touches. {@code deltaSql}
   * returns the input's columns and a weight; {@code stored} are the storage columns, for their types.
   */
  public String materializeDifferential(String deltaSql, List<StoredColumn> stored) {
    List<String> keyCols = keyColumns();
    int firstKey = userColumns.size() + 1;
    List<String> g = new ArrayList<>();
    for (int j = 0; j < keys.size(); j++) {
      g.add("CAST(" + col("d", inputNames.get(keys.get(j))) + " AS " + stored.get(firstKey + j).type() + ") AS "
          + q(keyCols.get(j)));
    }
    // coalesce: a scalar aggregate has its one group even when the filtered delta is empty.
    g.add("coalesce(sum(d.\"__w\"), 0)::bigint AS \"Δcount\"");
    // A key whose equal values may print otherwise (numeric 1.0 and 1.000, interval '1 day' and '24 hours') is
    // stored in the form of a row the delta adds, when it adds one (that row is there now), else kept as stored:
    // not the form of a row it deletes, which may be gone (PostgreSQL's GROUP BY shows any form its rows have).
    // Every such key is taken from the same added row (the first in the order of their texts), so that the
    // combination is one a row has; a key of an array type is taken as its text and read back (array_agg would nest
    // it): the array types grouped so (numeric, interval, jsonb... elements; float arrays are refused) read their
    // text back as the same value.
    List<Integer> formed = new ArrayList<>();
    for (int j = 0; j < keys.size(); j++) {
      StoredColumn column = stored.get(firstKey + j);
      if (column.equality() && !column.printsAlike()) {
        formed.add(j);
      }
    }
    List<String> formOrder = new ArrayList<>();
    for (int j : formed) {
      formOrder.add("CAST(" + col("d", inputNames.get(keys.get(j))) + " AS " + stored.get(firstKey + j).type()
          + ")::text COLLATE \"C\"");
    }
    List<String> merged = new ArrayList<>();
    for (int j = 0; j < keys.size(); j++) {
      if (formed.contains(j)) {
        String added = "Δadded_" + keyCols.get(j);
        String type = stored.get(firstKey + j).type();
        String value = "CAST(" + col("d", inputNames.get(keys.get(j))) + " AS " + type + ")";
        boolean array = stored.get(firstKey + j).identityType().endsWith("[]");
        g.add("CAST((array_agg(" + (array ? value + "::text" : value) + " ORDER BY " + join(formOrder)
            + ") FILTER (WHERE d.\"__w\" > 0))[1] AS " + type + ") AS " + q(added));
        // an added row's key may be NULL: then all are (NULL is one group), as the stored one
        merged.add("CASE WHEN g.\"Δadded_rows\" > 0 THEN g." + q(added) + " WHEN st.ctid IS NOT NULL THEN st."
            + q(keyCols.get(j)) + " ELSE " + col("g", keyCols.get(j)) + " END AS " + q(keyCols.get(j)));
      } else {
        merged.add(col("g", keyCols.get(j)));
      }
    }
    if (!formed.isEmpty()) {
      g.add("count(*) FILTER (WHERE d.\"__w\" > 0) AS \"Δadded_rows\"");
    }
    merged.add("coalesce(st." + q(HiddenColumns.COUNT) + ", 0) + g.\"Δcount\" AS " + q(HiddenColumns.COUNT));
    List<String> rescan = new ArrayList<>();
    for (int i = 0; i < aggregate.getAggCallList().size(); i++) {
      AggregateCall call = aggregate.getAggCallList().get(i);
      String filter = call.filterArg >= 0 ? col("d", inputNames.get(call.filterArg)) : null;
      String arg = call.getArgList().isEmpty() ? null : col("d", inputNames.get(call.getArgList().get(0)));
      String s = HiddenColumns.state(i);
      String type = typeOf(stored, s);
      switch (shape.classes().get(i)) {
        case ALGEBRAIC -> {
          // a value that cannot be NULL is not tested: the test evaluated it again (PostgreSQL puts Δinput's
          // expression in place of each reference), TPC-H Q1's products of 25,000 changed line items 38-44 ms
          // against 28-29; the plan's types are the sources' (COUNT(c) of a NOT NULL c is COUNT(*) already)
          String nonNull = arg == null || !argumentMayBeNull(shape.input(), call) ? null : arg + " IS NOT NULL";
          if (!algebraicSum(i)) { // COUNT(*), COUNT(x)
            g.add("sum(d.\"__w\") FILTER (WHERE " + and(nonNull, filter) + ")::bigint AS " + q("Δ" + s));
            merged.add("CAST(coalesce(st." + q(s) + ", 0) + coalesce(g." + q("Δ" + s) + ", 0) AS " + type + ") AS "
                + q(s));
          } else {
            String n = HiddenColumns.nonNull(i);
            g.add("sum(" + weighted(arg, call.getArgList().get(0)) + ") FILTER (WHERE " + and(null, filter) + ") AS "
                + q("Δ" + s));
            g.add("sum(d.\"__w\") FILTER (WHERE " + and(nonNull, filter) + ")::bigint AS " + q("Δ" + n));
            String newN = "coalesce(st." + q(n) + ", 0) + coalesce(g." + q("Δ" + n) + ", 0)";
            merged.add("CASE WHEN " + newN + " = 0 THEN NULL ELSE CAST(coalesce(st." + q(s) + ", 0) + coalesce(g."
                + q("Δ" + s) + ", 0) AS " + type + ") END AS " + q(s));
            merged.add(newN + " AS " + q(n));
          }
        }
        case EXTREMUM -> {
          boolean min = call.getAggregation().getKind() == SqlKind.MIN;
          String fn = min ? "min" : "max";
          g.add(fn + "(" + arg + ") FILTER (WHERE " + and("d.\"__w\" > 0", filter) + ") AS " + q("Δins" + i));
          g.add(fn + "(" + arg + ") FILTER (WHERE " + and("d.\"__w\" < 0", filter) + ") AS " + q("Δdel" + i));
          String old = "st." + q(s);
          String ins = "g." + q("Δins" + i);
          merged.add("CASE WHEN " + ins + " IS NULL THEN " + old + " WHEN " + old + " IS NULL THEN " + ins
              + " ELSE " + (min ? "least(" : "greatest(") + old + ", " + ins + ") END AS " + q(s));
          String del = "g." + q("Δdel" + i);
          // The stored extremum may have left: re-aggregate the group.
          rescan.add(FaultInjection.active(FaultInjection.Fault.EXTREMUM_WITHOUT_RESCAN) ? "FALSE" :"(" + del + " IS NOT NULL AND (" + old + " IS NULL OR " + del + (min ? " <= " : " >= ")
              + old + "))");
        }
        case RECOMPUTE_GROUP -> {
          merged.add("CAST(NULL AS " + type + ") AS " + q(s)); // typed: it meets the rescanned value in a UNION
          rescan.add("TRUE");
        }
      }
    }
    merged.add((rescan.isEmpty() ? "FALSE" : String.join("\n      OR ", rescan)) + " AS \"__freshet_rescan\"");
    merged.add("st.ctid AS " + q(ROW));
    merged.add("st." + q(HiddenColumns.HASH) + " AS " + q(STORED_HASH));

    List<String> keyTypes = new ArrayList<>();
    for (int j = 0; j < keys.size(); j++) {
      keyTypes.add(stored.get(firstKey + j).identityType());
    }
    List<String> stateCols = stateColumns();
    List<String> kept = new ArrayList<>(map(keyCols, k -> col("m", k)));
    stateCols.forEach(c -> kept.add(col("m", c)));
    kept.add(col("m", ROW));
    kept.add(col("m", STORED_HASH));
    List<String> redone = new ArrayList<>(map(keyCols, k -> col("m", k)));
    redone.add("coalesce(r." + q(HiddenColumns.COUNT) + ", 0)");
    stateCols.subList(1, stateCols.size()).forEach(c -> redone.add(col("r", c)));
    redone.add(col("m", ROW));
    redone.add(col("m", STORED_HASH));

    String ctes = q(DELTA_INPUT) + " AS (\n" + indent(deltaSql, 2) + "\n),\n"
        + q("Δgroup_sums") + " AS (\n  SELECT " + String.join(",\n    ", g) + "\n  FROM "
        + inputAlias(q(DELTA_INPUT) + " AS d", true)
        + (keys.isEmpty() ? "" : "\n  GROUP BY " + ordinals(keys.size())) + "\n),\n"
        + q("Δmerged") + " AS (\n  SELECT " + String.join(",\n    ", merged) + "\n  FROM " + q("Δgroup_sums")
        + " AS g\n  LEFT JOIN " + targetName() + " AS st\n    ON st." + q(HiddenColumns.HASH) + " = "
        + SqlText.hash("g", keyCols, keyTypes) + "\n    AND " + SqlText.sameValues("st", "g", keyCols)
        .replace("\n", "\n    ") + "\n),\n"
        + (rescan.isEmpty()
            // Every aggregate is algebraic: no group is ever re-aggregated.
            ? q("__freshet_state") + " AS (\n  SELECT " + join(kept) + "\n  FROM " + q("Δmerged") + " AS m\n)"
            : q(RESCAN_KEYS) + " AS (\n  SELECT " + (keys.isEmpty() ? "1 AS \"__freshet_one\""
                : join(map(keyCols, k -> col("m", k))))
            + " FROM " + q("Δmerged") + " AS m WHERE m.\"__freshet_rescan\"\n),\n"
            + q("Δrescanned") + " AS (\n" + indent(QuerySqlPrinter.print(stateRel(restrictedInput())), 2) + "\n),\n"
            + q("__freshet_state") + " AS (\n  SELECT " + join(kept) + "\n  FROM " + q("Δmerged")
            + " AS m WHERE NOT m.\"__freshet_rescan\"\n  UNION ALL\n  SELECT " + join(redone) + "\n  FROM "
            + q("Δmerged") + " AS m LEFT JOIN " + q("Δrescanned") + " AS r ON "
            // the identity hash first, so that the join can be hashed (IS NOT DISTINCT FROM cannot)
            + (keys.isEmpty() ? "" : SqlText.hash("r", keyCols, keyTypes) + " = " + SqlText.hash("m", keyCols, keyTypes)
                + "\n    AND ")
            + SqlText.sameValues("r", "m", keyCols).replace("\n", "\n    ") + "\n  WHERE m.\"__freshet_rescan\"\n)");
    return materialize(ctes, stored, null, true);
  }

  private static String typeOf(List<StoredColumn> stored, String name) {
    return stored.stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("stream table has no column " + name)).type();
  }

  private static String and(String a, String b) {
    if (a == null && b == null) {
      return "TRUE";
    }
    if (a == null) {
      return b;
    }
    return b == null ? a : a + " AND " + b;
  }

  private static String ordinals(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(Integer.toString(i));
    }
    return join(out);
  }

  /**
   * {@value #STATE_TABLE} from the state CTEs: the user's columns cast to their stored types (the plan
   * computes them in Calcite's types, e.g. varchar where PostgreSQL and the stored column have text),
   * then the hidden columns as the state query types them.
   */
  /** {@code withRow}: {@value #ROW} is a column of {@code __freshet_state}, and of the table made. */
  private String materialize(String stateCtes, List<StoredColumn> stored, String stateHash, boolean withRow) {
    return materialize(stateCtes, stored, stateHash, withRow, null);
  }

  /** {@code unchanged}: a sub-query finding the stored row equal to a new row {@code d}, which is then left out. */
  private String materialize(String stateCtes, List<StoredColumn> stored, String stateHash, boolean withRow,
      String unchanged) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < userColumns.size(); i++) {
      items.add("CAST(" + col("r", userColumns.get(i)) + " AS " + typeOf(stored, userColumns.get(i)) + ") AS "
          + q(userColumns.get(i)));
    }
    items.add(col("r", HiddenColumns.HASH));
    keyColumns().forEach(k -> items.add(col("r", k)));
    stateColumns().forEach(c -> items.add(col("r", c)));
    if (withRow) {
      items.add(col("r", ROW));
    }
    String rows = "SELECT " + String.join(",\n  ", items) + "\nFROM " + q(ROWS) + " AS r";
    String ctes = "WITH " + stateCtes + ",\n" + aggValuesCte(stateHash, withRow) + ",\n" + q(ROWS) + " AS (\n"
        + indent(finisherSql(withRow), 2) + "\n)";
    if (unchanged != null) {
      ctes += ",\n" + q(NEW_ROWS) + " AS (\n" + indent(rows, 2) + "\n)";
      rows = "SELECT d.*\nFROM " + q(NEW_ROWS) + " AS d\nWHERE NOT EXISTS (" + unchanged + ")";
    }
    return "CREATE TEMPORARY TABLE " + q(STATE_TABLE) + " ON COMMIT DROP AS\n" + ctes + "\n" + rows;
  }

  /**
   * For a state table (a stratum inside the query), between step 1 and the MERGE: its delta as a
   * change table {@code changeTable} for the plan above, consolidated — the stored rows of the
   * affected groups with weight −1, their new rows (those with rows left) with +1, the user's columns
   * only. A scalar aggregate always has its one row, old and new.
   */
  public String changeTable(List<String> changeTable) {
    List<String> cols = map(userColumns, SqlText::q);
    // the affected groups' stored rows read at their addresses (storedRows), where a join by address was hashed
    // against the whole stored table
    String affected = keys.isEmpty() ? "" : "\n    WHERE " + storedRows("st");
    String alive = keys.isEmpty() ? "" : "\n    WHERE d." + q(HiddenColumns.COUNT) + " > 0";
    return changeTableStatementStart(changeTable) + "\n"
        + "SELECT " + join(map(userColumns, c -> col("u", c))) + ", sum(u.\"__w\")::bigint AS \"__w\"\nFROM (\n"
        + "  SELECT " + join(map(userColumns, c -> col("st", c))) + ", -1 AS \"__w\"\n    FROM " + targetName()
        + " AS st" + affected + "\n"
        + "  UNION ALL\n"
        + "  SELECT " + join(map(userColumns, c -> col("d", c))) + ", 1\n    FROM " + q(STATE_TABLE) + " AS d" + alive
        + "\n) AS u(" + join(cols) + ", \"__w\")\nGROUP BY " + ordinals(userColumns.size())
        + "\nHAVING sum(u.\"__w\") <> 0";
  }

  /**
   * The first line of {@link #changeTable}'s statement, by which a refresh knows the step that creates a state
   * table's change table (its row count tells whether the terms that need it can hold rows, catalog V35).
   */
  public static String changeTableStatementStart(List<String> changeTable) {
    return "CREATE TEMPORARY TABLE " + Quoting.qualified(changeTable.subList(1, 2)) + " ON COMMIT DROP AS";
  }

  /**
   * {@code ANALYZE} of {@value #STATE_TABLE}: the statements after it look the affected groups up in
   * the stored table; without statistics PostgreSQL guessed thousands of groups and scanned a state
   * table of 1.4 million rows (TPC-H Q4 at SF-1) instead of probing its hash index.
   */
  public String analyzeGroups() {
    return "ANALYZE " + q(STATE_TABLE);
  }

  /** Drops {@value #STATE_TABLE}, so that the next stratum (or the stream table) can create its own. */
  public String dropTemporary() {
    return "DROP TABLE " + q(STATE_TABLE);
  }

  @Override
  public List<RefreshStep> differential(String deltaSql, List<StoredColumn> stored) {
    return List.of(new RefreshStep.Statement(materializeDifferential(deltaSql, stored)),
        new RefreshStep.Statement(analyzeGroups()),
        new RefreshStep.Check(groupsBelowNoRows(), "refresh of " + targetName() + " would leave a group with "
            + "fewer than no rows: the stream table or its delta is wrong; nothing was applied. This is a bug in "
            + "Freshet, or a change it did not see (ALTER TYPE … RENAME VALUE of an enum it stores); 'freshet "
            + "verify' shows the difference, and 'freshet alter NAME --mode MODE' rebuilds the table from its query"),
        new RefreshStep.Figures(counts(true)), new RefreshStep.Statement(apply(true)),
        new RefreshStep.Statement(insertNewGroups()), new RefreshStep.Statement(dropTemporary()));
  }

  /**
   * Groups whose count the delta takes below zero: a group the delta removes rows from must be stored.
   * Without this check such a group, not found under its key (its stored hash computed from a text that has
   * changed since), was taken for a new group and dropped, and the stored one kept its rows: a wrong result.
   */
  public String groupsBelowNoRows() {
    return "SELECT count(*) FROM " + q(STATE_TABLE) + " WHERE " + q(HiddenColumns.COUNT) + " < 0";
  }

  /** {@inheritDoc} Every group is recomputed from the plan's input; {@code definingSql} is not needed. */
  @Override
  public List<RefreshStep> full(String definingSql, List<StoredColumn> stored) {
    return fullSteps(stored, List.of(new RefreshStep.Figures(counts(false)), new RefreshStep.Statement(apply(false)),
        new RefreshStep.Statement(dropTemporary())));
  }

  /** {@inheritDoc} Groups are filled from the plan (their state comes from it): the other reading is the query. */
  @Override
  public String differingReading(String definingSql, String planSql, List<StoredColumn> stored) {
    return new BagRefreshPrinter(target, userColumns).differingRows(definingSql, stored);
  }

  /** {@inheritDoc} A scalar aggregate keeps its one row at count 0; a group is deleted with its last row. */
  @Override
  public String impossibleMultiplicities() {
    return "SELECT count(*) FROM " + targetName() + " WHERE " + q(HiddenColumns.COUNT) + " IS NULL OR "
        + q(HiddenColumns.COUNT) + (keys.isEmpty() ? " < 0" : " < 1");
  }

  /**
   * Step 2: counts of rows the MERGE will insert, update and delete, in that order, and the groups it
   * writes. Updated are the groups whose visible row changes (a user column's text): a group whose hidden
   * state alone changes (a duplicate row more under DISTINCT, the count behind an AVG that stays the same)
   * is written, and counted among the groups written, but no row a reader sees changed.
   */
  public String counts(boolean byRow) {
    String match = "SELECT 1 FROM " + targetName() + " AS st WHERE " + matching(byRow).replace("\n  ", " ");
    String exists = byRow ? "d." + q(ROW) + " IS NOT NULL" : "EXISTS (" + match + ")";
    String differs = "EXISTS (" + match + "\n    AND (" + valuesDiffer().replace("\n", "\n    ") + "))";
    String visiblyDiffers = "EXISTS (" + match + "\n    AND (" + valuesDiffer(userColumns).replace("\n", "\n    ")
        + "))";
    String gone = keys.isEmpty() ? "FALSE" : "d." + q(HiddenColumns.COUNT) + " = 0";
    return "SELECT count(*) FILTER (WHERE NOT " + exists + " AND NOT " + gone + "),\n"
        + "  count(*) FILTER (WHERE " + visiblyDiffers + " AND NOT " + gone + "),\n"
        + "  count(*) FILTER (WHERE " + exists + " AND " + gone + "),\n"
        + "  count(*) FILTER (WHERE NOT " + exists + " AND NOT " + gone + " OR " + differs + " OR " + exists
        + " AND " + gone + ")\nFROM " + q(STATE_TABLE) + " AS d";
  }

  /**
   * A matched group's stored row differs from its new one: some user or state column's text differs
   * (text, so that a value PostgreSQL calls equal but prints otherwise, 1.5 and 1.50, is still written).
   * Unchanged groups are not updated: a FULL refresh rewrites none of them, and the stream tables
   * reading this one see only the groups that changed.
   */
  private String valuesDiffer() {
    List<String> values = new ArrayList<>(userColumns);
    values.addAll(stateColumns());
    return valuesDiffer(values);
  }

  /** Some of {@code columns} differs, by its text, between the stored row {@code st} and the new one {@code d}. */
  private static String valuesDiffer(List<String> columns) {
    return String.join("\n  OR ", map(columns, c -> col("st", c) + "::text IS DISTINCT FROM " + col("d", c) + "::text"));
  }

  /**
   * How a row {@code d} of {@value #STATE_TABLE} finds its stored row {@code st}: by its address (a differential
   * refresh's, {@value #ROW}), or by its identity hash and keys (a full refresh's).
   */
  private String matching(boolean byRow) {
    return byRow ? "st.ctid = d." + q(ROW)
        : "st." + q(HiddenColumns.HASH) + " = d." + q(HiddenColumns.HASH) + "\n  AND "
            + SqlText.sameValues("st", "d", keyColumns());
  }

  /**
   * The stored rows of {@code alias} that {@value #STATE_TABLE}'s groups were found at, as one list of addresses: a
   * scan of those rows alone, in the table's order (a TID scan). Joined by address, PostgreSQL hashed the groups and
   * scanned the whole stored table wherever its cost model, which prices each address read as a random page,
   * preferred that: TPC-H Q13's 5,600 changed customers of 150,000 read through the table twice per state table (20
   * ms a read, 5 by address); 20,000 groups of 1.5 million, 190 ms against 20.
   */
  private static String storedRows(String alias) {
    return alias + ".ctid = ANY (ARRAY(SELECT g." + q(ROW) + " FROM " + q(STATE_TABLE) + " AS g WHERE g." + q(ROW)
        + " IS NOT NULL))";
  }

  /**
   * Step 3: the MERGE applying {@value #STATE_TABLE}, made by a differential refresh ({@code byRow}: the stored
   * rows found at their addresses) or a full one.
   */
  public String apply(boolean byRow) {
    List<String> all = storedColumns();
    String on = byRow ? matching(true) + "\n  AND " + storedRows("st") : matching(false);
    // A differential refresh's source: its groups with a stored row, in the order of their addresses. New groups (NULL
    // address) are inserted by insertNewGroups: as a MERGE's source, PostgreSQL hashed them all under the one hash of
    // NULL for a right join (a large window), a batch that could not be split (TPC-H Q18's MERGE of 378,000 groups at
    // 10% of SF-1: 22-71 s). Sorted, the stored rows are written in the table's order (a merge join of two sorted
    // lists, or lookups in that order); in the groups' order, a large window's MERGE into a table larger than the
    // buffer cache ran 2-3 times as long.
    String source = byRow
        ? "(SELECT * FROM " + q(STATE_TABLE) + " WHERE " + q(ROW) + " IS NOT NULL ORDER BY " + q(ROW) + ")"
        : q(STATE_TABLE);
    List<MergeStatement.When> whens = new ArrayList<>();
    if (!keys.isEmpty()) {
      whens.add(new MergeStatement.Delete("d." + q(HiddenColumns.COUNT) + " = 0"));
    }
    whens.add(new MergeStatement.Update("(" + valuesDiffer() + ")", map(all, SqlText::q), map(all, c -> col("d", c))));
    whens.add(new MergeStatement.Insert(keys.isEmpty() ? "" : "d." + q(HiddenColumns.COUNT) + " > 0",
        map(all, SqlText::q), map(all, c -> col("d", c))));
    return MergePrinter.print(new MergeStatement("", targetName(), "st", source, "d", on, whens));
  }

  /**
   * After a differential refresh's {@link #apply}: the groups it found no stored row for ({@value #ROW} NULL), with
   * rows (a scalar aggregate's one group even without).
   */
  public String insertNewGroups() {
    List<String> all = storedColumns();
    return "INSERT INTO " + targetName() + " (" + join(map(all, SqlText::q)) + ")\nSELECT "
        + join(map(all, c -> col("d", c))) + "\nFROM " + q(STATE_TABLE) + " AS d\nWHERE d." + q(ROW) + " IS NULL"
        + (keys.isEmpty() ? "" : " AND d." + q(HiddenColumns.COUNT) + " > 0");
  }
}
