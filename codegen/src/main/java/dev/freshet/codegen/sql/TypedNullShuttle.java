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
import org.apache.calcite.sql.type.SqlTypeUtil;

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
        RexNode operand = visited.getOperands().getFirst();
        // a cast to NOT NULL only of such a CASE (Calcite's COALESCE) would make it character(n) again; a cast to
        // NULL only of a string constant (a CASE of it whose condition always holds, simplified) would make it
        // character(n) where PostgreSQL types the query's constant by its context: first in a union beside text, it
        // made the union's column character, and the text's trailing blanks were dropped (property soak 822)
        return (isConstantsCase(operand) || isStringConstant(operand))
            && SqlTypeUtil.equalSansNullability(operand.getType(), visited.getType()) ? operand : visited;
      }
      if (isConstantsCase(visited)) {
        return visited; // its NULLs stay bare: see isConstantsCase
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

  /** Whether {@code node} is a string constant (not NULL), which Calcite types CHAR and PostgreSQL by its context. */
  private static boolean isStringConstant(RexNode node) {
    return node instanceof RexLiteral literal && !literal.isNull()
        && literal.getType().getSqlTypeName() == SqlTypeName.CHAR;
  }

  /**
   * Whether {@code node} is a CASE of string constants and NULL, which Calcite types CHAR and PostgreSQL text: the
   * constants are unknown to PostgreSQL, and it types the CASE from them unless a NULL cast to char(n) decides.
   * Printed so, {@code CASE WHEN n > 1 THEN 'x ' ELSE CAST(NULL AS char(2)) END} was character(2), stored 'x' where
   * the query returns 'x ', and compared equal to {@code 'x '} where the query's {@code 'x'} does not.
   */
  static boolean isConstantsCase(RexNode node) {
    if (!(node instanceof RexCall call) || call.getKind() != SqlKind.CASE
        || call.getType().getSqlTypeName() != SqlTypeName.CHAR) {
      return false;
    }
    List<RexNode> operands = call.getOperands();
    boolean constant = false;
    for (int i = 0; i < operands.size(); i++) {
      boolean value = i % 2 == 1 || i == operands.size() - 1; // WHEN c THEN v …, ELSE v
      if (!value) {
        continue;
      }
      if (!(operands.get(i) instanceof RexLiteral literal)
          || !literal.isNull() && literal.getType().getSqlTypeName() != SqlTypeName.CHAR) {
        return false;
      }
      constant |= !literal.isNull();
    }
    return constant;
  }
}
