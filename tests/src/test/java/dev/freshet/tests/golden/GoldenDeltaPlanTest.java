package dev.freshet.tests.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.codegen.sql.PlanPrinter;
import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.rules.ChangedSet;
import dev.freshet.rules.rel.ChangeTables;
import dev.freshet.rules.rel.StateTables;
import dev.freshet.rules.shape.MaintenanceShape;
import dev.freshet.rules.shape.ShapeAnalyzer;
import dev.freshet.rules.shape.Stratum;
import dev.freshet.runtime.streamtable.CompiledStreamTable;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Golden delta plans: for each defining query, the logical plan, and for each changed set the delta
 * plan, its SQL and the terms pruned (DESIGN.md §4, §5), the plans also as {@code explain} prints them for
 * people ({@code printedPlan}, {@code printedDeltaPlan[…]}), compared with {@code GoldenDeltaPlanTest.xml}
 * (see {@link GoldenFile}). Every delta rule has a case where it fires and one where it does not.
 * Every case also runs: the stream table is created, each changed set is applied as a refresh window
 * that changes exactly those sources, and the refresh is checked by the oracle (DESIGN.md §7).
 *
 * <p>Rules and their cases (fires / does not fire):
 * <ul>
 *   <li>ScanDeltaRule: {@code scanOfChangedSource}, {@code scanOfKeylessSource} /
 *       {@code scanOfUnchangedSourceIsPruned};</li>
 *   <li>FilterDeltaRule: {@code filterOnChangedSource} / {@code filterOnUnchangedSource};</li>
 *   <li>ProjectDeltaRule: {@code projectWithCaseAndArithmetic} / {@code projectOnUnchangedSource};</li>
 *   <li>JoinDeltaRule: {@code twoWayJoin}, {@code threeWayJoin}, {@code keylessJoinBothSidesChanged},
 *       {@code selfJoinNamesEachCopy} /
 *       {@code joinInUnchangedBranchIsPruned}, {@code leftJoinIsRefused};</li>
 *   <li>UnionDeltaRule: {@code unionAllOneBranchChanged}, {@code valuesBranchIsNeverADelta} /
 *       {@code unionAllInUnchangedJoinSide}, {@code unionWithoutAll};</li>
 *   <li>UnchangedDeltaRule: every window with an unchanged source / the all-changed windows;</li>
 *   <li>aggregate inputs: {@code groupedAggregateInput}, {@code groupedAggregateOverJoin},
 *       {@code scalarAggregateInput};</li>
 *   <li>state tables (aggregates inside the query, DESIGN.md §4): {@code havingOverJoinKeepsItsGroupsInAStateTable},
 *       {@code inSubQueryKeepsItsKeysInAStateTable}, with the refresh program of each window;</li>
 *   <li>LeftJoinToOneRowRule (normalization): {@code scalarSubQueryInSelectIsACrossJoin} /
 *       {@code correlatedScalarInSelectStaysALeftJoin};</li>
 *   <li>RestrictScalarComparisons (a pass after the rules): {@code comparisonWithAChangedScalarIsBounded} /
 *       {@code scalarSubQueryInSelectIsACrossJoin} (the value is returned, not only compared);</li>
 *   <li>SharedDeltaLookups (printing): {@code filteredLookupOfAChangeTableIsSharedByItsTerms} (two changed
 *       sources / one).</li>
 * </ul>
 */
@PostgresTest
class GoldenDeltaPlanTest {

  private static final GoldenFile GOLDEN = GoldenFile.of(GoldenDeltaPlanTest.class);

  private static final List<String> TABLES = List.of("customer", "orders", "lineitem", "event");

  @BeforeAll
  static void createSchema(TestDatabase db) throws Exception {
    db.execute(
        "CREATE TABLE customer (c_custkey int PRIMARY KEY, c_name text NOT NULL, c_nation text)",
        "CREATE TABLE orders (o_orderkey int PRIMARY KEY, o_custkey int NOT NULL, o_status text NOT NULL, "
            + "o_total numeric(10,2), o_date date NOT NULL)",
        "CREATE TABLE lineitem (l_orderkey int, l_linenumber int, l_qty int NOT NULL, "
            + "l_price numeric(10,2) NOT NULL, PRIMARY KEY (l_orderkey, l_linenumber))",
        // keyless: duplicates and NULLs are legal
        "CREATE TABLE event (e_custkey int, e_kind text NOT NULL, e_amount int)");
  }

