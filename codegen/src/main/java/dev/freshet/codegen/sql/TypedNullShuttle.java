package dev.freshet.codegen.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Casts the NULL operands of calls to their type before printing: {@code CAST(NULL AS DATE) - 2},
 * not {@code NULL - 2}, which PostgreSQL reads as an integer subtraction. Such NULLs come from the
 * padded side of an outer join once its projection is merged into the expressions above (a delta
 * term of {@code LEFT JOIN r … SELECT r.d - 2} failed: "UNION types date and integer cannot be matched").
 */
final class TypedNullShuttle extends ExpressionRewriteShuttle {

  @Override
  protected RexShuttle rewriter(RexBuilder rex) {
    return new Caster(rex);
  }

  private static final class Caster extends RexShuttle {
    private final RexBuilder rex;

    Caster(RexBuilder rex) {
      this.rex = rex;
    }

    @Override
    public RexNode visitCall(RexCall call) {
      RexCall visited = (RexCall) super.visitCall(call);
      if (visited.getKind() == SqlKind.CAST) {
        return visited;
      }
      List<RexNode> operands = new ArrayList<>(visited.getOperands());
      boolean changed = false;
      for (int i = 0; i < operands.size(); i++) {
        if (operands.get(i) instanceof RexLiteral literal && literal.isNull()
            && literal.getType().getSqlTypeName() != SqlTypeName.NULL) {
          operands.set(i, rex.makeAbstractCast(literal.getType(), literal, false));
          changed = true;
        }
      }
      return changed ? visited.clone(visited.getType(), operands) : visited;
    }
  }
}
