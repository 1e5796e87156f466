package dev.freshet.planner.types;

import dev.freshet.planner.catalog.PgTypeMapping;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.IntervalSqlType;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * A {@link RexBuilder} that does not fold a cast of a numeric literal to the unbounded numeric
 * ({@link PgTypeMapping#isUnboundedNumeric}): PostgreSQL's unconstrained numeric keeps each value's
 * own scale, so {@code 1.50} in a union with a numeric column stays {@code 1.50} (scale 2), where the
 * folded literal would be {@code 1.500…0} with the assumed scale of 100 digits, and every sum and
 * average over it would carry 100 decimals. The cast stays and prints as {@code CAST(1.50 AS numeric)}.
 * Nor does it drop or fold a cast to a {@link PostgresNamedType}; a cast of a literal to one
 * ({@code '{}'::jsonb}) becomes a {@link PostgresConstantFunction} call, which Calcite's simplifier cannot
 * decide comparisons by. Every cast Calcite makes comes through {@link #makeAbstractCast}; so does a string
 * literal compared with a value of such a type without a cast ({@code m IS DISTINCT FROM 'sad'}, which
 * Calcite converts without coercing its operands), through {@link #makeCall}. A cast of a literal to
 * {@code char(n)} becomes a {@link CharConstantFunction} constant: folded, it would be Calcite's CHAR
 * literal, which prints as a bare string that PostgreSQL reads as text.
 */
public final class FreshetRexBuilder extends RexBuilder {

  private static final Set<SqlKind> COMPARISONS = EnumSet.of(SqlKind.EQUALS, SqlKind.NOT_EQUALS, SqlKind.LESS_THAN,
      SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL, SqlKind.IS_DISTINCT_FROM,
      SqlKind.IS_NOT_DISTINCT_FROM);

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
    if (isTextReadByPostgres(type, exp, safe)) {
      // PostgreSQL's input function converts the text (see PostgresConstantFunction#readByPostgres).
      return makeTextConstant(pos, matchNullability ? matchNullability(type, exp) : type, exp);
    }
    if (type instanceof PostgresNamedType && !type.equals(exp.getType()) && !nullLiteral) {
      // Calcite cannot convert values to a PostgreSQL type: the cast stays, and PostgreSQL converts.
      return makeAbstractCast(pos, matchNullability ? matchNullability(type, exp) : type, exp, safe, format);
    }
    if (type.getSqlTypeName() == SqlTypeName.CHAR && !safe && (format == null || format.isNull())
        && exp instanceof RexLiteral literal && !literal.isNull()) {
      // a char(n) constant: Calcite's folded literal would be read by PostgreSQL as text
      RexNode cast = super.makeCast(pos, type, exp, matchNullability, safe, format);
      if (cast instanceof RexLiteral folded && type.isNullable() && !literal.getType().isNullable()
          && SqlTypeUtil.equalSansNullability(typeFactory, type, literal.getType())) {
        // Not one the user wrote: a cast to nullable only is Calcite's coercion of a bare string to the type of a
        // CASE or COALESCE that may be NULL (a cast the user writes keeps the string's NOT NULL). It stays the bare
        // string, which PostgreSQL types as it types the CASE around it (text for constants alone: codegen's
        // TypedNullShuttle leaves their NULLs bare); as char(2), CASE WHEN … THEN 'x ' END stored 'x'
        return folded;
      }
      return cast instanceof RexLiteral folded ? charConstant(pos, folded) : cast;
    }
    if (exp instanceof RexLiteral literal && !literal.isNull()
        && PgTypeMapping.isUnboundedNumeric(type)
        && SqlTypeUtil.isNumeric(literal.getType())
        && !PgTypeMapping.isUnboundedNumeric(literal.getType())) {
      return makeAbstractCast(pos, type, exp, safe, format);
    }
    return super.makeCast(pos, type, exp, matchNullability, safe, format);
  }

  @Override
  public RexNode makeAbstractCast(SqlParserPos pos, RelDataType type, RexNode exp, boolean safe) {
    return isPostgresConstant(type, exp, safe) ? makePostgresConstant(pos, (PostgresNamedType) type, exp)
        : isTextReadByPostgres(type, exp, safe) ? makeTextConstant(pos, type, exp)
        : super.makeAbstractCast(pos, type, exp, safe);
  }

  @Override
  public RexNode makeAbstractCast(SqlParserPos pos, RelDataType type, RexNode exp, boolean safe,
      RexLiteral format) {
    return isPostgresConstant(type, exp, safe) && format.isNull()
        ? makePostgresConstant(pos, (PostgresNamedType) type, exp)
        : isTextReadByPostgres(type, exp, safe) && format.isNull() ? makeTextConstant(pos, type, exp)
        : super.makeAbstractCast(pos, type, exp, safe, format);
  }

  /**
   * A cast of a non-NULL string literal to a Calcite type whose text only PostgreSQL reads right
   * ({@link PostgresConstantFunction#readByPostgres}: {@code '{A0EE…}'::uuid}, {@code '\x00'::bytea}, and the
   * bare literal beside a column of such a type, which the validator casts to the column's type as PostgreSQL
   * types it): a constant Calcite neither evaluates nor compares, printed back as the cast.
   */
  public static boolean isTextReadByPostgres(RelDataType type, RexNode exp, boolean safe) {
    return !safe && PostgresConstantFunction.readByPostgres(type) && exp instanceof RexLiteral literal
        && !literal.isNull() && SqlTypeUtil.isCharacter(literal.getType());
  }

  private RexNode makeTextConstant(SqlParserPos pos, RelDataType type, RexNode literal) {
    RelDataType constantType = intervalType(type);
    return super.makeCall(pos, constantType, PostgresConstantFunction.of(typeFactory, constantType), List.of(literal));
  }

  /**
   * An interval type as Calcite's {@link IntervalSqlType}: the validator's cast of a literal to an interval
   * column's type ({@code iv = '1 day'}) names it by a plain type spec, which Calcite derives back as a
   * {@code BasicSqlType} that its least restrictive type cannot compare with the column's.
   */
  private RelDataType intervalType(RelDataType type) {
    if (!SqlTypeUtil.isInterval(type) || type instanceof IntervalSqlType) {
      return type;
    }
    SqlTypeName name = type.getSqlTypeName();
    TimeUnit start = name.getStartUnit();
    TimeUnit end = name.getEndUnit();
    RelDataType interval = typeFactory.createSqlIntervalType(new SqlIntervalQualifier(start, type.getPrecision(),
        end == start ? null : end, type.getScale(), SqlParserPos.ZERO));
    return typeFactory.createTypeWithNullability(interval, type.isNullable());
  }

  /**
   * A cast of a non-NULL literal to a type carried by name: a constant whose value only PostgreSQL knows.
   * A typed NULL stays a NULL literal, which Calcite reasons about correctly; a safe cast (which
   * PostgreSQL lacks) stays a cast.
   */
  private static boolean isPostgresConstant(RelDataType type, RexNode exp, boolean safe) {
    return type instanceof PostgresNamedType && !safe && exp instanceof RexLiteral literal && !literal.isNull();
  }

  /**
   * {@code literal} (a CHAR(n) literal, a cast to char(n) folded) as a {@link CharConstantFunction} constant;
   * any other literal as it is.
   */
  RexNode charConstant(SqlParserPos pos, RexLiteral literal) {
    if (literal.isNull() || literal.getTypeName() != SqlTypeName.CHAR || literal.getType().getPrecision() <= 0) {
      return literal;
    }
    return super.makeCall(pos, literal.getType(), CharConstantFunction.INSTANCE, List.of(literal));
  }

  private RexNode makePostgresConstant(SqlParserPos pos, PostgresNamedType type, RexNode literal) {
    return super.makeCall(pos, type, PostgresConstantFunction.of(type), List.of(literal));
  }

  @Override
  public RexNode makeCall(SqlParserPos pos, SqlOperator op, List<? extends RexNode> exprs) {
    return super.makeCall(pos, op, withConstants(pos, op, exprs));
  }

  @Override
  public RexNode makeCall(SqlParserPos pos, RelDataType returnType, SqlOperator op, List<RexNode> exprs) {
    List<? extends RexNode> operands = withConstants(pos, op, exprs);
    return super.makeCall(pos, returnType, op, operands == exprs ? exprs : List.copyOf(operands));
  }

  /**
   * The operands of a comparison, with a string literal compared with a value of a type carried by name made
   * a constant of that type: PostgreSQL reads the literal (of type unknown) as a value of the other operand's
   * type, and Calcite, seeing a literal, would compare it by its text. Other operands are returned as given.
   */
  private List<? extends RexNode> withConstants(SqlParserPos pos, SqlOperator op, List<? extends RexNode> exprs) {
    if (!COMPARISONS.contains(op.getKind()) || exprs.size() != 2) {
      return exprs;
    }
    RexNode left = constantOf(pos, exprs.get(0), exprs.get(1));
    RexNode right = constantOf(pos, exprs.get(1), exprs.get(0));
    return left == exprs.get(0) && right == exprs.get(1) ? exprs : List.of(left, right);
  }

  /** {@code operand} as a constant of {@code other}'s type, if it is a string literal and that type is named. */
  private RexNode constantOf(SqlParserPos pos, RexNode operand, RexNode other) {
    if (other.getType() instanceof PostgresNamedType named && operand instanceof RexLiteral literal
        && !literal.isNull() && literal.getTypeName() == SqlTypeName.CHAR) {
      return makePostgresConstant(pos, (PostgresNamedType) typeFactory.createTypeWithNullability(named, false),
          literal);
    }
    return operand;
  }
}
