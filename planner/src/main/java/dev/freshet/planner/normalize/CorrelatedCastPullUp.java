package dev.freshet.planner.normalize;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Computes a widening cast of an outer column that a correlated sub-query compares with ({@code b.a_id = a.id},
 * a {@code bigint} with an {@code int}: Calcite writes {@code b.a_id = CAST($cor0.id AS BIGINT)}) once per
 * outer row, as a column appended to the correlate's outer input, which the sub-query then names like any
 * outer column:
 * <pre>{@code
 * Correlate($cor0)(A, B(… CAST($cor0.x AS T) …))
 *   →  Project(A's columns, B's)(Correlate($cor1)(Project(A's columns, CAST(x AS T))(A), B(… $cor1.x' …)))
 * }</pre>
 * Calcite's decorrelator would move the cast into such a projection itself, but misplaces the projected
 * column in deeper nestings (found by the round-trip property), so {@link CheckCorrelations} refuses any
 * computation on outer columns alone; this pass leaves it none to find for these casts. Only casts that
 * succeed for every value and keep equal values equal are moved (integers to wider integers, exact numbers to
 * a wider or unbounded numeric, to a float, or a change of nullability): computed for every outer row, where
 * the query computes it for the rows the sub-query reads, a cast that could fail could fail only here.
 */
final class CorrelatedCastPullUp extends RelHomogeneousShuttle {

  private CorrelatedCastPullUp() {
  }

  /** {@code rel} with each correlate's widening casts of its outer columns computed in its outer input. */
  static RelNode pullUp(RelNode rel) {
    return rel.accept(new CorrelatedCastPullUp());
  }

  @Override
  public RelNode visit(RelNode other) {
    RelNode visited = super.visit(other);
    if (!(visited instanceof LogicalCorrelate correlate)) {
      return visited;
    }
    CorrelationId id = correlate.getCorrelationId();
    List<RexCall> casts = new ArrayList<>();
    if (!collect(correlate.getRight(), id, correlate.getCluster().getTypeFactory(), casts)) {
      return visited;
    }
    return rewrite(correlate, casts);
  }

