package dev.freshet.planner.parse;

import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlQuantifyOperator;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Refuses {@code x = ANY (array)} and {@code x op ALL (array)} before Calcite reads them. PostgreSQL's
 * quantified comparison takes a sub-query or an array; Calcite's parser takes the parenthesized array as a
 * one-element list, which its converter turns into {@code x = array}: another query (caught by the plan
 * check at create as FR009, "a bug"). Until the planner carries array quantifiers, this says plainly what
 * is not read. A sub-query ({@code x = ANY (SELECT …)}) is Calcite's own and stays maintained.
 */
public final class ArrayQuantifierCheck extends SqlBasicVisitor<Void> {

  private final String sql;
  private final InfixCasts.Rewritten text;

  private ArrayQuantifierCheck(String sql, InfixCasts.Rewritten text) {
    this.sql = sql;
    this.text = text;
  }

  /** Throws {@link UnsupportedQueryException} (FR008) at the first array quantifier of {@code parsed}. */
  public static void check(SqlNode parsed, String sql, InfixCasts.Rewritten text) {
    parsed.accept(new ArrayQuantifierCheck(sql, text));
  }

  @Override
  public Void visit(SqlCall call) {
    if (call.getOperator() instanceof SqlQuantifyOperator quantifier && call.operandCount() == 2
        && call.operand(1) != null && !call.operand(1).isA(SqlKind.QUERY)) {
      String quantified = quantifier.comparisonKind.sql + " " + (quantifier.kind == SqlKind.SOME ? "ANY" : "ALL");
      throw new UnsupportedQueryException(new Refusal(ReasonCode.UNREADABLE_QUERY,
          text.original(SourcePosition.of(call.getParserPosition())),
          quantified + " (array) is not read by Freshet's planner yet; " + quantified + " (SELECT …) is",
          "use --mode FULL or AUTO: PostgreSQL runs the query as written; or join with unnest(array)"),
          sql, null);
    }
    return super.visit(call);
  }
}
