package dev.freshet.rules.shape;

import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.admission.ClockLiterals;
import dev.freshet.planner.admission.FloatingPointAggregates;
import dev.freshet.planner.admission.Landmark;
import dev.freshet.planner.admission.Landmarks;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.catalog.PgCalciteTable;
import dev.freshet.planner.catalog.PgTable;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.planner.types.PostgresTypeWords;
import dev.freshet.rules.FreshetPrograms;
import dev.freshet.rules.expand.JoinKeys;
import dev.freshet.rules.rel.ReadableNamesShuttle;
import dev.freshet.rules.rel.StateTables;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.tools.RelBuilder;
import java.util.OptionalLong;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Decides whether a logical plan is maintained differentially and in which {@link MaintenanceShape};
 * otherwise names the first construct that is not, as a {@link Refusal}.
 *
 * <p>Maintained: {@code [ORDER BY] [finisher] [Aggregate] input}, where {@code input} is built from
 * scans of tables, filters, deterministic projections, inner and cross joins, UNION ALL and VALUES,
 * and of the state tables of the aggregates (and DISTINCTs) inside it: each of those is a
 * {@link Stratum}, whose input is built the same way. A top-level ORDER BY without LIMIT/OFFSET does
 * not change a table's content and is dropped (noted).
 */
public final class ShapeAnalyzer {

  /** The note recorded when a top-level ORDER BY is dropped. */
  public static final String ORDER_BY_DROPPED =
      "top-level ORDER BY dropped: it does not change a table's content";

  /**
   * A plan's shape, or why it has none, and notes for {@code status}.
   *
   * @param strata the stateful operators inside the query, bottom-up, each with its state table; the
   *     shape's input reads their state tables
   */
  public record Analysis(Optional<MaintenanceShape> shape, Optional<Refusal> refusal,
      List<String> notes, RelNode withoutOrder, List<Stratum> strata) {
    public Analysis {
      notes = List.copyOf(notes);
      strata = List.copyOf(strata);
    }
  }

  private ShapeAnalyzer() {
  }

  /** {@link #analyze(LogicalPlan, long)} for a plan not yet tied to a stream table (state tables named for id 0). */
  public static Analysis analyze(LogicalPlan plan) {
    return analyze(plan, 0);
  }

  /**
   * Analyzes {@code plan} for the stream table {@code streamTableId}: the top aggregate (with its
   * final projection) is the stream table's own state; every other aggregate or DISTINCT becomes a
   * {@link Stratum} with a state table named for the stream table.
   */
  public static Analysis analyze(LogicalPlan plan, long streamTableId) {
    return analyze(plan, streamTableId, PLAN_REVISION);
  }

  /**
   * The revision of the plans this compiler makes, recorded with each stream table (catalog V39): a stream table
   * is compiled again (verify, migrate, a rebuild after DDL) at the revision it was created at, because its state
   * tables are laid out by it. 0: before revisions; 1: an aggregate's DISTINCT calls over a state table of
   * distinct values ({@link dev.freshet.rules.expand.DistinctAggregates}); 2: the rows compared with an aggregate
   * without GROUP BY in a state table of their own ({@link dev.freshet.rules.expand.ComparedRowsState}).
   */
  public static final int PLAN_REVISION = 2;

