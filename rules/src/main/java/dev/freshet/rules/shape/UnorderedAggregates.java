package dev.freshet.rules.shape;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The aggregates of a plan whose result lists their input in an order the query leaves open:
 * {@code string_agg}, {@code array_agg}, {@code json_agg} and the like without {@code ORDER BY} inside the
 * call. PostgreSQL concatenates in whatever order its plan reads the rows, so a refresh, a recompute and the
 * query itself may each list a group's values in another order; {@code status} and {@code verify} say so
 * rather than call such a difference a bug.
 */
public final class UnorderedAggregates {

  /** Aggregates whose value is a list of their input rows (PostgreSQL's names). */
  private static final Set<String> LISTING = Set.of("string_agg", "array_agg", "json_agg", "jsonb_agg",
      "json_object_agg", "jsonb_object_agg", "xmlagg");

  /** The note for {@code status} when the plan has such aggregates. */
  public static final String NOTE_SUFFIX = " without ORDER BY inside the call: PostgreSQL leaves the order of "
      + "its values open, so a refresh and a recompute may list a group's values in different orders";

  private UnorderedAggregates() {
  }

  /** The names of the plan's listing aggregates without an order, each once, as PostgreSQL spells them. */
  public static List<String> find(RelNode plan) {
    Set<String> found = new LinkedHashSet<>();
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof Aggregate aggregate) {
          for (AggregateCall call : aggregate.getAggCallList()) {
            if (isUnorderedListing(call)) {
              found.add(name(call));
            }
          }
        }
        super.visit(node, ordinal, parent);
      }
    }.go(plan);
    return List.copyOf(found);
  }

  /**
   * The columns of {@code plan}'s result whose values may change with the order its listing aggregates without
   * an order read their rows in: the aggregates' own, and the columns computed from them. All of them when that
   * order may decide more than those values (a filter, a join or a group over such a value, a DISTINCT or a
   * UNION over it, the rows a LIMIT keeps when ordered by it), since rows may then come and go; none when the
   * plan has no such aggregate. A difference with the query that lies only in these columns may be that order.
   */
  public static ImmutableBitSet columns(RelNode plan) {
    Reach reach = reach(plan);
    return reach.everything() ? ImmutableBitSet.range(plan.getRowType().getFieldCount()) : reach.columns();
  }

  /** The columns of a node's result that such an order reaches, or {@code everything}. */
  private record Reach(ImmutableBitSet columns, boolean everything) {
    static final Reach NONE = new Reach(ImmutableBitSet.of(), false);
    static final Reach EVERYTHING = new Reach(ImmutableBitSet.of(), true);

    static Reach of(ImmutableBitSet columns) {
      return new Reach(columns, false);
    }

    boolean reaches(ImmutableBitSet read) {
      return everything || columns.intersects(read);
    }
  }

  private static Reach reach(RelNode node) {
    List<Reach> inputs = node.getInputs().stream().map(UnorderedAggregates::reach).toList();
    if (inputs.stream().anyMatch(Reach::everything)) {
      return Reach.EVERYTHING;
    }
    if (node instanceof TableScan || node instanceof Values) {
      return Reach.NONE;
    }
    if (node instanceof Aggregate aggregate) {
      ImmutableBitSet in = inputs.get(0).columns();
      if (aggregate.getGroupSet().intersects(in)) {
        return Reach.EVERYTHING; // grouped by such a value: which groups there are
      }
      ImmutableBitSet.Builder out = ImmutableBitSet.builder();
      List<AggregateCall> calls = aggregate.getAggCallList();
      for (int i = 0; i < calls.size(); i++) {
        AggregateCall call = calls.get(i);
        ImmutableBitSet read = ImmutableBitSet.of(call.getArgList())
            .union(ImmutableBitSet.of(call.getCollation().getFieldCollations().stream()
                .map(RelFieldCollation::getFieldIndex).toList()));
        if (isUnorderedListing(call) || read.intersects(in) || call.filterArg >= 0 && in.get(call.filterArg)) {
          out.set(aggregate.getGroupCount() + i);
        }
      }
      return Reach.of(out.build());
    }
    if (node instanceof Project project) {
      ImmutableBitSet in = inputs.get(0).columns();
      ImmutableBitSet.Builder out = ImmutableBitSet.builder();
      for (int i = 0; i < project.getProjects().size(); i++) {
        if (RelOptUtil.InputFinder.bits(project.getProjects().get(i)).intersects(in)) {
          out.set(i);
        }
      }
      return Reach.of(out.build());
    }
    if (node instanceof Filter filter) {
      return inputs.get(0).reaches(RelOptUtil.InputFinder.bits(filter.getCondition())) ? Reach.EVERYTHING
          : inputs.get(0);
    }
    if (node instanceof Join join) {
      ImmutableBitSet both = inputs.get(0).columns()
          .union(inputs.get(1).columns().shift(join.getLeft().getRowType().getFieldCount()));
      if (both.intersects(RelOptUtil.InputFinder.bits(join.getCondition()))) {
        return Reach.EVERYTHING; // which rows match
      }
      return Reach.of(join.getJoinType().projectsRight() ? both : inputs.get(0).columns());
    }
    if (node instanceof Sort sort) {
      boolean limited = sort.fetch != null || sort.offset != null;
      ImmutableBitSet keys = ImmutableBitSet.of(sort.getCollation().getFieldCollations().stream()
          .map(RelFieldCollation::getFieldIndex).toList());
      return limited && inputs.get(0).reaches(keys) ? Reach.EVERYTHING : inputs.get(0);
    }
    if (node instanceof Union union && union.all) {
      return Reach.of(inputs.stream().map(Reach::columns).reduce(ImmutableBitSet.of(), ImmutableBitSet::union));
    }
    // a set operation that compares rows, or a node this does not know: any such value may reach anything
    return inputs.stream().anyMatch(r -> !r.columns().isEmpty()) ? Reach.EVERYTHING : Reach.NONE;
  }

  private static boolean isUnorderedListing(AggregateCall call) {
    return LISTING.contains(name(call)) && call.getCollation().getFieldCollations().isEmpty();
  }

  private static String name(AggregateCall call) {
    return call.getAggregation().getKind() == SqlKind.LISTAGG ? "string_agg"
        : call.getAggregation().getName().toLowerCase(Locale.ROOT);
  }

  /** The {@code status} note for {@code plan}, if it has such aggregates. */
  public static java.util.Optional<String> note(RelNode plan) {
    List<String> names = find(plan);
    return names.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(String.join(", ", names) + NOTE_SUFFIX);
  }
}
