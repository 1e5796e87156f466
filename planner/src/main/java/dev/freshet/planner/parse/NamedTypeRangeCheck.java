package dev.freshet.planner.parse;

import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.types.PostgresNamedType;
import java.util.EnumSet;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlValidator;

/**
 * Refuses an ordering comparison ({@code <}, {@code <=}, {@code >}, {@code >=}, {@code BETWEEN}) between a
 * value of a type Freshet carries by name (jsonb, enums, inet, ranges, …: {@link PostgresNamedType}) and a
 * constant. Calcite's simplifier orders such constants by their text, not as PostgreSQL does: it planned
 * {@code mood BETWEEN 'sad' AND 'happy'} (enum order sad, ok, happy) as no rows at all, since 'sad' &gt;
 * 'happy' as text; on an empty table the create-time plan check cannot see the difference, and the stream
 * table would stay empty. Until such constants are opaque to the simplifier the query is refused (FR001;
 * AUTO runs it as written). Comparing two columns is not affected: there is nothing to simplify.
 */
public final class NamedTypeRangeCheck extends SqlBasicVisitor<Void> {

  private static final Set<SqlKind> ORDERING = EnumSet.of(SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL,
      SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL, SqlKind.BETWEEN);

  private final SqlValidator validator;
  private final String sql;
  private final InfixCasts.Rewritten text;

  private NamedTypeRangeCheck(SqlValidator validator, String sql, InfixCasts.Rewritten text) {
    this.validator = validator;
    this.sql = sql;
    this.text = text;
  }

  /** Throws {@link UnsupportedQueryException} at the first such comparison of the validated query. */
  public static void check(SqlNode validated, SqlValidator validator, String sql, InfixCasts.Rewritten text) {
    validated.accept(new NamedTypeRangeCheck(validator, sql, text));
  }

  @Override
  public Void visit(SqlCall call) {
    if (ORDERING.contains(call.getKind())) {
      boolean named = false;
      boolean constant = false;
      for (SqlNode operand : call.getOperandList()) {
        if (operand == null || !(operand instanceof SqlCall || operand instanceof SqlIdentifier
            || operand.getKind() == SqlKind.LITERAL)) {
          continue;
        }
        RelDataType type = typeOf(operand);
        named |= type instanceof PostgresNamedType;
        constant |= !(operand instanceof SqlIdentifier) && !mentionsColumn(operand);
      }
      if (named && constant) {
        String what = ((PostgresNamedType) firstNamed(call)).postgresName();
        throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_FUNCTION,
            text.original(SourcePosition.of(call.getParserPosition())),
            "comparing a value of type " + what + " with a constant by order ("
                + (call.getKind() == SqlKind.BETWEEN ? "BETWEEN" : call.getOperator().getName())
                + ") is not maintained yet: Freshet's planner would order the constants by their text, not as "
                + "PostgreSQL orders " + what,
            "use --mode FULL or AUTO: PostgreSQL runs the query as written"), sql, null);
      }
    }
    return super.visit(call);
  }

  private RelDataType typeOf(SqlNode operand) {
    try {
      return validator.getValidatedNodeTypeIfKnown(operand);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private RelDataType firstNamed(SqlCall call) {
    for (SqlNode operand : call.getOperandList()) {
      RelDataType type = operand == null ? null : typeOf(operand);
      if (type instanceof PostgresNamedType) {
        return type;
      }
    }
    throw new IllegalStateException("no operand of a named type in " + call);
  }

  private static boolean mentionsColumn(SqlNode node) {
    Boolean found = node.accept(new SqlBasicVisitor<Boolean>() {
      @Override
      public Boolean visit(SqlIdentifier id) {
        return true;
      }

      @Override
      public Boolean visit(SqlCall call) {
        for (SqlNode operand : call.getOperandList()) {
          if (operand != null && Boolean.TRUE.equals(operand.accept(this))) {
            return true;
          }
        }
        return false;
      }
    });
    return Boolean.TRUE.equals(found);
  }
}