  /** {@link #analyze(LogicalPlan, long)} at plan revision {@code revision} (see {@link #PLAN_REVISION}). */
  public static Analysis analyze(LogicalPlan plan, long streamTableId, int revision) {
    List<String> notes = new ArrayList<>();
    RelNode rel = plan.rel();
    UnorderedAggregates.note(rel).ifPresent(notes::add);
    if (recursive(rel)) { // before any other check: a recursive query has no delta rule, whatever else it holds
      return refused(ReasonCode.UNSUPPORTED_CONSTRUCT, "WITH RECURSIVE is not maintained incrementally yet: "
          + "Freshet has no delta rule for a query that reads its own result", "use --mode FULL or AUTO: "
          + "PostgreSQL runs the query as written", notes, rel, plan.landmarks(), Landmark.RECURSIVE_WITH);
    }
    if (rel instanceof Sort sort) {
      if (sort.fetch != null || sort.offset != null) {
        return topK(plan, sort, streamTableId, notes, revision);
      }
      notes.add(ORDER_BY_DROPPED);
      rel = sort.getInput();
    }
    RelNode withoutOrder = rel;
    try {
      List<Stratum> strata = new ArrayList<>();
      // columns Calcite named itself (EXPR$1, $f2) get people's names: state tables and every program carry them
      rel = stratify(ReadableNamesShuttle.rename(expand(rel, revision)), streamTableId, strata, false);
      List<RexNode> finisher = null;
      RelNode below = rel;
      if (rel instanceof Project project && project.getInput() instanceof Aggregate) {
        finisher = project.getProjects();
        below = project.getInput();
      }
      if (below instanceof Aggregate aggregate) {
        List<AggregateClass> classes = checkAggregate(aggregate);
        if (finisher == null) {
          finisher = identity(aggregate);
        }
        checkExpressions(finisher);
        return new Analysis(Optional.of(new MaintenanceShape.Grouped(aggregate.getInput(), aggregate,
            finisher, classes)), Optional.empty(), notes, withoutOrder, strata);
      }
      checkInput(rel);
      return new Analysis(Optional.of(new MaintenanceShape.Bag(rel)), Optional.empty(), notes, withoutOrder, strata);
    } catch (Refused e) {
      Refusal located = e.landmark == null ? e.refusal : plan.landmarks().locate(e.refusal, e.landmark);
      return new Analysis(Optional.empty(), Optional.of(located), notes, withoutOrder, List.of());
    }
  }

