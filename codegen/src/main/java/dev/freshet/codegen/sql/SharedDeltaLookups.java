package dev.freshet.codegen.sql;

import dev.freshet.rules.expand.JoinKeys;
import dev.freshet.rules.rel.ChangeTables;
import dev.freshet.rules.rel.StateTables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlExplainLevel;

/**
 * The filtered lookups of a change table that several delta terms of one statement do alike, computed once: each
 * becomes a {@code WITH … AS MATERIALIZED} the terms read.
 *
 * <p>A delta term runs from its change table through lookups ({@code DeltaFirstJoinOrderRule}): first the
 * filtered tables joined on a key of theirs, which keep fewer rows ({@code ΔL ⋈ σ(part)}). When several sources
 * change, every term of one source's change table starts so, once per combination of the others' old and new
 * rows: TPC-H Q8's program for line items, orders and customers has four terms that join {@code Δlineitem} with
 * the parts of one type, and PostgreSQL scanned {@code part} for each (15 ms a scan at SF-1; the statement 127-135
 * ms, 94-98 with the join done once). Planned on its own, the shared join starts from the change table as any
 * term would: a one-row change looks its part up by key.
 *
 * <p>Shared: a join whose left input is a change table (under filters and projections) and whose right input is
 * a filtered table of at most {@link #LARGEST_SHARED_FRACTION} of the rows of the statement's largest table (or of
 * at most {@link #ALWAYS_SHARED_ROWS}) that each left row matches at most once ({@link JoinKeys#matchesAtMostOnce}), or such a join of one, when at least two places
 * in the plan have it alike.
 * Such a join has at most as many rows as the change table, so materializing it costs no more than reading that.
 *
 * <p>The left input may also be a change table joined by equality with a table its rows match many times, when the
 * filtered lookup follows at once ({@code (Δpartsupp ⋈ lineitem) ⋈ σ(part)}): TPC-H Q9's terms of changed supplies,
 * one with the orders' new rows and one with their changes, each looked up the line items of the 3,000 changed
 * supplies (25,000 rows by index at SF-1) and their green parts, 97 and 70 ms, where the second term only had to
 * meet the 1,200 rows the first had found. Only when the lookup's keys are the change table's own, or equated with
 * them by the fan-out ({@link #keyedByTheChangeTable}). The fan-out alone is not shared: it may hold many times the
 * change table's rows, where the filtered lookup keeps what the terms read. Since the join order follows equal
 * columns ({@code dev.freshet.rules.order.ColumnClasses}), Q9's terms look the green parts up before the line items,
 * and this form is left to keys the order does not equate (character keys, keys of two types).
 */
final class SharedDeltaLookups {

  /**
   * The most rows (PostgreSQL's estimate) of a table whose filtered lookup is shared, as a fraction of the rows of the
   * largest table the statement reads. What sharing saves is the scan of the table that PostgreSQL hashes for each
   * term when the window is large; a larger table is looked up by index in each term instead, and a shared lookup of
   * it only takes from PostgreSQL the choice of joining something else first: TPC-H Q5's {@code Δlineitem ⋈ orders}
   * (orders a quarter of the line items' rows, a year of them kept) made its program 17% slower, where Q8's
   * {@code Δlineitem ⋈ part} (parts a thirtieth, one type) made its 18% faster. A fraction, not a number of rows (a
   * million until 2026-12-07, a sixth of SF-1's line items): at SF-10 the two million parts were above it, and
   * Q8's and Q9's terms looked the parts up by key once per term where SF-1 did it once (docs/benchmarks.md); the
   * same tables share alike at every scale. A table of at most {@link #ALWAYS_SHARED_ROWS} rows is shared whatever
   * the others' sizes.
   */
  static final double LARGEST_SHARED_FRACTION = 1.0 / 6;

  /** The rows of a table whose filtered lookup is shared however small the statement's other tables are. */
  static final double ALWAYS_SHARED_ROWS = 100_000;

  private SharedDeltaLookups() {
  }

  /** A shared join: the name the terms read it by, and its plan. */
  record Shared(String name, RelNode plan) {
  }

  /** {@code rel} reading each shared join as a table of its name, and the shared joins, innermost first. */
  record Result(RelNode rel, List<Shared> shared) {
  }