  /** The same rows before every case; TRUNCATE is captured, but only by earlier cases' stream tables. */
  @BeforeEach
  void loadRows(TestDatabase db) throws Exception {
    db.execute(
        "TRUNCATE " + String.join(", ", TABLES),
        "INSERT INTO customer VALUES (1, 'alice', 'FR'), (2, 'bob', 'DE'), (3, 'carol', NULL), "
            + "(4, 'dave', 'FR'), (5, 'erin', 'US'), (6, 'frank', 'DE')",
        "INSERT INTO orders SELECT k, k % 6 + 1, CASE WHEN k % 3 = 0 THEN 'F' ELSE 'O' END, "
            + "CASE WHEN k = 5 THEN NULL ELSE k * 4.25 END, date '2024-01-01' + k FROM generate_series(1, 9) k",
        "INSERT INTO lineitem SELECT o, n, o + n, (o * n) % 7 + 0.50 "
            + "FROM generate_series(1, 9) o, generate_series(1, 2) n",
        "INSERT INTO event VALUES (1, 'view', 5), (1, 'view', 5), (2, 'buy', 20), (3, 'view', NULL), "
            + "(3, 'view', NULL), (NULL, 'view', 1), (4, 'buy', 7)");
  }

  /**
   * Changes of one source in window {@code round}: an insert, an update and a delete. Updates move
   * join keys and filter columns; keyless rows lose one of two duplicates.
   */
  private static List<String> changes(String table, int round) {
    int r = round;
    return switch (table) {
      case "customer" -> List.of(
          "INSERT INTO customer VALUES (" + (10 + r) + ", 'new" + r + "', 'FR')",
          "UPDATE customer SET c_name = c_name || '+', c_nation = CASE WHEN c_nation = 'FR' THEN 'DE' "
              + "ELSE 'FR' END WHERE c_custkey = " + (r + 1),
          "DELETE FROM customer WHERE c_custkey = " + (6 - r));
      case "orders" -> List.of(
          "INSERT INTO orders VALUES (" + (100 + r) + ", " + (r + 2) + ", 'O', " + (15 + r) + ".50, "
              + "date '2024-02-01')",
          "UPDATE orders SET o_custkey = o_custkey % 6 + 1, o_total = o_total + 1, "
              + "o_status = CASE o_status WHEN 'O' THEN 'F' ELSE 'O' END WHERE o_orderkey = " + (r + 1),
          "DELETE FROM orders WHERE o_orderkey = " + (9 - r));
      case "lineitem" -> List.of(
          "INSERT INTO lineitem VALUES (" + (100 + r) + ", 1, 2, 3.50), (" + (r + 1) + ", 3, 1, 9.00)",
          "UPDATE lineitem SET l_qty = l_qty + 1 WHERE l_orderkey = " + (r + 2),
          "DELETE FROM lineitem WHERE l_orderkey = " + (8 - r) + " AND l_linenumber = 1");
      case "event" -> List.of(
          "INSERT INTO event VALUES (" + (r + 1) + ", 'view', 5), (" + (r + 1) + ", 'view', 5)",
          "UPDATE event SET e_amount = coalesce(e_amount, 0) + 1 WHERE e_custkey = 3",
          "DELETE FROM event WHERE ctid = (SELECT min(ctid) FROM event WHERE e_custkey = 1)");
      default -> throw new IllegalArgumentException(table);
    };
  }

  /** A refresh window in which exactly {@code tables} change. */
  private record Window(Set<String> tables) {
    Window {
      tables = new TreeSet<>(tables);
      if (!TABLES.containsAll(tables) || tables.isEmpty()) {
        throw new IllegalArgumentException("unknown or no tables: " + tables);
      }
    }

    String label() {
      return "[" + String.join(",", tables) + "]";
    }

    ChangedSet changedSet() {
      return ChangedSet.of(tables.stream().map(t -> List.of("public", t)).collect(Collectors.toSet()));
    }
  }

  private static Window changing(String... tables) {
    return new Window(Set.of(tables));
  }

  // ---- ScanDeltaRule ---------------------------------------------------------------------------------