  /**
   * {@code ORDER BY … LIMIT n [OFFSET m]} over a grouped query: the aggregate becomes a state table
   * like any inside the query, maintained by deltas, and the stream table holds its top rows, derived
   * again from it when it changed ({@link MaintenanceShape.TopK}).
   */
  private static Analysis topK(LogicalPlan plan, Sort sort, long streamTableId, List<String> notes, int revision) {
    RelNode ranked = sort.getInput();
    try {
      if (!isLiteralOrAbsent(sort.offset) || !isLiteralOrAbsent(sort.fetch)) {
        throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT, "LIMIT/OFFSET are maintained differentially with constant "
            + "counts only", "write the counts as numbers, or use --mode FULL or AUTO", Landmark.LIMIT_OFFSET);
      }
      RelNode expanded = ReadableNamesShuttle.rename(expand(ranked, revision));
      RelNode top = expanded instanceof Project project ? project.getInput() : expanded;
      boolean multiset = !(top instanceof Aggregate);
      if (multiset) {
        // Rows without a GROUP BY are kept as their distinct values with their number of copies.
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(expanded.getCluster(), null);
        expanded = b.push(expanded).aggregate(b.groupKey(b.fields()), b.countStar(COPIES)).build();
      }
      List<Stratum> strata = new ArrayList<>();
      RelNode rel = stratify(expanded, streamTableId, strata, true);
      RelNode below = rel instanceof Project project ? project.getInput() : rel;
      if (strata.isEmpty() || !(below instanceof TableScan scan)
          || !scan.getTable().getQualifiedName().equals(strata.getLast().stateTable())) {
        throw new IllegalStateException("the ranked rows are the last state table: " + rel);
      }
      checkInput(rel);
      if (rel instanceof Project project) {
        checkExpressions(project.getProjects());
      }
      int columns = ranked.getRowType().getFieldCount();
      RelCollation total = totalOrder(sort.getCollation(), columns);
      List<Integer> keys = sort.getCollation().getFieldCollations().stream()
          .map(RelFieldCollation::getFieldIndex).toList();
      RelNode fromScratch = LogicalSort.create(ranked, total, sort.offset, sort.fetch);
      MaintenanceShape.TopK shape;
      if (multiset) {
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null);
        RelNode input = b.push(rel).project(b.fields().subList(0, columns)).build();
        // The first offset + n distinct rows hold the first offset + n rows; codegen repeats each row.
        RexNode distinctRows = sort.fetch == null ? null : b.literal(literal(sort.offset) + literal(sort.fetch));
        shape = new MaintenanceShape.TopK(input, LogicalSort.create(rel, total, null, distinctRows), fromScratch, keys,
            Optional.of(new MaintenanceShape.Copies(columns, total, literal(sort.offset),
                sort.fetch == null ? OptionalLong.empty() : OptionalLong.of(literal(sort.fetch)))));
      } else {
        shape = new MaintenanceShape.TopK(rel, LogicalSort.create(rel, total, sort.offset, sort.fetch), fromScratch,
            keys, Optional.empty());
      }
      return new Analysis(Optional.of(shape), Optional.empty(), notes, ranked, strata);
    } catch (Refused e) {
      Refusal located = e.landmark == null ? e.refusal : plan.landmarks().locate(e.refusal, e.landmark);
      return new Analysis(Optional.empty(), Optional.of(located), notes, ranked, List.of());
    }
  }

  /** The name of the count of copies of each distinct row of a multiset ranked by ORDER BY … LIMIT. */
  public static final String COPIES = "__freshet_copies";

  private static boolean isLiteralOrAbsent(RexNode count) {
    return count == null || count instanceof RexLiteral;
  }

  private static long literal(RexNode count) {
    return count == null ? 0 : ((RexLiteral) count).getValueAs(Long.class);
  }

  /**
   * The user's ORDER BY, then every other column ascending: PostgreSQL does not say which of the rows
   * tied at the last place a LIMIT returns; Freshet always returns the same ones, so that a refresh
   * without a relevant change changes nothing.
   */
  private static RelCollation totalOrder(RelCollation collation, int fieldCount) {
    List<RelFieldCollation> fields = new ArrayList<>(collation.getFieldCollations());
    for (int i = 0; i < fieldCount; i++) {
      if (!collation.getKeys().contains(i)) {
        fields.add(new RelFieldCollation(i));
      }
    }
    return RelCollations.of(fields);
  }

  /**
   * {@link FreshetPrograms#splitDistinctAggregates()}, {@link dev.freshet.rules.expand.ComparedRowsState}, then
   * {@link FreshetPrograms#expandOuterJoins()}: DISTINCT calls over state tables of distinct values; rows compared
   * with an aggregate without GROUP BY stored; outer joins become inner joins, anti-joins and unions.
   */
  private static RelNode expand(RelNode rel, int revision) {
    RelNode current = rel;
    if (revision >= 1) {
      HepPlanner split = new HepPlanner(FreshetPrograms.splitDistinctAggregates());
      split.setRoot(current);
      current = split.findBestExp();
    }
    if (revision >= 2) {
      current = dev.freshet.rules.expand.ComparedRowsState.apply(current);
    }
    HepPlanner planner = new HepPlanner(FreshetPrograms.expandOuterJoins());
    planner.setRoot(current);
    return planner.findBestExp();
  }

  /**
   * Replaces every aggregate but the top one (the plan's root, or the root projection's input) by a
   * scan of its state table, bottom-up, adding a {@link Stratum} for each to {@code strata}. An aggregate
   * planned exactly as one before it (the same uncorrelated sub-query written twice) reads that one's state
   * table: the same plan over the same tables holds the same rows, kept and maintained once.
   */
  private static RelNode stratify(RelNode rel, long streamTableId, List<Stratum> strata, boolean topToo) {
    RelNode top = topToo ? null : rel instanceof Project project ? project.getInput() : rel;
    java.util.Map<String, List<String>> stateTableOfPlan = new java.util.HashMap<>();
    // state tables are numbered by aggregate met, the repeated ones too: a stream table created before repeats
    // were shared keeps, under each name, the rows its program now reads there (the repeat's table is unused)
    int[] aggregates = {0};
    return rel.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode original) {
        RelNode visited = super.visit(original);
        if (original == top || !(visited instanceof Aggregate aggregate)) {
          return visited;
        }
        // the whole plan printed with its types: equal text is the same relation (inner state tables
        // already replaced by their scans, by name)
        String plan = org.apache.calcite.plan.RelOptUtil.toString(aggregate,
            org.apache.calcite.sql.SqlExplainLevel.DIGEST_ATTRIBUTES) + aggregate.getRowType().getFullTypeString();
        List<String> same = stateTableOfPlan.get(plan);
        int number = aggregates[0]++;
        if (same != null) {
          return StateTables.scan(aggregate, same);
        }
        List<AggregateClass> classes = checkAggregate(aggregate);
        List<String> name = StateTables.name(streamTableId, number);
        stateTableOfPlan.put(plan, name);
        strata.add(new Stratum(strata.size(), name, new MaintenanceShape.Grouped(aggregate.getInput(), aggregate,
            identity(aggregate), classes), original));
        return StateTables.scan(aggregate, name);
      }
    });
  }

  /** Checks an aggregate and its input, and classifies its calls. */
  private static List<AggregateClass> checkAggregate(Aggregate aggregate) {
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT,
          "GROUPING SETS, ROLLUP and CUBE are not maintained differentially yet", "use --mode FULL or AUTO",
          Landmark.GROUPING_SETS);
    }
    checkInput(aggregate.getInput());
    List<AggregateClass> classes = new ArrayList<>();
    for (AggregateCall call : aggregate.getAggCallList()) {
      if (!call.getCollation().getFieldCollations().isEmpty()) {
        // Calcite may print an ORDER BY key of an aggregate as an ordinal (string_agg(x, ',' ORDER BY 2)),
        // which PostgreSQL reads as a constant: FreshetPostgresDialect then prints WITHIN GROUP, an error.
        String name = call.getAggregation().getKind() == SqlKind.LISTAGG ? "string_agg"
            : call.getAggregation().getName().toLowerCase(java.util.Locale.ROOT);
        throw refusal(ReasonCode.UNSUPPORTED_AGGREGATE, name + "(… ORDER BY …) is not maintained differentially yet",
            "use --mode FULL or AUTO", Landmark.ORDERED_AGGREGATE);
      }
      if (call.getAggregation().getKind() == SqlKind.SINGLE_VALUE) {
        // PostgreSQL fails such a query when the sub-query returns two rows; a delta has no way to fail so
        throw refusal(ReasonCode.UNSUPPORTED_AGGREGATE, SCALAR_SUBQUERY_MESSAGE, SCALAR_SUBQUERY_FIX,
            Landmark.SCALAR_SUBQUERY);
      }
      List<RelDataType> argumentTypes = call.getArgList().stream()
          .map(i -> aggregate.getInput().getRowType().getFieldList().get(i).getType()).toList();
      Optional<String> inexact = FloatingPointAggregates.inexact(call.getAggregation().getKind(),
          call.getAggregation().getName(), argumentTypes);
      if (inexact.isPresent()) {
        // Even re-aggregating the group would add its rows in another order than the query does.
        throw refusal(ReasonCode.UNSUPPORTED_AGGREGATE, FloatingPointAggregates.message(inexact.get()),
            FloatingPointAggregates.FIX, Landmark.FLOAT_AGGREGATE);
      }
      classes.add(classify(call, aggregate.getInput()));
    }
    return classes;
  }

  private static List<RexNode> identity(Aggregate aggregate) {
    List<RexNode> fields = new ArrayList<>();
    for (int i = 0; i < aggregate.getRowType().getFieldCount(); i++) {
      fields.add(aggregate.getCluster().getRexBuilder().makeInputRef(aggregate, i));
    }
    return fields;
  }

  static AggregateClass classify(AggregateCall call, RelNode input) {
    if (call.isDistinct() || call.isApproximate() || !call.getCollation().getFieldCollations().isEmpty()) {
      return AggregateClass.RECOMPUTE_GROUP;
    }
    boolean exactArgs = call.getArgList().stream().allMatch(i -> {
      var type = input.getRowType().getFieldList().get(i).getType();
      return !SqlTypeUtil.isApproximateNumeric(type);
    });
    return switch (call.getAggregation().getKind()) {
      case COUNT -> call.getArgList().size() <= 1 ? AggregateClass.ALGEBRAIC : AggregateClass.RECOMPUTE_GROUP;
      case SUM, SUM0, AVG -> exactArgs ? AggregateClass.ALGEBRAIC : AggregateClass.RECOMPUTE_GROUP;
      // bool_and/bool_or/every have kind MIN/MAX too, but no min(boolean) exists in PostgreSQL.
      case MIN, MAX -> call.getAggregation().getName().equalsIgnoreCase("MIN")
          || call.getAggregation().getName().equalsIgnoreCase("MAX")
          ? AggregateClass.EXTREMUM : AggregateClass.RECOMPUTE_GROUP;
      default -> AggregateClass.RECOMPUTE_GROUP;
    };
  }

  private static void checkInput(RelNode input) {
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        switch (node) {
          case TableScan scan -> checkScan(scan);
          case Filter filter -> checkExpressions(List.of(filter.getCondition()));
          case Project project -> checkExpressions(project.getProjects());
          case Join join -> {
            checkJoin(join);
            checkExpressions(List.of(join.getCondition()));
          }
          case Union union -> {
            if (!union.all) {
              throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT, "UNION without ALL is not maintained differentially yet",
                  "use UNION ALL with DISTINCT on top, or --mode FULL or AUTO", Landmark.SET_OPERATION);
            }
          }
          case Values values -> {
            // constant: never changes
          }
          case Aggregate aggregate -> throw new IllegalStateException("an aggregate left in a stratum's input: "
              + "stratify replaces them all");
          case Sort sort -> throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT,
              "ORDER BY with LIMIT/OFFSET inside the query is not maintained differentially yet",
              "use --mode FULL or AUTO", Landmark.LIMIT_OFFSET);
          // named as the query wrote them, never by Calcite's operator (LogicalMinus)
          case org.apache.calcite.rel.core.Minus minus -> throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT,
              (minus.all ? "EXCEPT ALL" : "EXCEPT") + " is not maintained differentially yet",
              "use --mode FULL or AUTO; or, where it means the same (EXCEPT removes duplicates and holds NULLs "
                  + "equal), NOT EXISTS, which is maintained", Landmark.SET_OPERATION);
          case org.apache.calcite.rel.core.Intersect intersect -> throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT,
              (intersect.all ? "INTERSECT ALL" : "INTERSECT") + " is not maintained differentially yet",
              "use --mode FULL or AUTO; or, where it means the same (INTERSECT holds NULLs equal), EXISTS, which is "
                  + "maintained", Landmark.SET_OPERATION);
          case org.apache.calcite.rel.core.Window window -> throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT,
              "window functions are not maintained differentially yet", "use --mode FULL or AUTO", Landmark.WINDOW);
          default -> throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT,
              "a construct of this query (a set operation, window or sub-query) is not maintained differentially "
                  + "yet", "use --mode FULL or AUTO", Landmark.SET_OPERATION);
        }
        super.visit(node, ordinal, parent);
      }
    }.go(input);
  }

  /** Whether {@code rel} holds a recursive query (Calcite's RepeatUnion, from WITH RECURSIVE), at any depth. */
  private static boolean recursive(RelNode rel) {
    return rel instanceof org.apache.calcite.rel.core.RepeatUnion
        || rel.getInputs().stream().anyMatch(ShapeAnalyzer::recursive);
  }

  /**
   * Inner joins are maintained; outer joins were expanded (OuterJoinExpansionRule) unless their
   * condition does not allow it; anti-joins only where each row has at most one partner.
   */
  private static void checkJoin(Join join) {
    switch (join.getJoinType()) {
      case INNER -> {
      }
      case ANTI -> {
        if (!JoinKeys.matchesAtMostOnce(join)) {
          // an outer join expanded (a FULL JOIN's unmatched rows) is an anti-join too: the message names both, as
          // soak 757's refusal of a FULL JOIN named a NOT EXISTS the query did not have
          throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT, "this NOT EXISTS or outer join (planned as an anti-join on "
              + "other than the distinct values of its keys) is not maintained differentially yet",
              "use --mode FULL or AUTO", Landmark.OUTER_JOIN);
        }
      }
      case LEFT, RIGHT, FULL -> throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT, join.getJoinType().lowerName
          + " join (or a sub-query planned as one) is maintained differentially only when "
          + JoinKeys.of(join).notExpandable().map(why -> "its ON condition is equalities between the two sides "
              + "and conditions on one side; here " + why).orElse("its condition allows it"),
          "use --mode FULL or AUTO", Landmark.OUTER_JOIN);
      default -> throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT, join.getJoinType().lowerName
          + " join (or a sub-query planned as one) is not maintained differentially yet",
          "use --mode FULL or AUTO", Landmark.OUTER_JOIN);
    }
  }

  private static void checkScan(TableScan scan) {
    PgCalciteTable table = scan.getTable().unwrap(PgCalciteTable.class);
    if (table == null) {
      return;
    }
    PgTable.Kind kind = table.pgTable().kind();
    if (kind != PgTable.Kind.TABLE && kind != PgTable.Kind.PARTITIONED) {
      throw refusal(ReasonCode.UNSUPPORTED_SOURCE, Quoting.qualified(scan.getTable().getQualifiedName())
          + " is a " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + ", which cannot carry change capture", "read the tables it is built from, or use --mode FULL or AUTO: "
          + "PostgreSQL runs the query as written");
    }
  }

  static void checkExpressions(List<RexNode> expressions) {
    RexVisitorImpl<Void> visitor = new RexVisitorImpl<>(true) {
      @Override
      public Void visitCall(RexCall call) {
        if (!call.getOperator().isDeterministic() || call.getOperator().isDynamicFunction()) {
          throw volatileFunction(call.getOperator());
        }
        checkClockReading(call);
        return super.visitCall(call);
      }

      @Override
      public Void visitOver(RexOver over) {
        throw refusal(ReasonCode.UNSUPPORTED_CONSTRUCT, "window functions are not maintained differentially yet",
            "use --mode FULL or AUTO", Landmark.WINDOW);
      }

      @Override
      public Void visitSubQuery(RexSubQuery subQuery) {
        throw refusal(ReasonCode.CORRELATED_SUBQUERY, "a sub-query remained after decorrelation",
            "rewrite it as a join, or use --mode FULL or AUTO");
      }
    };
    for (RexNode e : expressions) {
      e.accept(visitor);
    }
    if (expressions.stream().anyMatch(e -> e.getKind() == SqlKind.OTHER_FUNCTION && !RexUtil.isDeterministic(e))) {
      throw refusal(ReasonCode.VOLATILE_FUNCTION, "a volatile function is used: its result changes without any "
          + "change to the tables the query reads, so applying their changes cannot keep the stream table fresh",
          VOLATILE_FIX, Landmark.VOLATILE_FUNCTION);
    }
  }

  private static final String VOLATILE_FIX = "use --mode FULL or AUTO: the stream table is then recomputed at "
      + "every refresh, whether its tables changed or not";

  /**
   * FR004 for a clock ({@code now()}, {@code current_date}) or a volatile function ({@code random()}), named
   * as PostgreSQL names it: in lower case, with the brackets only where it takes them.
   */
  private static Refused volatileFunction(SqlOperator operator) {
    String name = operator.getName().toLowerCase(java.util.Locale.ROOT)
        + (operator.getSyntax() == SqlSyntax.FUNCTION_ID ? "" : "()");
    boolean clock = operator instanceof SqlFunction function && function.getFunctionType() == SqlFunctionCategory.TIMEDATE;
    String what = clock ? " reads the clock: its result changes as time passes"
        : !operator.isDeterministic() ? " returns another value each time it runs"
        : " depends on the session that runs the query (its role, its settings)";
    return refusal(ReasonCode.VOLATILE_FUNCTION, name + what + ", without any change to the tables the query "
        + "reads, so applying their changes cannot keep the stream table fresh", VOLATILE_FIX + (clock
        ? "; or compare with a time kept in a table you update (WHERE at > (SELECT max(t) FROM my_clock)), which is "
            + "maintained differentially" : ""), Landmark.VOLATILE_FUNCTION);
  }

  /**
   * FR004 for text PostgreSQL reads as the clock ({@link ClockLiterals}): a string constant holding {@code today}
   * (or {@code now}, {@code tomorrow}, {@code yesterday}) cast to a date, time or timestamp, or compared with one
   * ({@code d <= 'today'}, which PostgreSQL reads as {@code d <= 'today'::date}); or a cast of any other text
   * value to such a type ({@code s::date}), since a row may hold {@code 'today'}. Constants such as
   * {@code '2024-01-01'::date} and {@code 'epoch'::timestamptz} are left alone.
   */
  private static void checkClockReading(RexCall call) {
    if (call.getKind() == SqlKind.CAST && ClockLiterals.readsDateTimeInput(call.getType())) {
      RexNode operand = call.getOperands().get(0);
      if (!SqlTypeUtil.inCharFamily(operand.getType())) {
        return;
      }
      Optional<String> text = constantText(operand);
      if (text.isEmpty()) {
        throw textCast(operand.getType(), call.getType());
      }
      if (ClockLiterals.clockWord(text.get()).isPresent()) {
        throw clockLiteral(text.get(), call.getType());
      }
      return;
    }
    RelDataType dateTime = ClockLiterals.readsDateTimeInput(call.getType()) ? call.getType() : call.getOperands()
        .stream().map(RexNode::getType).filter(ClockLiterals::readsDateTimeInput).findFirst().orElse(null);
    if (dateTime == null) {
      return;
    }
    for (RexNode operand : call.getOperands()) {
      if (operand instanceof RexLiteral && SqlTypeUtil.inCharFamily(operand.getType())) {
        Optional<String> text = constantText(operand);
        if (text.isPresent() && ClockLiterals.clockWord(text.get()).isPresent()) {
          throw clockLiteral(text.get(), dateTime);
        }
      }
    }
  }

  /** The text of a string constant, through casts to other string types ({@code 'today'::text}); else empty. */
  private static Optional<String> constantText(RexNode node) {
    if (node instanceof RexLiteral literal) {
      String text = literal.getValueAs(String.class);
      return Optional.ofNullable(text);
    }
    if (node.getKind() == SqlKind.CAST && SqlTypeUtil.inCharFamily(node.getType())
        && SqlTypeUtil.inCharFamily(((RexCall) node).getOperands().get(0).getType())) {
      return constantText(((RexCall) node).getOperands().get(0));
    }
    return Optional.empty();
  }

  private static Refused clockLiteral(String text, RelDataType type) {
    return refusal(ReasonCode.VOLATILE_FUNCTION, ClockLiterals.message(Quoting.literal(text),
        PostgresTypeWords.of(type, true)), ClockLiterals.FIX, Landmark.CLOCK_LITERAL);
  }

  private static Refused textCast(RelDataType from, RelDataType to) {
    String toName = PostgresTypeWords.of(to, true);
    return refusal(ReasonCode.VOLATILE_FUNCTION, ClockLiterals.castMessage(PostgresTypeWords.of(from, true), toName),
        ClockLiterals.castFix(toName), Landmark.TEXT_TO_DATETIME_CAST);
  }

  static final String SCALAR_SUBQUERY_MESSAGE = "a scalar sub-query that may return more than one row is not "
      + "maintained differentially: PostgreSQL fails the query when it does (\"more than one row returned by a "
      + "subquery used as an expression\"), which applying changes cannot tell";

  static final String SCALAR_SUBQUERY_FIX = "make it return one row at most: an aggregate (SELECT max(k) FROM …), or "
      + "correlate it on a primary key or unique column (WHERE c.id = o.cid); or use --mode FULL or AUTO: PostgreSQL "
      + "runs the query as written, and a refresh fails as it does when the sub-query returns more than one row";

  /** A refusal from a check, with the construct it is about; {@link #analyze} locates it in the text. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Refusal refusal;
    private final Landmark landmark;

    Refused(Refusal refusal, Landmark landmark) {
      super(refusal.message(), null, false, false);
      this.refusal = refusal;
      this.landmark = landmark;
    }
  }

  private static Refused refusal(ReasonCode reason, String message, String fix, Landmark landmark) {
    return new Refused(new Refusal(reason, SourcePosition.UNKNOWN, message, fix), landmark);
  }

  private static Refused refusal(ReasonCode reason, String message, String fix) {
    return new Refused(new Refusal(reason, SourcePosition.UNKNOWN, message, fix), null);
  }

  private static Analysis refused(ReasonCode reason, String message, String fix, List<String> notes,
      RelNode rel, Landmarks landmarks, Landmark landmark) {
    return new Analysis(Optional.empty(), Optional.of(landmarks.locate(
        new Refusal(reason, SourcePosition.UNKNOWN, message, fix), landmark)), notes, rel, List.of());
  }
}
