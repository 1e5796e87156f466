package dev.freshet.rules.rel;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Which sources must have changed for a delta term to hold any row: the change tables it reads as a factor.
 * A program printed for several changed sources runs, when fewer changed, with the others' change tables
 * empty; the terms that read one of those as a factor are empty too, and can be left out of the statement
 * before PostgreSQL plans it (DESIGN.md §5's pruning, done at refresh time: see {@code DeltaTermMarks}).
 *
 * <p>The answer is a mask of source bits ({@code bits} gives each change table's), and errs only towards
 * fewer sources: a term whose mask names a source that did not change is certainly empty; a term with mask
 * 0 may hold rows whatever changed. So an inner or semi-join needs what either input needs; a UNION what
 * all its branches need; a filter, projection, sort or grouped aggregate what its input needs; an outer join
 * what its preserved side needs; an aggregate without GROUP BY (one row even of nothing) and anything else,
 * nothing.
 */
public final class RequiredChanges {

  private final Map<List<String>, Long> bits;
  private final Map<RelNode, Long> known = new IdentityHashMap<>();

  /** {@code bits}: for each change table's qualified name ({@link ChangeTables#name}), its source's bit. */
  public RequiredChanges(Map<List<String>, Long> bits) {
    this.bits = Map.copyOf(bits);
  }

  /** These bits and {@code bits} for one more table: a table computed from change tables, read like one. */
  public RequiredChanges with(List<String> table, long tableBits) {
    Map<List<String>, Long> all = new java.util.HashMap<>(bits);
    all.put(List.copyOf(table), tableBits);
    return new RequiredChanges(all);
  }

  /** The bits of the sources whose change tables must all hold rows for {@code rel} to hold any. */
  public long of(RelNode rel) {
    Long mask = known.get(rel);
    if (mask == null) {
      mask = compute(rel.stripped());
      known.put(rel, mask);
    }
    return mask;
  }

  private long compute(RelNode rel) {
    return switch (rel) {
      case TableScan scan -> bits.getOrDefault(scan.getTable().getQualifiedName(), 0L);
      case Filter filter -> of(filter.getInput());
      case Project project -> of(project.getInput());
      case Calc calc -> of(calc.getInput());
      case Sort sort -> of(sort.getInput());
      // a grand total (no GROUP BY, or an empty grouping set) is a row even of nothing
      case Aggregate aggregate -> aggregate.getGroupSets().stream().anyMatch(ImmutableBitSet::isEmpty) ? 0L
          : of(aggregate.getInput());
      case Join join -> switch (join.getJoinType()) {
        case INNER, SEMI -> of(join.getLeft()) | of(join.getRight());
        case LEFT, ANTI -> of(join.getLeft());
        case RIGHT -> of(join.getRight());
        default -> of(join.getLeft()) & of(join.getRight()); // FULL: empty when both sides are
      };
      case Union union -> {
        long all = -1L;
        for (RelNode input : union.getInputs()) {
          all &= of(input);
        }
        yield all;
      }
      case Intersect intersect -> {
        long any = 0L;
        for (RelNode input : intersect.getInputs()) {
          any |= of(input);
        }
        yield any;
      }
      case Minus minus -> of(minus.getInput(0));
      default -> 0L;
    };
  }
}