  @Test
  void scanOfChangedSource(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, "SELECT o_orderkey, o_custkey, o_status, o_total FROM orders", changing("orders"));
  }

  @Test
  void scanOfKeylessSource(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, "SELECT e_custkey, e_kind, e_amount FROM event", changing("event"));
  }

  @Test
  void scanOfUnchangedSourceIsPruned(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT e.e_kind, e.e_amount, c.c_name
        FROM event e JOIN customer c ON e.e_custkey = c.c_custkey""", changing("event"));
  }

  // ---- FilterDeltaRule -------------------------------------------------------------------------------

  @Test
  void filterOnChangedSource(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, "SELECT o_orderkey, o_total FROM orders WHERE o_status = 'O' AND o_total > 10",
        changing("orders"));
  }

  @Test
  void filterOnUnchangedSource(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT o.o_orderkey, c.c_name
        FROM orders o JOIN customer c ON o.o_custkey = c.c_custkey
        WHERE c.c_nation = 'FR'""", changing("orders"));
  }

  // ---- ProjectDeltaRule ------------------------------------------------------------------------------

  @Test
  void projectWithCaseAndArithmetic(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT o_orderkey,
               CASE WHEN o_status = 'F' THEN 'done' ELSE 'open' END AS state,
               o_total * 2 + 1 AS doubled,
               o_total - o_total / 10 AS net
        FROM orders""", changing("orders"));
  }

  @Test
  void projectOnUnchangedSource(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT l.l_orderkey, l.l_linenumber, x.label
        FROM lineitem l
        JOIN (SELECT o_orderkey, upper(o_status) || '-' || o_orderkey AS label FROM orders) x
          ON l.l_orderkey = x.o_orderkey""", changing("lineitem"));
  }

  // ---- JoinDeltaRule ---------------------------------------------------------------------------------

  @Test
  void twoWayJoin(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT o.o_orderkey, o.o_total, c.c_name
        FROM orders o JOIN customer c ON o.o_custkey = c.c_custkey""",
        changing("orders"), changing("customer"), changing("customer", "orders"));
  }

  @Test
  void threeWayJoin(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT l.l_orderkey, l.l_linenumber, l.l_qty * l.l_price AS amount, o.o_status, c.c_name
        FROM lineitem l
        JOIN orders o ON l.l_orderkey = o.o_orderkey
        JOIN customer c ON o.o_custkey = c.c_custkey""",
        changing("lineitem"), changing("orders"), changing("customer"),
        changing("customer", "lineitem", "orders"));
  }

  /**
   * When line items and customers change together, both terms of the changed line items look up their open
   * orders alike ({@code Δlineitem ⋈ σ(orders)}, once with the customers' new rows, once with the old): the
   * statement does it once, {@code WITH "Δlineitem ⋈ orders" (…) AS MATERIALIZED}, and both read it
   * (SharedDeltaLookups); a window of line items alone has one such term, and no WITH.
   */
  @Test
  void filteredLookupOfAChangeTableIsSharedByItsTerms(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT l.l_orderkey, l.l_qty, c.c_name
        FROM lineitem l
        JOIN orders o ON l.l_orderkey = o.o_orderkey
        JOIN customer c ON o.o_custkey = c.c_custkey
        WHERE o.o_status = 'O'""", changing("lineitem"), changing("customer", "lineitem"));
  }

  /**
   * A filtered lookup keyed through equal columns comes before the fan-out: each changed event names its customer
   * ({@code c_custkey = o_custkey = e_custkey}), so the term looks the customer up first, filtered, then its orders
   * and their line items (ColumnClasses; TPC-H Q9's changed supplies, whose green parts come before their line
   * items). When line items change too, both terms of the changed events do that alike, once with the line items'
   * new rows, once with their changes, and the statement does it once, {@code WITH "Δevent ⋈ customer" (…) AS
   * MATERIALIZED}. A window of events alone has one such term, and no WITH.
   */
  @Test
  void filteredLookupByAnEqualKeyComesBeforeTheFanOut(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT c.c_name, e.e_kind, l.l_qty
        FROM event e
        JOIN orders o ON o.o_custkey = e.e_custkey
        JOIN customer c ON c.c_custkey = o.o_custkey
        JOIN lineitem l ON l.l_orderkey = o.o_orderkey
        WHERE c.c_nation = 'FR'""", changing("event"), changing("event", "lineitem"));
  }

  /**
   * A self-join (one table read twice, once under a sub-query's name) with unnamed expressions: each copy of
   * orders, and of its change table, is named apart in the delta SQL and the printed plans ("Δorders",
   * "Δorders_2", "orders", "orders_2"), each join condition names its sides, and the unnamed
   * {@code o_total * 2} is {@code expr}, never Calcite's names ({@code $f1}, {@code EXPR$1}, {@code "orders0"}).
   */
  @Test
  void selfJoinNamesEachCopy(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT o.o_status, sum(o.o_total * 2), count(*)
        FROM orders o JOIN (SELECT o_orderkey AS k FROM orders WHERE o_custkey > 1) s ON s.k = o.o_orderkey
        GROUP BY o.o_status""", changing("orders"));
  }

  @Test
  void keylessJoinBothSidesChanged(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT e.e_kind, e.e_amount, c.c_name
        FROM event e JOIN customer c ON e.e_custkey = c.c_custkey""", changing("customer", "event"));
  }

  @Test
  void joinInUnchangedBranchIsPruned(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT e_custkey AS custkey, e_kind AS label FROM event
        UNION ALL
        SELECT o.o_custkey, c.c_name FROM orders o JOIN customer c ON o.o_custkey = c.c_custkey""",
        changing("event"));
  }

  // ---- OuterJoinExpansionRule, UnmatchedRowsFilterRule, AntiJoinDeltaRule -------------------------

  /**
   * A LEFT join is the inner join plus the unmatched rows padded with NULLs; which rows are unmatched
   * follows the distinct join keys of the right side (customer is unique on them: no state table).
   */
  @Test
  void leftJoinEitherSideChanged(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT o.o_orderkey, c.c_name
        FROM orders o LEFT JOIN customer c ON o.o_custkey = c.c_custkey""", changing("orders"),
        changing("customer"), changing("customer", "orders"));
  }

  /** A FULL join: both sides' unmatched rows; event's keys repeat, so their distinct values are a state table. */
  @Test
  void fullJoinOnARepeatedKey(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT c.c_custkey, c.c_name, e.e_kind
        FROM customer c FULL JOIN event e ON e.e_custkey = c.c_custkey AND e.e_kind <> 'x'""",
        changing("event"), changing("customer", "event"));
  }

  /** NOT EXISTS: only the unmatched part; a row of customer appears when the last event of its key leaves. */
  @Test
  void notExistsIsAnAntiJoin(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT c.c_custkey, c.c_name FROM customer c
        WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.e_custkey = c.c_custkey)""",
        changing("event"), changing("customer"));
  }

  /** An outer join comparing its two sides by other than equality has no distinct keys to follow. */
  @Test
  void leftJoinOnAnInequalityIsRefused(TestDatabase db, TestInfo info) throws Exception {
    goldenRefusal(db, info, """
        SELECT o.o_orderkey, c.c_name
        FROM orders o LEFT JOIN customer c ON o.o_custkey < c.c_custkey""", changing("orders"));
  }

  // ---- UnionDeltaRule --------------------------------------------------------------------------------

  @Test
  void unionAllOneBranchChanged(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT c_custkey AS k, c_name AS label FROM customer
        UNION ALL
        SELECT o_orderkey, o_status FROM orders""", changing("orders"), changing("customer", "orders"));
  }

  @Test
  void valuesBranchIsNeverADelta(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT e_custkey, e_kind FROM event
        UNION ALL
        VALUES (0, 'seed'), (NULL, 'none')""", changing("event"));
  }

  @Test
  void unionAllInUnchangedJoinSide(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT o.o_orderkey, u.k
        FROM orders o
        JOIN (SELECT c_custkey AS k FROM customer UNION ALL SELECT e_custkey FROM event) u
          ON o.o_custkey = u.k""", changing("orders"), changing("event"));
  }

  @Test
  void unionWithoutAll(TestDatabase db, TestInfo info) throws Exception {
    goldenRefusal(db, info, """
        SELECT c_custkey AS k FROM customer
        UNION
        SELECT e_custkey FROM event""", changing("event"));
  }

  // ---- aggregate inputs ------------------------------------------------------------------------------

  @Test
  void groupedAggregateInput(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT o_custkey, count(*) AS n, sum(o_total) AS total, min(o_date) AS first_date
        FROM orders WHERE o_status <> 'X'
        GROUP BY o_custkey""", changing("orders"));
  }

  @Test
  void groupedAggregateOverJoin(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT c.c_nation, count(*) AS n, sum(l.l_qty * l.l_price) AS revenue
        FROM lineitem l
        JOIN orders o ON l.l_orderkey = o.o_orderkey
        JOIN customer c ON o.o_custkey = c.c_custkey
        GROUP BY c.c_nation""", changing("lineitem"), changing("customer", "lineitem", "orders"));
  }

  @Test
  void scalarAggregateInput(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT count(*) AS n, sum(e_amount) AS total, max(e_amount) AS biggest
        FROM event WHERE e_kind = 'view'""", changing("event"));
  }

  // ---- the reference file ----------------------------------------------------------------------------

  /** A HAVING over a join: the groups are a state table (stored state), the stream table a bag over it. */
  @Test
  void havingOverJoinKeepsItsGroupsInAStateTable(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT c.c_nation, count(*) AS n
        FROM orders o
        JOIN customer c ON o.o_custkey = c.c_custkey
        GROUP BY c.c_nation
        HAVING count(*) >= 2""", changing("orders"), changing("customer", "orders"));
  }

  /** An IN sub-query: its distinct keys are a state table joined to the outer rows. */
  @Test
  void inSubQueryKeepsItsKeysInAStateTable(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT o.o_orderkey, o.o_total
        FROM orders o
        WHERE o.o_orderkey IN (SELECT l.l_orderkey FROM lineitem l WHERE l.l_qty > 5)""",
        changing("lineitem"), changing("lineitem", "orders"));
  }

  /**
   * A scalar sub-query in the select list: a LEFT join ON TRUE to a one-row aggregate, made inner
   * (LeftJoinToOneRowRule fires); the aggregate is a state table.
   */
  @Test
  void scalarSubQueryInSelectIsACrossJoin(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT c.c_custkey, (SELECT max(e.e_amount) FROM event e) AS biggest
        FROM customer c""", changing("event"), changing("customer", "event"));
  }

  /**
   * Rows compared with a scalar sub-query: when the aggregate changes, only the rows between its old and its
   * new value are compared again (RestrictScalarComparisons; the bounds are sub-queries over its change).
   */
  @Test
  void comparisonWithAChangedScalarIsBounded(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT o.o_orderkey, o.o_total FROM orders o
        WHERE o.o_total > (SELECT avg(o2.o_total) FROM orders o2 WHERE o2.o_status = 'F')""", changing("orders"));
  }

  /**
   * A correlated scalar sub-query in the select list: a LEFT join to a grouped aggregate, which may have no
   * row for a customer, stays LEFT (LeftJoinToOneRowRule does not fire) and is expanded; the aggregate is
   * unique on its key, so it is its own set of distinct keys.
   */
  @Test
  void correlatedScalarInSelectStaysALeftJoin(TestDatabase db, TestInfo info) throws Exception {
    golden(db, info, """
        SELECT c.c_custkey, (SELECT max(e.e_amount) FROM event e WHERE e.e_custkey = c.c_custkey) AS biggest
        FROM customer c""", changing("event"), changing("customer", "event"));
  }

  @Test
  void referenceFileIsSortedAndHasNoOrphans() {
    GOLDEN.checkStructure();
  }

  // ---- the harness -----------------------------------------------------------------------------------

  /**
   * Creates the stream table, checks its golden resources, then runs each window: changes exactly its
   * sources, refreshes differentially and runs the oracle.
   */
  private static void golden(TestDatabase db, TestInfo info, String sql, Window... windows) throws Exception {
    String testCase = info.getTestMethod().orElseThrow().getName();
    String name = tableName(testCase);
    try (Connection c = db.connect()) {
      long id = StreamTables.create(c, name, sql, Mode.DIFFERENTIAL, null).id();
      CompiledStreamTable compiled = StreamTables.compiled(c, name);
      SequencedMap<String, String> resources = new LinkedHashMap<>() {
        @Override
        public String put(String key, String value) { // state tables are named for the id: the order of cases
          return super.put(key, value.replace(StateTables.prefix(id), "st_<id>_"));
        }
      };
      resources.put("sql", sql);
      resources.put("logicalPlan", RelOptUtil.toString(compiled.plan().orElseThrow().rel()));
      // as explain prints it for people: SQL's names, PostgreSQL's types, each join's sides named
      resources.put("printedPlan", PlanPrinter.print(compiled.plan().orElseThrow().rel(), compiled.columnNames()));
      resources.put("shape", describe(compiled.shape().orElseThrow()));
      List<String> pruned = new ArrayList<>();
      for (Stratum stratum : compiled.strata()) {
        resources.put("statePlan[" + stratum.ordinal() + "]", RelOptUtil.toString(stratum.shape().aggregate()));
      }
      for (Window window : windows) {
        ChangedSet set = compiled.withChangedStrata(window.changedSet());
        for (Stratum stratum : compiled.strata()) {
          if (set.contains(stratum.stateTable())) {
            resources.put("stateDeltaSql[" + stratum.ordinal() + "]" + window.label(),
                compiled.stratumDeltaSql(stratum, set));
          }
        }
        RelNode delta = compiled.deltaPlan(set);
        String deltaSql = compiled.deltaSql(set);
        resources.put("deltaPlan" + window.label(), RelOptUtil.toString(delta));
        resources.put("printedDeltaPlan" + window.label(), PlanPrinter.print(delta, List.of()));
        resources.put("deltaSql" + window.label(), deltaSql);
        if (!compiled.strata().isEmpty()) { // the order of state tables and stream table in one refresh
          resources.put("refreshProgram" + window.label(), compiled.differentialProgram(window.changedSet(),
              StreamTables.storedColumns(c, compiled)).sql());
        }
        pruned.add(pruned(compiled, window, set, delta, deltaSql));
      }
      resources.put("pruned", String.join("\n", pruned));
      GOLDEN.check(testCase, resources);

      for (int round = 0; round < windows.length; round++) {
        apply(c, windows[round], round);
        RefreshReport report = Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
        assertEquals(windows[round].tables().stream().map(t -> dev.freshet.planner.sql.Quoting.qualified("public", t)).toList(),
            report.changedSources().stream().sorted().toList(), report::toString);
      }
    }
  }

  /**
   * A query no delta rule maintains: DIFFERENTIAL is refused with the golden reason; AUTO falls back
   * to FULL, recording the reason, and refreshes correctly.
   */
  private static void goldenRefusal(TestDatabase db, TestInfo info, String sql, Window window) throws Exception {
    String testCase = info.getTestMethod().orElseThrow().getName();
    String name = tableName(testCase);
    try (Connection c = db.connect()) {
      LogicalPlan plan = QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(sql);
      Refusal expected = ShapeAnalyzer.analyze(plan).refusal().orElseThrow(() ->
          new AssertionError("not refused by the shape analyzer: " + sql));
      SequencedMap<String, String> resources = new LinkedHashMap<>();
      resources.put("sql", sql);
      resources.put("logicalPlan", RelOptUtil.toString(plan.rel()));
      resources.put("refusal", expected.summary());
      GOLDEN.check(testCase, resources);

      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> StreamTables.create(c, name, sql, Mode.DIFFERENTIAL, null));
      assertEquals(expected, refused.refusal());
      assertTrue(StreamTables.list(c).stream().noneMatch(st -> st.name().name().equals(name)),
          "a refused stream table is not created");
      StreamTables.create(c, name, sql, Mode.AUTO, null);
      apply(c, window, 0);
      RefreshReport report = Oracle.refreshAndCheck(c, name, Mode.FULL);
      assertEquals(Optional.of(expected.reasonLine()), report.fallbackReason(), report::toString);
    }
  }

  private static void apply(Connection c, Window window, int round) throws Exception {
    try (Statement s = c.createStatement()) {
      for (String table : window.tables()) {
        for (String statement : changes(table, round)) {
          s.execute(statement);
        }
      }
    }
  }

  /**
   * One line per window: the sources whose terms are absent (their Δ is empty: only their current
   * state is read, by other terms), constant VALUES dropped, and every scan the delta plan still reads
   * (a change table ΔR once per term of R and once per pre-state of R). Asserts that pruned terms are
   * absent from plan and SQL, and that clean-up left no empty input behind.
   */
  private static String pruned(CompiledStreamTable compiled, Window window, ChangedSet set, RelNode delta,
      String deltaSql) {
    Map<String, Integer> scans = new TreeMap<>();
    int[] emptyValues = {0};
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof TableScan scan) {
          scans.merge(scanLabel(scan.getTable().getQualifiedName()), 1, Integer::sum);
        } else if (node instanceof Values values && values.getTuples().isEmpty()) {
          emptyValues[0]++;
        }
        super.visit(node, ordinal, parent);
      }
    }.go(delta);
    int valuesInQuery = countConstantValues(compiled.shape().orElseThrow().input());
    int valuesInDelta = countConstantValues(delta);
    assertEquals(0, valuesInDelta, () -> "VALUES never change, yet a delta reads them:\n" + RelOptUtil.toString(delta));
    boolean allPruned = compiled.deltaIsEmpty(set);
    if (!allPruned) {
      assertEquals(0, emptyValues[0], () -> "an empty input survived clean-up:\n" + RelOptUtil.toString(delta));
    }
    List<String> prunedSources = new ArrayList<>();
    for (CompiledStreamTable.Source source : compiled.sources()) {
      String table = source.name().get(1);
      String changeTable = String.join(".", ChangeTables.name(source.name()));
      boolean read = scans.containsKey("Δ" + table);
      boolean readAbove = ChangeTables.readsChanged(compiled.shape().orElseThrow().input(),
          ChangedSet.of(java.util.Set.of(source.name()))); // else read only inside a state table
      if (window.tables().contains(table)) {
        assertTrue(read || allPruned || !readAbove, () -> "changed source " + table + " has no term:\n"
            + RelOptUtil.toString(delta));
      } else {
        assertFalse(read, () -> "unchanged source " + table + " still has a term:\n" + RelOptUtil.toString(delta));
        assertFalse(deltaSql.contains(changeTable.substring(changeTable.indexOf('.') + 1)),
            () -> "the delta SQL reads the change table of unchanged " + table + ":\n" + deltaSql);
        prunedSources.add(table);
      }
    }
    prunedSources.sort(null);
    String reads = scans.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.comparing((String k) -> !k.startsWith("Δ"))
            .thenComparing(k -> k.startsWith("Δ") ? k.substring(1) : k)))
        .map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(", "));
    if (allPruned) {
      return window.label() + ": all terms pruned (empty delta)";
    }
    List<String> gone = new ArrayList<>();
    if (!prunedSources.isEmpty()) {
      gone.add("terms of " + String.join(", ", prunedSources) + " pruned");
    }
    if (valuesInQuery > 0) {
      gone.add("VALUES pruned");
    }
    return window.label() + ": " + (gone.isEmpty() ? "no term pruned" : String.join(", ", gone))
        + "; scans " + reads;
  }

  private static int countConstantValues(RelNode rel) {
    int[] count = {0};
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof Values values && !values.getTuples().isEmpty()) {
          count[0]++;
        }
        super.visit(node, ordinal, parent);
      }
    }.go(rel);
    return count[0];
  }

  /** {@code Δorders} for a change table, {@code orders} for a source in {@code public}. */
  private static String scanLabel(List<String> qualifiedName) {
    String schema = qualifiedName.get(0);
    String table = qualifiedName.get(qualifiedName.size() - 1);
    if (schema.equals(ChangeTables.TEMP_SCHEMA) && table.startsWith("Δpublic.")) {
      return "Δ" + table.substring("Δpublic.".length());
    }
    return schema.equals("public") ? table : String.join(".", qualifiedName);
  }

  private static String describe(MaintenanceShape shape) {
    return switch (shape) {
      case MaintenanceShape.Bag bag -> "Bag";
      case MaintenanceShape.TopK topK -> "TopK, ORDER BY columns " + topK.orderKeys() + "\n"
          + RelOptUtil.toString(topK.topN()).strip();
      case MaintenanceShape.Grouped grouped -> {
        List<String> calls = new ArrayList<>();
        List<AggregateCall> aggCalls = grouped.aggregate().getAggCallList();
        for (int i = 0; i < aggCalls.size(); i++) {
          calls.add(aggCalls.get(i).toString() + " " + grouped.classes().get(i));
        }
        yield (grouped.scalar() ? "Grouped, scalar" : "Grouped by " + grouped.aggregate().getGroupSet())
            + ": " + String.join(", ", calls) + "\nfinisher: " + grouped.finisher();
      }
    };
  }

  /** {@code twoWayJoin} → {@code golden_two_way_join}. */
  private static String tableName(String testCase) {
    return "golden_" + testCase.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
