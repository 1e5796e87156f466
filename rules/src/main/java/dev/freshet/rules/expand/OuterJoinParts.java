package dev.freshet.rules.expand;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The parts an outer join {@code A ⟕ B ON θ} is rewritten into, built with a {@link RelBuilder}:
 * the matched rows {@code A ⋈θ B}, and each preserved side's unmatched rows padded with NULLs,
 * {@code pad(A ▷ D_B)}. {@code D_B} is the distinct values of B's join keys among the rows of B
 * that pass θ's B-only conjuncts; an anti-join with it is exact because D_B is unique on the keys,
 * which {@link dev.freshet.rules.delta.AntiJoinDeltaRule} relies on.
 */
final class OuterJoinParts {

  /** Which input's unmatched rows. */
  enum Preserved { LEFT, RIGHT }

  private OuterJoinParts() {
  }

  /** Pushes {@code A ⋈θ B} with the join's field names. */
  static void matched(RelBuilder b, Join join) {
    b.push(join.getLeft()).push(join.getRight()).join(JoinRelType.INNER, join.getCondition());
    b.project(b.fields(), join.getRowType().getFieldNames(), true);
  }

  /**
   * Pushes the unmatched rows of each input {@code join} preserves (LEFT: the left's, RIGHT: the
   * right's, FULL: both), padded; returns how many parts it pushed.
   */
  static int unmatchedParts(RelBuilder b, Join join, JoinKeys keys) {
    int parts = 0;
    if (join.getJoinType().generatesNullsOnRight()) {
      unmatched(b, join, keys, Preserved.LEFT);
      parts++;
    }
    if (join.getJoinType().generatesNullsOnLeft()) {
      unmatched(b, join, keys, Preserved.RIGHT);
      parts++;
    }
    return parts;
  }

  /**
   * Pushes the rows of the {@code preserved} input without a partner, padded with NULLs for the other
   * input's columns, as the join's row type lays them out.
   */
  static void unmatched(RelBuilder b, Join join, JoinKeys keys, Preserved preserved) {
    RelNode left = join.getLeft();
    RelNode right = join.getRight();
    int leftCount = left.getRowType().getFieldCount();
    boolean fromLeft = preserved == Preserved.LEFT;
    RelNode kept = fromLeft ? left : right;
    RelNode other = fromLeft ? right : left;
    int keptShift = fromLeft ? 0 : -leftCount;
    int otherShift = fromLeft ? -leftCount : 0;
    List<RexNode> keptKeys = shift(fromLeft ? keys.leftKeys() : keys.rightKeys(), keptShift);
    List<RexNode> otherKeys = shift(fromLeft ? keys.rightKeys() : keys.leftKeys(), otherShift);
    List<RexNode> keptOnly = shift(fromLeft ? keys.leftOnly() : keys.rightOnly(), keptShift);
    List<RexNode> otherOnly = shift(fromLeft ? keys.rightOnly() : keys.leftOnly(), otherShift);
    RelNode distinctKeys = distinctKeys(b, other, otherKeys, otherOnly, keys.operators());

    int keptCount = kept.getRowType().getFieldCount();
    b.push(kept).push(distinctKeys);
    RexBuilder rex = b.getRexBuilder();
    List<RexNode> condition = new ArrayList<>(keptOnly);
    for (int i = 0; i < keptKeys.size(); i++) {
      RexNode d = new RexInputRef(keptCount + i, distinctKeys.getRowType().getFieldList().get(i).getType());
      condition.add(rex.makeCall(keys.operators().get(i), keptKeys.get(i), d));
    }
    b.join(JoinRelType.ANTI, condition);

    RelDataTypeFactory types = b.getTypeFactory();
    List<RexNode> padded = new ArrayList<>();
    List<RexNode> nulls = new ArrayList<>();
    other.getRowType().getFieldList().forEach(f ->
        nulls.add(rex.makeNullLiteral(types.createTypeWithNullability(f.getType(), true))));
    if (!fromLeft) {
      padded.addAll(nulls);
    }
    padded.addAll(b.fields());
    if (fromLeft) {
      padded.addAll(nulls);
    }
    b.project(padded, join.getRowType().getFieldNames(), true);
  }

  /**
   * {@code SELECT DISTINCT keys FROM input WHERE only AND key IS NOT NULL} (NULL never equals, so
   * keys compared by {@code =} drop them); without the DISTINCT when the input is already unique on
   * the keys.
   */
  private static RelNode distinctKeys(RelBuilder b, RelNode input, List<RexNode> keys, List<RexNode> only,
      List<SqlOperator> operators) {
    b.push(input);
    List<RexNode> conditions = new ArrayList<>(only);
    boolean allEquals = true;
    for (int i = 0; i < keys.size(); i++) {
      if (operators.get(i).getKind() == SqlKind.EQUALS) {
        if (keys.get(i).getType().isNullable()) {
          conditions.add(b.call(SqlStdOperatorTable.IS_NOT_NULL, keys.get(i)));
        }
      } else {
        allEquals = false;
      }
    }
    if (!conditions.isEmpty()) {
      b.filter(conditions);
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      names.add("k" + i);
    }
    b.project(keys, names, true);
    RelMetadataQuery mq = input.getCluster().getMetadataQuery();
    // A unique key may repeat NULL: only keys compared by = (NULLs filtered above) may skip DISTINCT.
    // An outer join below will itself be expanded into a union, whose uniqueness Calcite cannot see:
    // AntiJoinDeltaRule must still find the keys unique then.
    boolean unique = allEquals && !containsOuterJoin(input)
        && Boolean.TRUE.equals(mq.areColumnsUnique(b.peek(), ImmutableBitSet.range(keys.size()), true));
    RelNode projected = b.build();
    // Built directly: RelBuilder would drop a DISTINCT over rows it finds unique.
    return unique ? projected : LogicalAggregate.create(projected, List.of(), ImmutableBitSet.range(keys.size()),
        null, List.of());
  }

  private static boolean containsOuterJoin(RelNode rel) {
    RelNode node = rel.stripped();
    if (node instanceof Join join && join.getJoinType() != JoinRelType.INNER && join.getJoinType().isOuterJoin()) {
      return true;
    }
    return node.getInputs().stream().anyMatch(OuterJoinParts::containsOuterJoin);
  }

  private static List<RexNode> shift(List<RexNode> expressions, int offset) {
    return offset == 0 ? expressions : RexUtil.shift(expressions, offset);
  }
}
