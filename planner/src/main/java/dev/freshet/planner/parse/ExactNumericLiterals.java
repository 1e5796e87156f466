package dev.freshet.planner.parse;

import java.math.BigDecimal;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * PostgreSQL reads a number written with an exponent ({@code 2.5e0}, {@code 1e3}) as a {@code numeric}, where
 * Calcite's parser makes it a DOUBLE: {@code cast(2.5e0 as int)} is 3 in PostgreSQL (numeric rounds half away from
 * zero) and was folded to 2 by the planner, and such a constant printed back reads as a numeric, so the plan's
 * arithmetic would not be the query's. Each is made the exact literal PostgreSQL reads, with PostgreSQL's scale
 * ({@code 1.50e1} is {@code 15.0}, {@code 1e3} is {@code 1000}, a numeric, {@code 2.5e-3} is {@code 0.0025}).
 */
public final class ExactNumericLiterals extends SqlShuttle {

  private ExactNumericLiterals() {
  }

  /** {@code parsed} with every approximate numeric literal made exact. */
  public static SqlNode rewrite(SqlNode parsed) {
    return parsed.accept(new ExactNumericLiterals());
  }

  @Override
  public SqlNode visit(SqlLiteral literal) {
    if (literal instanceof SqlNumericLiteral number && !number.isExact()) {
      BigDecimal value = number.getValueAs(BigDecimal.class);
      // PostgreSQL's scale: the digits after the point less the exponent, never below 0
      BigDecimal exact = value.scale() < 0 ? value.setScale(0) : value;
      SqlLiteral written = SqlLiteral.createExactNumeric(exact.toPlainString(), literal.getParserPosition());
      if (exact.scale() > 0) {
        return written;
      }
      // without a point it would be an integer: 1e0 / 3 is 0.33333333333333333333 in PostgreSQL, not 0
      return SqlStdOperatorTable.CAST.createCall(literal.getParserPosition(), written,
          new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.DECIMAL, literal.getParserPosition()),
              literal.getParserPosition()));
    }
    return literal;
  }
}