  static Result share(RelNode rel) {
    double largest = Math.max(ALWAYS_SHARED_ROWS, largestTable(rel) * LARGEST_SHARED_FRACTION);
    if (readsStateOutsideLookups(rel, largest)) {
      return new Result(rel, List.of());
    }
    Map<String, Integer> places = new HashMap<>();
    Map<String, RelNode> plans = new LinkedHashMap<>(); // innermost first
    collect(rel, places, plans, largest);
    Map<String, String> names = new HashMap<>();
    Set<String> taken = new LinkedHashSet<>();
    for (Map.Entry<String, RelNode> candidate : plans.entrySet()) {
      if (places.get(candidate.getKey()) >= 2) {
        names.put(candidate.getKey(), TableAliases.unique(TableAliases.fit(name(candidate.getValue())), taken));
      }
    }
    if (names.isEmpty()) {
      return new Result(rel, List.of());
    }
    RelShuttleImpl reading = new RelShuttleImpl() {
      @Override
      public RelNode visit(LogicalJoin join) {
        String name = names.get(key(join));
        return name != null ? scan(join, name) : super.visit(join);
      }
    };
    List<Shared> shared = new ArrayList<>();
    for (Map.Entry<String, RelNode> candidate : plans.entrySet()) {
      String name = names.get(candidate.getKey());
      if (name != null) { // its inputs read the shared joins inside it
        RelNode join = candidate.getValue();
        shared.add(new Shared(name, join.copy(join.getTraitSet(),
            join.getInputs().stream().map(input -> input.accept(reading)).toList())));
      }
    }
    return new Result(rel.accept(reading), shared);
  }

  /**
   * Counts the places of each shareable join under {@code rel}, those inside one too; innermost first. A filtered
   * table of more than {@code largest} rows is not shared.
   */
  private static void collect(RelNode rel, Map<String, Integer> places, Map<String, RelNode> plans, double largest) {
    for (RelNode input : rel.getInputs()) {
      collect(input, places, plans, largest);
    }
    if (rel instanceof Join join && isLookupOfChanges(join, largest)) {
      String key = key(join);
      places.merge(key, 1, Integer::sum);
      plans.putIfAbsent(key, join);
    }
  }

