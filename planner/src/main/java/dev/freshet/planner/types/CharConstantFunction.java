package dev.freshet.planner.types;

import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;

/**
 * A {@code char(n)} constant ({@code 'ab '::char(3)}, PostgreSQL's {@code bpchar}): the call
 * {@code bpchar('ab ')} of this function on Calcite's CHAR(n) literal, typed CHAR(n), printed back as
 * {@code CAST('ab ' AS CHAR(3))} (codegen's {@code PostgresConstantShuttle}).
 *
 * <p>Why not Calcite's literal: Calcite folds {@code CAST('ab' AS CHAR(3))} into the literal {@code 'ab '},
 * the very literal it makes of the bare string {@code 'ab '}, which PostgreSQL reads as {@code unknown} and,
 * in a select list, a {@code VALUES} row or under an aggregate, as {@code text}. The difference is the
 * trailing blanks: {@code bpchar} ignores them in comparisons, {@code length()}, {@code ||} and casts to
 * text, {@code text} does not. Printed bare, {@code max('ab '::char(3))} kept its state as text and
 * {@code SELECT 'ab '::char(3) … UNION ALL VALUES ('ab'::char(3))} stored and ranked its rows as text
 * ({@code 'ab '} where PostgreSQL has {@code 'ab'}: property soaks 211 and 223). As a call, the constant
 * keeps its type to the printed SQL; Calcite's simplifier does not look inside it, and its executor
 * cannot evaluate it ({@link FreshetRexExecutor} does not try). The call is deterministic, so equal
 * constants are still recognized as equal.
 */
public final class CharConstantFunction extends SqlFunction {

  public static final CharConstantFunction INSTANCE = new CharConstantFunction();

  private CharConstantFunction() {
    // the operand is the literal already padded to the type, so its type is the constant's
    super("bpchar", SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null, OperandTypes.ANY, SqlFunctionCategory.SYSTEM);
  }

  /** Whether {@code node} is such a constant. */
  public static boolean isConstant(RexNode node) {
    return node instanceof RexCall call && call.getOperator() instanceof CharConstantFunction;
  }
}
