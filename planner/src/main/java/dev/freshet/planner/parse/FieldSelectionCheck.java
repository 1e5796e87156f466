package dev.freshet.planner.parse;

import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Refuses a field of a composite value ({@code (a).zip}, {@code (p.a).zip}) before Calcite reads it. Freshet's
 * planner carries a composite type by its name, without its fields, so Calcite's validator would fail on the
 * selection with "Incompatible types"; this says plainly what is not read, and where.
 */
public final class FieldSelectionCheck extends SqlBasicVisitor<Void> {

  private final String sql;
  private final InfixCasts.Rewritten text;

  private FieldSelectionCheck(String sql, InfixCasts.Rewritten text) {
    this.sql = sql;
    this.text = text;
  }

  /** Throws {@link UnsupportedQueryException} (FR008) at the first field selection of {@code parsed}. */
  public static void check(SqlNode parsed, String sql, InfixCasts.Rewritten text) {
    parsed.accept(new FieldSelectionCheck(sql, text));
  }

  @Override
  public Void visit(SqlCall call) {
    if (call.getKind() == SqlKind.DOT) {
      SourcePosition position = text.original(SourcePosition.of(call.getParserPosition()));
      String field = call.operandCount() == 2 && call.operand(1) != null ? call.operand(1).toString() : "field";
      String written = written(position).orElse("(…)." + field);
      throw new UnsupportedQueryException(new Refusal(ReasonCode.UNREADABLE_QUERY, position,
          "Freshet's planner does not read a field of a composite value (" + written + ") yet",
          "use --mode AUTO or FULL: PostgreSQL runs the query as written (a refresh recomputes it when its tables "
              + "change); or keep the field in a column of its own (ALTER TABLE … ADD COLUMN " + field + " … "
              + "GENERATED ALWAYS AS ((a)." + field + ") STORED), which is maintained"),
          sql, null);
    }
    return super.visit(call);
  }

  /** The user's text at {@code position}, when it is on one line. */
  private java.util.Optional<String> written(SourcePosition position) {
    String[] lines = sql.split("\r?\n", -1);
    if (!position.isKnown() || position.endLine() != position.line() || position.line() > lines.length) {
      return java.util.Optional.empty();
    }
    String line = lines[position.line() - 1];
    if (position.column() < 1 || position.endColumn() < position.column() || position.endColumn() > line.length()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(line.substring(position.column() - 1, position.endColumn()));
  }
}