  /**
   * Whether {@code rel} reads a state table other than as the looked-up table of a shareable join (its change
   * table does not count). A state table is a filter of its own, often a smaller one than the lookup: TPC-H Q17's holds
   * the average quantity of only the parts of one brand and container, and its terms joined the changed line items
   * with it, then looked their parts up by key; a shared {@code Δlineitem ⋈ part}, planned on its own, had to scan
   * {@code part} for those parts (23 ms, the program 50 ms before, 64-72 after). So such a statement shares
   * nothing.
   */
  private static boolean readsStateOutsideLookups(RelNode rel, double largest) {
    if (rel instanceof Join join && isLookupOfChanges(join, largest)) {
      return false;
    }
    if (rel instanceof TableScan scan && StateTables.isStateTable(scan.getTable().getQualifiedName())) {
      return true;
    }
    for (RelNode input : rel.getInputs()) {
      if (readsStateOutsideLookups(input, largest)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A filtered lookup of the change table, of such a lookup, or of the change table's fan-out:
   * {@code (ΔR ⋈ σ(A)) ⋈ σ(B)}, {@code (ΔR ⋈ T) ⋈ σ(A)}.
   */
  private static boolean isLookupOfChanges(Join join, double largest) {
    return join instanceof LogicalJoin && join.getJoinType() == JoinRelType.INNER
        && (readsOnlyAChangeTable(join.getLeft())
            || join.getLeft() instanceof Join left && (isLookupOfChanges(left, largest)
                || isFanOutOfChanges(left) && keyedByTheChangeTable(join, left)))
        && filteredTable(join.getRight(), largest) && JoinKeys.matchesAtMostOnce(join);
  }

  /**
   * Whether each key by which {@code lookup} looks its filtered table up is a column of the change table, or a
   * column of the fanned-out table that {@code fanOut} equates with one: then the lookup can be done from the
   * change table's rows before they fan out, as PostgreSQL does with the join planned alone (TPC-H Q9's
   * {@code Δpartsupp ⋈ lineitem ⋈ part}: the green parts of the changed supplies, then their line items). A key
   * of the fanned-out table alone left PostgreSQL to start from the filtered table: {@code Δorders ⋈ lineitem ⋈
   * part}, planned alone, read the line items of all green parts (336,000 rows, 524 ms).
   */
  private static boolean keyedByTheChangeTable(Join lookup, Join fanOut) {
    int changeTableFields = fanOut.getLeft().getRowType().getFieldCount();
    JoinKeys fanOutKeys = JoinKeys.of(fanOut);
    Set<Integer> equated = new HashSet<>();
    for (int i = 0; i < fanOutKeys.leftKeys().size(); i++) {
      if (fanOutKeys.leftKeys().get(i) instanceof RexInputRef
          && fanOutKeys.rightKeys().get(i) instanceof RexInputRef r) {
        equated.add(r.getIndex());
      }
    }
    for (RexNode key : JoinKeys.of(lookup).leftKeys()) {
      if (!(key instanceof RexInputRef ref)
          || ref.getIndex() >= changeTableFields && !equated.contains(ref.getIndex())) {
        return false;
      }
    }
    return true;
  }

  /**
   * A change table joined by equalities alone with a table (of any size, unfiltered or not) that its rows may
   * match many times: {@code ΔR ⋈ T}. Only ever shared under a filtered lookup ({@link #isLookupOfChanges}).
   */
  private static boolean isFanOutOfChanges(Join join) {
    if (!(join instanceof LogicalJoin) || join.getJoinType() != JoinRelType.INNER
        || !readsOnlyAChangeTable(join.getLeft()) || !anyTable(join.getRight())) {
      return false;
    }
    JoinKeys keys = JoinKeys.of(join);
    return !keys.leftKeys().isEmpty() && keys.mixed().isEmpty();
  }

  /** A change table under filters and projections only. */
  private static boolean readsOnlyAChangeTable(RelNode rel) {
    return switch (rel) {
      case TableScan scan -> isChangeTable(scan);
      case Filter filter -> readsOnlyAChangeTable(filter.getInput());
      case Project project -> readsOnlyAChangeTable(project.getInput());
      default -> false;
    };
  }

  /** A table of at most {@code largest} rows that is not a change table, under projections and at least one filter. */
  private static boolean filteredTable(RelNode rel, double largest) {
    return switch (rel) {
      case Filter filter -> table(filter.getInput(), largest);
      case Project project -> filteredTable(project.getInput(), largest);
      default -> false;
    };
  }

  private static boolean table(RelNode rel, double largest) {
    return switch (rel) {
      case TableScan scan -> !isChangeTable(scan) && rows(scan) <= largest;
      case Filter filter -> table(filter.getInput(), largest);
      case Project project -> table(project.getInput(), largest);
      default -> false;
    };
  }

  /** The most rows of a table {@code rel} reads that is neither a change table nor a state table. */
  private static double largestTable(RelNode rel) {
    double largest = rel instanceof TableScan scan && anyTable(scan) ? rows(scan) : 0;
    for (RelNode input : rel.getInputs()) {
      largest = Math.max(largest, largestTable(input));
    }
    return largest;
  }

  /** PostgreSQL's estimate of a table's rows, as the catalog gave it to Calcite. */
  private static double rows(TableScan scan) {
    Double rows = scan.getCluster().getMetadataQuery().getRowCount(scan);
    return rows == null ? Double.MAX_VALUE : rows;
  }

  /** A table that is neither a change table nor a state table, under filters and projections. */
  private static boolean anyTable(RelNode rel) {
    return switch (rel) {
      case TableScan scan -> !isChangeTable(scan) && !StateTables.isStateTable(scan.getTable().getQualifiedName());
      case Filter filter -> anyTable(filter.getInput());
      case Project project -> anyTable(project.getInput());
      default -> false;
    };
  }

  private static boolean isChangeTable(TableScan scan) {
    return ChangeTables.isChangeTable(scan.getTable().getQualifiedName());
  }

  /** What two alike joins have alike: the whole plan under it, with every attribute. */
  private static String key(RelNode join) {
    return RelOptUtil.toString(join, SqlExplainLevel.ALL_ATTRIBUTES);
  }

  /** {@code Δlineitem ⋈ part}: the tables it joins, as their FROM items are named. */
  private static String name(RelNode join) {
    List<String> tables = new ArrayList<>();
    tables(join, tables);
    return String.join(" ⋈ ", tables);
  }

  private static void tables(RelNode rel, List<String> tables) {
    if (rel instanceof TableScan scan) {
      tables.add(TableAliases.of(scan.getTable().getQualifiedName()));
    }
    rel.getInputs().forEach(input -> tables(input, tables));
  }

  /** A scan of the shared join {@code name}, with the join's columns. */
  private static RelNode scan(RelNode join, String name) {
    return LogicalTableScan.create(join.getCluster(),
        RelOptTableImpl.create(null, join.getRowType(), List.of(name), null), List.of());
  }
}
