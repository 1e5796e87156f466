package dev.freshet.rules.shape;

import dev.freshet.rules.rel.UsedColumns;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The shape of a defining query as differential maintenance sees it, which fixes the stream table's
 * layout and row identity (DESIGN.md §6).
 */
public sealed interface MaintenanceShape {

  /** The part of the plan that Z-set deltas flow through (joins, filters, projections, unions). */
  RelNode input();

  /**
   * The columns of {@link #input()} that the maintenance reads from its delta: all of them, but for an aggregate
   * its group keys and its calls' arguments. A delta term may leave the others unlike what the input would hold
   * (RestrictScalarComparisons: the old and the new value of a state no aggregate reads).
   */
  default ImmutableBitSet inputColumnsRead() {
    return ImmutableBitSet.range(input().getRowType().getFieldCount());
  }

  /**
   * A query without aggregation: the stored table is a bag. Row identity is the row's value plus an
   * ordinal among equal rows, so duplicates are kept exactly, with or without source keys.
   */
  record Bag(RelNode input) implements MaintenanceShape {
  }

  /**
   * {@code finisher(Aggregate(input))}: one stored row per group (identity = the group key; exactly
   * one row for a scalar aggregate), with the aggregate state in hidden columns. {@code finisher} are
   * the user's columns as expressions over the aggregate's output (keys, then calls).
   */
  record Grouped(RelNode input, Aggregate aggregate, List<RexNode> finisher,
      List<AggregateClass> classes) implements MaintenanceShape {
    public Grouped {
      finisher = List.copyOf(finisher);
      classes = List.copyOf(classes);
      if (classes.size() != aggregate.getAggCallList().size()) {
        throw new IllegalArgumentException("one class per aggregate call");
      }
    }

    public boolean scalar() {
      return aggregate.getGroupCount() == 0;
    }

    public boolean needsRescan() {
      return classes.stream().anyMatch(c -> c != AggregateClass.ALGEBRAIC);
    }

    @Override
    public ImmutableBitSet inputColumnsRead() {
      return UsedColumns.read(aggregate);
    }
  }

  /**
   * {@code ORDER BY … LIMIT n [OFFSET m]}: the ranked rows are kept in a state table (the last
   * stratum: the query's aggregate, or, for rows without one, their distinct values with their number
   * of copies) and maintained by deltas; the stream table is a bag holding the top rows, derived again
   * from the state table by {@code topN} when the state changed: a read of the top rows (an index scan
   * or a top-N sort of the state table), never of the query's sources.
   *
   * @param input the rows ranked: the state table, through the query's final projection
   * @param topN {@code input} sorted by the ORDER BY then every other column (ties always broken the
   *     same way), offset and limited; with {@code copies}, the first offset + n distinct rows
   * @param fromScratch the same over the query's own plan, for {@code verify}
   * @param orderKeys the columns of the user's ORDER BY
   * @param copies present when each row of {@code topN} stands for several: how to repeat them
   */
  record TopK(RelNode input, RelNode topN, RelNode fromScratch, List<Integer> orderKeys, Optional<Copies> copies)
      implements MaintenanceShape {
    public TopK {
      orderKeys = List.copyOf(orderKeys);
    }
  }

  /**
   * The rows of a ranked multiset are stored once each with their number of copies (column
   * {@code column} of {@link TopK#topN}); the top rows repeat each, then order, offset and limit again.
   */
  record Copies(int column, RelCollation order, long offset, OptionalLong fetch) {
  }
}