  /**
   * Adds to {@code casts} the widening casts of {@code id}'s fields in {@code rel}; false when there are none,
   * or when {@code id} is named other than through a field (then nothing is moved).
   */
  private static boolean collect(RelNode rel, CorrelationId id, RelDataTypeFactory types, List<RexCall> casts) {
    boolean[] bare = {false};
    everyExpression(rel, new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        if (isMovableCast(call, id, types)) {
          if (!casts.contains(call)) {
            casts.add(call);
          }
          return call;
        }
        return super.visitCall(call);
      }

      @Override
      public RexNode visitFieldAccess(RexFieldAccess access) {
        if (access.getReferenceExpr() instanceof RexCorrelVariable) {
          return access;
        }
        return super.visitFieldAccess(access);
      }

      @Override
      public RexNode visitCorrelVariable(RexCorrelVariable variable) {
        bare[0] |= variable.id.equals(id);
        return variable;
      }
    });
    return !casts.isEmpty() && !bare[0];
  }

  private static boolean isMovableCast(RexCall call, CorrelationId id, RelDataTypeFactory types) {
    if (call.getKind() != SqlKind.CAST || !(call.getOperands().get(0) instanceof RexFieldAccess access)
        || !(access.getReferenceExpr() instanceof RexCorrelVariable variable) || !variable.id.equals(id)) {
      return false;
    }
    return widens(types, access.getType(), call.getType());
  }

  /** Whether every value of {@code from} casts to {@code to} without error, equal values to equal values. */
  static boolean widens(RelDataTypeFactory types, RelDataType from, RelDataType to) {
    if (SqlTypeUtil.equalSansNullability(types, from, to)) {
      return true;
    }
    SqlTypeName source = from.getSqlTypeName();
    SqlTypeName target = to.getSqlTypeName();
    int sourceRank = integerRank(source);
    if (sourceRank > 0) {
      int targetRank = integerRank(target);
      if (targetRank > 0) {
        return targetRank >= sourceRank;
      }
      if (target == SqlTypeName.DOUBLE || target == SqlTypeName.REAL || target == SqlTypeName.FLOAT) {
        return true;
      }
      // a numeric with room for the integer's digits (bigint: 19), or unbounded (our numeric without a precision)
      return target == SqlTypeName.DECIMAL && to.getPrecision() - to.getScale() >= integerDigits(sourceRank);
    }
    if (source == SqlTypeName.DECIMAL && target == SqlTypeName.DECIMAL) {
      return to.getScale() >= from.getScale()
          && to.getPrecision() - to.getScale() >= from.getPrecision() - from.getScale();
    }
    if (source == SqlTypeName.DECIMAL && (target == SqlTypeName.DOUBLE || target == SqlTypeName.FLOAT)) {
      return false; // a numeric beyond a double's range fails to cast
    }
    return source == SqlTypeName.REAL && (target == SqlTypeName.DOUBLE || target == SqlTypeName.FLOAT);
  }

  private static int integerRank(SqlTypeName type) {
    return switch (type) {
      case TINYINT -> 1;
      case SMALLINT -> 2;
      case INTEGER -> 3;
      case BIGINT -> 4;
      default -> 0;
    };
  }

  private static int integerDigits(int rank) {
    return switch (rank) {
      case 1 -> 3;
      case 2 -> 5;
      case 3 -> 10;
      default -> 19;
    };
  }

  /** The fields of {@code id} that {@code rel} names. */
  private static ImmutableBitSet named(RelNode rel, CorrelationId id) {
    ImmutableBitSet.Builder fields = ImmutableBitSet.builder();
    everyExpression(rel, new RexShuttle() {
      @Override
      public RexNode visitFieldAccess(RexFieldAccess access) {
        if (access.getReferenceExpr() instanceof RexCorrelVariable v && v.id.equals(id)) {
          fields.set(access.getField().getIndex());
        }
        return super.visitFieldAccess(access);
      }
    });
    return fields.build();
  }

  /** Runs {@code shuttle} over the expressions of every node of {@code rel}, for what it sees. */
  private static void everyExpression(RelNode rel, RexShuttle shuttle) {
    rel.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode node) {
        node.accept(shuttle);
        return super.visit(node);
      }
    });
  }

  private static RelNode rewrite(LogicalCorrelate correlate, List<RexCall> casts) {
    RelNode left = correlate.getLeft();
    RexBuilder rex = correlate.getCluster().getRexBuilder();
    int leftCount = left.getRowType().getFieldCount();
    CorrelationId id = correlate.getCorrelationId();

    List<RexNode> projects = new ArrayList<>(rex.identityProjects(left.getRowType()));
    List<String> names = new ArrayList<>(left.getRowType().getFieldNames());
    for (RexCall cast : casts) {
      RexFieldAccess access = (RexFieldAccess) cast.getOperands().get(0);
      projects.add(rex.makeCast(cast.getType(), new RexInputRef(access.getField().getIndex(), access.getType()),
          true, false));
      names.add(null);
    }
    RelNode widened = LogicalProject.create(left, List.of(), projects, names, java.util.Set.of());
    RexNode variable = rex.makeCorrel(widened.getRowType(), id);

    RexShuttle renaming = new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        int at = casts.indexOf(call);
        if (at >= 0) {
          return rex.makeFieldAccess(variable, leftCount + at);
        }
        return super.visitCall(call);
      }

      @Override
      public RexNode visitFieldAccess(RexFieldAccess access) {
        if (access.getReferenceExpr() instanceof RexCorrelVariable v && v.id.equals(id)) {
          return rex.makeFieldAccess(variable, access.getField().getIndex());
        }
        return super.visitFieldAccess(access);
      }
    };
    RelNode right = correlate.getRight().accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode node) {
        return super.visit(node).accept(renaming);
      }
    });
    // the outer columns the sub-query still names (Calcite's decorrelator asserts there are no others: a column
    // named only inside a moved cast is no longer required)
    ImmutableBitSet required = named(right, id);
    Correlate moved = correlate.copy(correlate.getTraitSet(), widened, right, id, required,
        correlate.getJoinType());

    // the correlate's rows as they were: the appended columns dropped
    List<RexNode> kept = new ArrayList<>();
    int movedCount = moved.getRowType().getFieldCount();
    for (int i = 0; i < movedCount; i++) {
      if (i < leftCount || i >= leftCount + casts.size()) {
        kept.add(new RexInputRef(i, moved.getRowType().getFieldList().get(i).getType()));
      }
    }
    if (!correlate.getJoinType().projectsRight()) {
      kept = kept.subList(0, leftCount);
    }
    return LogicalProject.create(moved, List.of(), kept, correlate.getRowType().getFieldNames(), java.util.Set.of());
  }
}
