package dev.freshet.codegen.sql;

import dev.freshet.planner.types.CharConstantFunction;
import dev.freshet.planner.types.PostgresConstantFunction;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * Prints each constant of a type carried by name as the cast it was written as: the planner's
 * {@code jsonb('1.0')} ({@link PostgresConstantFunction}, which keeps Calcite's simplifier from comparing
 * the constant by its text) becomes {@code CAST('1.0' AS jsonb)}, and PostgreSQL converts the text; a
 * {@code char(n)} constant ({@link CharConstantFunction}) becomes {@code CAST('ab ' AS CHAR(3))}, bpchar to
 * PostgreSQL where the bare literal would be text.
 * Runs last, on the plan about to be printed: nothing simplifies the cast any more.
 */
final class PostgresConstantShuttle extends ExpressionRewriteShuttle {

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
      boolean named = PostgresConstantFunction.isConstant(visited);
      if (!named && !CharConstantFunction.isConstant(visited)
          || named && ((PostgresConstantFunction) visited.getOperator()).calciteType() != null) {
        // A constant of a Calcite type stays one: Calcite's converter to SQL simplifies some expressions it
        // prints (an aggregate's constant keys), and would make the cast a constant again; the dialect
        // prints it as the cast (FreshetPostgresDialect#unparseCall). A char(n) constant becomes its cast.
        return visited;
      }
      // makeCall with a type builds the CAST itself: the rex builder's makeCast would make the constant again.
      return rex.makeCall(visited.getParserPosition(), visited.getType(), SqlStdOperatorTable.CAST,
          visited.getOperands());
    }
  }
}
