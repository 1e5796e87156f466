package dev.freshet.planner.types;

import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;

/**
 * A string constant that a comparison orders ({@code name BETWEEN 'a' AND 'Z'}, {@code c >= 'a '}): the call
 * {@code collated('a')} of this function on Calcite's literal, typed as the literal, printed back as the bare
 * literal (codegen's dialect). Calcite orders string constants by their UTF-16 code units, PostgreSQL by the
 * column's collation (an ICU or libc locale; in {@code C} by code point; {@code char(n)} without its trailing
 * blanks), and its simplifier used the first to merge ranges: {@code BETWEEN 'a' AND 'Z'} was planned as no rows,
 * {@code c >= 'a ' AND c <= 'a'} too, though PostgreSQL finds rows in both (red-team finding). As a call the
 * constant is opaque: the simplifier neither compares nor merges it, {@link FreshetRexExecutor} does not evaluate
 * it, and PostgreSQL compares it as the query does. Equal constants are still recognized as equal (deterministic).
 */
public final class CollatedConstantFunction extends SqlFunction implements EvaluatedByPostgres {

  public static final CollatedConstantFunction INSTANCE = new CollatedConstantFunction();

  private CollatedConstantFunction() {
    super("collated", SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null, OperandTypes.ANY, SqlFunctionCategory.SYSTEM);
  }

  /** Whether {@code node} is such a constant. */
  public static boolean isConstant(RexNode node) {
    return node instanceof RexCall call && call.getOperator() instanceof CollatedConstantFunction;
  }
}
