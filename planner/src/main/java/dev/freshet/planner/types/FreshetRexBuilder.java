package dev.freshet.planner.types;

import dev.freshet.planner.catalog.PgTypeMapping;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * A {@link RexBuilder} that does not fold a cast of a numeric literal to the unbounded numeric
 * ({@link PgTypeMapping#isUnboundedNumeric}): PostgreSQL's unconstrained numeric keeps each value's
 * own scale, so {@code 1.50} in a union with a numeric column stays {@code 1.50} (scale 2), where the
 * folded literal would be {@code 1.500…0} with the assumed scale of 100 digits, and every sum and
 * average over it would carry 100 decimals. The cast stays and prints as {@code CAST(1.50 AS numeric)}.
 * Nor does it drop or fold a cast to a {@link PostgresNamedType} ({@code '{}'::jsonb}).
 */
public final class FreshetRexBuilder extends RexBuilder {

  public FreshetRexBuilder(RelDataTypeFactory typeFactory) {
    super(typeFactory);
  }

  /** Keeps a cast to a {@link PostgresNamedType}, which Calcite (seeing ANY) would drop. */
  @Override
  public RexNode ensureType(SqlParserPos pos, RelDataType type, RexNode node, boolean matchNullability) {
    RelDataType target = matchNullability ? matchNullability(type, node) : type;
    if (target instanceof PostgresNamedType && !target.equals(node.getType())) {
      return makeCast(pos, target, node);
    }
    return super.ensureType(pos, type, node, matchNullability);
  }

  @Override
  public RexNode makeCast(SqlParserPos pos, RelDataType type, RexNode exp, boolean matchNullability,
      boolean safe, RexLiteral format) {
    boolean nullLiteral = exp instanceof RexLiteral literal && literal.isNull();
    if (type instanceof PostgresNamedType && !type.equals(exp.getType()) && !nullLiteral) {
      // Calcite cannot convert values to a PostgreSQL type: the cast stays, and PostgreSQL converts.
      return makeAbstractCast(pos, matchNullability ? matchNullability(type, exp) : type, exp, safe, format);
    }
    if (exp instanceof RexLiteral literal && !literal.isNull()
        && PgTypeMapping.isUnboundedNumeric(type)
        && SqlTypeUtil.isNumeric(literal.getType())
        && !PgTypeMapping.isUnboundedNumeric(literal.getType())) {
      return makeAbstractCast(pos, type, exp, safe, format);
    }
    return super.makeCast(pos, type, exp, matchNullability, safe, format);
  }
}
