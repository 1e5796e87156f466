package dev.freshet.planner.parse;

import java.util.EnumSet;
import java.util.List;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlOperatorTables;

/**
 * Operators PostgreSQL has and Calcite lacks, and the operator table the planner validates against
 * (ours first, then Calcite's standard and PostgreSQL libraries).
 *
 * <p>Each of ours prints back as PostgreSQL writes it, so the SQL Freshet generates keeps
 * PostgreSQL's own semantics (e.g. {@code date + integer} stays a date).
 */
public final class PostgresOperators {

  /** PostgreSQL's {@code interval} without a precision keeps microseconds. */
  private static final int MICROSECONDS = 6;

  /** {@code date + integer}: the date that many days later (PostgreSQL's {@code date_pli}). */
  public static final SqlBinaryOperator DATE_PLUS_DAYS = new DateOperator("+", SqlKind.OTHER,
      40, true, ReturnTypes.ARG0_NULLABLE, null,
      OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.INTEGER));

  /** {@code integer + date}. */
  public static final SqlBinaryOperator DAYS_PLUS_DATE = new DateOperator("+", SqlKind.OTHER,
      40, true, ReturnTypes.ARG1_NULLABLE, null,
      OperandTypes.family(SqlTypeFamily.INTEGER, SqlTypeFamily.DATE));

  /** {@code date - integer}. */
  public static final SqlBinaryOperator DATE_MINUS_DAYS = new DateOperator("-", SqlKind.OTHER,
      40, true, ReturnTypes.ARG0_NULLABLE, null,
      OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.INTEGER));

  /** {@code date - date}: the number of days between, an integer. */
  public static final SqlBinaryOperator DATE_MINUS_DATE = new DateOperator("-", SqlKind.OTHER,
      40, true, ReturnTypes.INTEGER_NULLABLE, null,
      OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.DATE));

  /**
   * {@code timestamp - timestamp} and {@code timestamptz - timestamptz}: the time between, an {@code interval} of
   * days and time (PostgreSQL's {@code timestamp_mi}, {@code timestamptz_mi}, both immutable: {@code '25 hours'}
   * is written {@code 1 day 01:00:00}, never as months). A {@code date} or {@code timestamp} beside a
   * {@code timestamptz} is left to Calcite's {@code -}, which refuses it: PostgreSQL casts it first, under the
   * TimeZone.
   */
  public static final SqlBinaryOperator TIMESTAMP_MINUS_TIMESTAMP = new DateOperator("-", SqlKind.OTHER,
      40, true, opBinding -> {
        var factory = opBinding.getTypeFactory();
        RelDataType interval = factory.createSqlIntervalType(new SqlIntervalQualifier(TimeUnit.DAY,
            SqlTypeName.MAX_INTERVAL_START_PRECISION, TimeUnit.SECOND, MICROSECONDS, SqlParserPos.ZERO));
        return factory.createTypeWithNullability(interval,
            opBinding.getOperandType(0).isNullable() || opBinding.getOperandType(1).isNullable());
      }, null,
      OperandTypes.family(SqlTypeFamily.TIMESTAMP, SqlTypeFamily.TIMESTAMP));

  /**
   * {@code date_trunc(field, source)}. Over a timestamp it is a timestamp; over a date or timestamptz
   * PostgreSQL answers a timestamptz (a date is first cast to timestamptz).
   */
  public static final SqlFunction DATE_TRUNC = new SqlFunction("DATE_TRUNC", SqlKind.OTHER_FUNCTION,
      opBinding -> {
        RelDataType source = opBinding.getOperandType(1);
        var factory = opBinding.getTypeFactory();
        RelDataType result = source.getSqlTypeName() == SqlTypeName.TIMESTAMP
            ? factory.createSqlType(SqlTypeName.TIMESTAMP, source.getPrecision())
            : factory.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE);
        return factory.createTypeWithNullability(result,
            source.isNullable() || opBinding.getOperandType(0).isNullable());
      },
      null,
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME),
      SqlFunctionCategory.TIMEDATE);

  /**
   * PostgreSQL's clock functions, {@code timestamptz}: {@code now()} and {@code transaction_timestamp()}
   * (the transaction's start), {@code statement_timestamp()}, {@code clock_timestamp()}. They change
   * without any change to the sources, so they are dynamic: DIFFERENTIAL refuses them (FR004), FULL and
   * AUTO recompute.
   */
  private static SqlFunction clock(String name) {
    return new SqlFunction(name, SqlKind.OTHER_FUNCTION,
        opBinding -> opBinding.getTypeFactory().createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6),
        null, OperandTypes.NILADIC, SqlFunctionCategory.TIMEDATE) {
      @Override
      public boolean isDynamicFunction() {
        return true;
      }

      @Override
      public boolean isDeterministic() {
        return false;
      }
    };
  }

  private static final List<SqlFunction> CLOCKS = List.of(clock("NOW"), clock("TRANSACTION_TIMESTAMP"),
      clock("STATEMENT_TIMESTAMP"), clock("CLOCK_TIMESTAMP"));

  /** Resolves {@code +} and {@code -} to our date operators when the operand types call for them. */
  private static final SqlBinaryOperator PLUS = new DateArithmeticDispatch(SqlStdOperatorTable.PLUS);
  private static final SqlBinaryOperator MINUS = new DateArithmeticDispatch(SqlStdOperatorTable.MINUS);

  private static final SqlOperatorTable OURS =
      SqlOperatorTables.of(java.util.stream.Stream.of(java.util.stream.Stream.of(PLUS, MINUS, DATE_TRUNC,
          AtTimeZone.INFIX, AtTimeZone.FUNCTION),
          CLOCKS.stream(), InfixOperator.ALL.stream()).flatMap(s -> s).toList());

  private static final SqlOperatorTable TABLE = new CaseInsensitiveFunctions(
      SqlOperatorTables.chain(OURS, SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(
          EnumSet.of(SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL))));

  private PostgresOperators() {
  }

  /** The operator table for validating PostgreSQL-flavoured queries. */
  public static SqlOperatorTable table() {
    return TABLE;
  }

  /**
   * A date operator. It is never in the operator table (the validator finds {@link DateArithmeticDispatch}
   * by the name {@code +} or {@code -}), so re-validating a call already resolved to it (as the expansion
   * of {@code ORDER BY 1} does) checks its operands without looking it up again, which would fail:
   * "No match found for function signature +".
   */
  private static final class DateOperator extends SqlBinaryOperator {
    DateOperator(String name, SqlKind kind, int precedence, boolean leftAssoc,
        org.apache.calcite.sql.type.SqlReturnTypeInference returnType,
        org.apache.calcite.sql.type.SqlOperandTypeInference operandTypeInference,
        org.apache.calcite.sql.type.SqlOperandTypeChecker operandTypeChecker) {
      super(name, kind, precedence, leftAssoc, returnType, operandTypeInference, operandTypeChecker);
    }

    @Override
    public RelDataType deriveType(org.apache.calcite.sql.validate.SqlValidator validator,
        org.apache.calcite.sql.validate.SqlValidatorScope scope, org.apache.calcite.sql.SqlCall call) {
      for (org.apache.calcite.sql.SqlNode operand : call.getOperandList()) {
        validator.deriveType(scope, operand);
      }
      return validateOperands(validator, scope, call);
    }
  }

  /**
   * Stands in for Calcite's {@code +}/{@code -} during operator lookup (the validator resolves binary
   * operators by name, first match wins) and hands each call to the right implementation: ours for
   * {@code date ± integer}, {@code date - date} and {@code timestamp - timestamp}, Calcite's otherwise. The call keeps no reference
   * to this class, so the converted plan only ever contains the standard or our date operators.
   */
  private static final class DateArithmeticDispatch extends SqlBinaryOperator {
    private final SqlBinaryOperator standard;

    DateArithmeticDispatch(SqlBinaryOperator standard) {
      super(standard.getName(), standard.getKind(), standard.getLeftPrec(), true,
          standard.getReturnTypeInference(), standard.getOperandTypeInference(),
          standard.getOperandTypeChecker());
      this.standard = standard;
    }

    @Override
    public boolean checkOperandTypes(SqlCallBinding binding, boolean throwOnFailure) {
      SqlOperator target = choose(binding.getOperandType(0), binding.getOperandType(1));
      ((SqlBasicCall) binding.getCall()).setOperator(target);
      return target.checkOperandTypes(binding, throwOnFailure);
    }

    @Override
    public RelDataType inferReturnType(SqlOperatorBinding binding) {
      return choose(binding.getOperandType(0), binding.getOperandType(1)).inferReturnType(binding);
    }

    private SqlOperator choose(RelDataType left, RelDataType right) {
      boolean leftDate = left.getSqlTypeName() == SqlTypeName.DATE;
      boolean rightDate = right.getSqlTypeName() == SqlTypeName.DATE;
      boolean leftInt = SqlTypeUtil.isIntType(left);
      boolean rightInt = SqlTypeUtil.isIntType(right);
      if (standard.getKind() == SqlKind.PLUS) {
        if (leftDate && rightInt) {
          return DATE_PLUS_DAYS;
        }
        if (leftInt && rightDate) {
          return DAYS_PLUS_DATE;
        }
      } else {
        if (leftDate && rightInt) {
          return DATE_MINUS_DAYS;
        }
        if (leftDate && rightDate) {
          return DATE_MINUS_DATE;
        }
        if (left.getSqlTypeName() == right.getSqlTypeName() && (left.getSqlTypeName() == SqlTypeName.TIMESTAMP
            || left.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
          return TIMESTAMP_MINUS_TIMESTAMP;
        }
      }
      return standard;
    }
  }
}
