package dev.freshet.planner.parse;

import dev.freshet.planner.types.PostgresConstantFunction;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlValidatorScope;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.implicit.TypeCoercionImpl;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Calcite's implicit type coercion, except that a string literal meeting a value of a type whose text only
 * PostgreSQL reads right ({@link PostgresConstantFunction#readByPostgres}: uuid, bytea, interval,
 * timestamptz, boolean) takes that value's type, as PostgreSQL's untyped literal does: in a comparison
 * ({@code g = 'A0EE…'}, {@code '10.0.0.1' = ip}), {@code IN}, {@code BETWEEN}, and the branches of a
 * {@code CASE}, {@code COALESCE} or {@code UNION}. The literal is then cast to the type, which the planner's rex
 * builder keeps as a constant PostgreSQL converts.
 *
 * <p>Calcite 1.42 did otherwise: it compared {@code g = 'A0EE…'} as {@code CAST(g AS CHAR(36)) = 'A0EE…'}
 * and {@code h = '\x00'} as {@code CAST(h AS VARCHAR) = '\x00'}, by text, so a uuid spelled in upper case or
 * braces, or bytea printed other than as hex, missed its rows; and it typed {@code COALESCE(h, '\x00')} as
 * text. The character operand here is a string literal (or an expression of literals): PostgreSQL, which has
 * read the query before Freshet plans it, refuses a uuid, bytea, interval, timestamptz or boolean beside text.
 */
public final class PostgresTypeCoercion extends TypeCoercionImpl {

  public PostgresTypeCoercion(RelDataTypeFactory typeFactory, SqlValidator validator) {
    super(typeFactory, validator);
  }

  /** The type a string literal takes beside {@code type1} and {@code type2}, if one is such a literal's. */
  static @Nullable RelDataType literalTakesOtherType(RelDataTypeFactory factory, RelDataType type1,
      RelDataType type2) {
    boolean nullable = type1.isNullable() || type2.isNullable();
    if (SqlTypeUtil.isCharacter(type1) && PostgresConstantFunction.readByPostgres(type2)) {
      return factory.createTypeWithNullability(type2, nullable);
    }
    if (SqlTypeUtil.isCharacter(type2) && PostgresConstantFunction.readByPostgres(type1)) {
      return factory.createTypeWithNullability(type1, nullable);
    }
    return null;
  }

  /**
   * The type a string literal takes beside a value of {@code type1} or {@code type2} among the values of a {@code
   * CASE}, {@code COALESCE}, {@code NULLIF}, {@code GREATEST}, {@code LEAST}, {@code IN} list or set operation,
   * if the other is of a type PostgreSQL has no implicit cast from text to ({@link PostgresConstantFunction#takesUntypedLiteral}: date,
   * timestamp, time, a number): PostgreSQL resolves the untyped literal to the other values' type ("UNION,
   * CASE, and related constructs"), so {@code coalesce(d, '2021-2-3')} is a date, where Calcite promoted the
   * values to varchar ({@code CAST(d AS varchar)}). The character operand is a string literal: PostgreSQL, which
   * has read the query before Freshet plans it, refuses a date or a number beside text there.
   */
  static @Nullable RelDataType branchLiteralTakesOtherType(RelDataTypeFactory factory, RelDataType type1,
      RelDataType type2) {
    boolean nullable = type1.isNullable() || type2.isNullable();
    if (SqlTypeUtil.isCharacter(type1) && PostgresConstantFunction.takesUntypedLiteral(type2)) {
      return factory.createTypeWithNullability(type2, nullable);
    }
    if (SqlTypeUtil.isCharacter(type2) && PostgresConstantFunction.takesUntypedLiteral(type1)) {
      return factory.createTypeWithNullability(type1, nullable);
    }
    return null;
  }

  /**
   * Casts a string literal to an interval type by its interval qualifier, as the parser writes
   * {@code CAST(x AS INTERVAL DAY TO SECOND)}: Calcite's own coercion names the type by a basic type spec, which
   * it cannot derive back as an interval ("use createSqlIntervalType() instead").
   */
  @Override
  protected boolean coerceOperandType(@Nullable SqlValidatorScope scope, SqlCall call, int index,
      RelDataType targetType) {
    SqlNode cast = intervalCast(scope, call.getOperandList().get(index), targetType);
    if (cast != null) {
      call.setOperand(index, cast);
      return true;
    }
    return super.coerceOperandType(scope, call, index, targetType);
  }

  /**
   * {@link #coerceOperandType}, for an element of a list ({@code iv IN ('1 day', '24 hours')}) or a column of a
   * set operation's branch, aliased or not: an interval value of another interval type there too ({@code
   * CAST('1 year' AS interval)}, INTERVAL SECOND to the planner, beside an interval column, INTERVAL DAY(10) TO
   * SECOND(6), in a union of three branches: property soak seed 437 failed the create on that assertion).
   */
  @Override
  protected boolean coerceColumnType(@Nullable SqlValidatorScope scope, SqlNodeList nodeList, int index,
      RelDataType targetType) {
    SqlNode item = index < nodeList.size() ? nodeList.get(index) : null;
    if (item instanceof SqlCall as && as.getKind() == SqlKind.AS) {
      SqlNode cast = intervalCast(scope, as.operand(0), targetType);
      if (cast != null) {
        as.setOperand(0, cast);
        return true;
      }
    } else if (item != null) {
      SqlNode cast = intervalCast(scope, item, targetType);
      if (cast != null) {
        nodeList.set(index, cast);
        return true;
      }
    }
    return super.coerceColumnType(scope, nodeList, index, targetType);
  }

  /**
   * {@code operand}, a string literal or an interval value of another type, cast to the interval type {@code
   * targetType}; null if it is not such a cast (or needs none).
   */
  private @Nullable SqlNode intervalCast(@Nullable SqlValidatorScope scope, SqlNode operand, RelDataType targetType) {
    SqlIntervalQualifier qualifier = targetType.getIntervalQualifier();
    if (scope == null || qualifier == null) {
      return null;
    }
    RelDataType operandType = validator.deriveType(scope, operand);
    boolean stringLiteral = operand instanceof SqlLiteral && SqlTypeUtil.isCharacter(operandType);
    boolean otherInterval = SqlTypeUtil.isInterval(operandType)
        && !operandType.equalsSansFieldNames(factory.createTypeWithNullability(targetType, operandType.isNullable()));
    if (!stringLiteral && !otherInterval) {
      return null;
    }
    SqlNode cast = SqlStdOperatorTable.CAST.createCall(operand.getParserPosition(), operand, qualifier);
    updateInferredType(cast, factory.createTypeWithNullability(targetType, operandType.isNullable()));
    return cast;
  }

  @Override
  public @Nullable RelDataType commonTypeForBinaryComparison(@Nullable RelDataType type1,
      @Nullable RelDataType type2) {
    if (type1 != null && type2 != null) {
      RelDataType literalType = literalTakesOtherType(factory, type1, type2);
      if (literalType != null) {
        return literalType;
      }
    }
    return super.commonTypeForBinaryComparison(type1, type2);
  }

  @Override
  public @Nullable RelDataType getTightestCommonType(@Nullable RelDataType type1, @Nullable RelDataType type2) {
    if (type1 != null && type2 != null) {
      RelDataType literalType = literalTakesOtherType(factory, type1, type2);
      if (literalType == null) {
        literalType = branchLiteralTakesOtherType(factory, type1, type2);
      }
      if (literalType != null) {
        return literalType;
      }
    }
    return super.getTightestCommonType(type1, type2);
  }
}
