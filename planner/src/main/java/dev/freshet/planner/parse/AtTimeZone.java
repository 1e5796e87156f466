package dev.freshet.planner.parse;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.planner.types.EvaluatedByPostgres;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperandCountRange;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.SqlOperandCountRanges;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * PostgreSQL's {@code ts AT TIME ZONE zone}, the function {@code timezone(zone, ts)}: a {@code timestamptz} as the
 * wall-clock {@code timestamp} in the zone, a {@code timestamp} read as wall-clock time in the zone, a
 * {@code timestamptz}. The zone is a text (a name, {@code 'UTC'}, {@code 'America/New_York'}, or a POSIX
 * offset) or an {@code interval}. Both functions are immutable in PostgreSQL: the result depends on the operands
 * only, never on the session's TimeZone. {@link AtTimeZones} writes the infix form as a call of {@link #INFIX}
 * ({@code "AT TIME ZONE"(ts, zone)}), which prints back as {@code (ts AT TIME ZONE zone)}; {@link #FUNCTION}
 * is {@code timezone(zone, ts)} as written. PostgreSQL evaluates both ({@link EvaluatedByPostgres}); the result
 * is PostgreSQL's {@code timestamp} or {@code timestamptz} without a precision (microseconds).
 */
public final class AtTimeZone extends SqlFunction implements EvaluatedByPostgres {

  /** {@code ts AT TIME ZONE zone}. */
  public static final AtTimeZone INFIX = new AtTimeZone("AT TIME ZONE", 0);

  /** {@code timezone(zone, ts)}. */
  public static final AtTimeZone FUNCTION = new AtTimeZone("TIMEZONE", 1);

  /** Which operand is the timestamp (the other is the zone). */
  private final int timestamp;

  private AtTimeZone(String name, int timestamp) {
    super(name, SqlKind.OTHER_FUNCTION, null, null, null, SqlFunctionCategory.TIMEDATE);
    this.timestamp = timestamp;
  }

  /** The call's name in the text given to Calcite's parser: {@code "AT TIME ZONE"}. */
  static String callName() {
    return Quoting.identifier(INFIX.getName());
  }

  @Override
  public SqlOperandCountRange getOperandCountRange() {
    return SqlOperandCountRanges.of(2);
  }

  @Override
  public boolean checkOperandTypes(SqlCallBinding binding, boolean throwOnFailure) {
    SqlTypeName stamp = binding.getOperandType(timestamp).getSqlTypeName();
    RelDataType zone = binding.getOperandType(1 - timestamp);
    boolean ok = (stamp == SqlTypeName.TIMESTAMP || stamp == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)
        && (SqlTypeUtil.inCharFamily(zone) || zone.getIntervalQualifier() != null
            && !zone.getIntervalQualifier().isYearMonth());
    if (!ok && throwOnFailure) {
      throw binding.newValidationSignatureError();
    }
    return ok;
  }

  @Override
  public String getAllowedSignatures(String opNameToUse) {
    return timestamp == 0
        ? "<timestamp|timestamptz> AT TIME ZONE <text|interval>"
        : "timezone(<text|interval>, <timestamp|timestamptz>)";
  }

  @Override
  public RelDataType inferReturnType(SqlOperatorBinding binding) {
    RelDataTypeFactory factory = binding.getTypeFactory();
    RelDataType stamp = binding.getOperandType(timestamp);
    SqlTypeName result = stamp.getSqlTypeName() == SqlTypeName.TIMESTAMP
        ? SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE : SqlTypeName.TIMESTAMP;
    return factory.createTypeWithNullability(factory.createSqlType(result, MICROSECONDS),
        stamp.isNullable() || binding.getOperandType(1 - timestamp).isNullable());
  }

  /** The infix form printed as PostgreSQL writes it, in brackets; the function form as a call. */
  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    if (timestamp != 0) {
      super.unparse(writer, call, leftPrec, rightPrec);
      return;
    }
    SqlWriter.Frame frame = writer.startList("(", ")");
    call.operand(0).unparse(writer, 0, OPERAND_PRECEDENCE);
    writer.keyword("AT TIME ZONE");
    call.operand(1).unparse(writer, OPERAND_PRECEDENCE, 0);
    writer.endList(frame);
  }

  /** PostgreSQL's timestamps without a precision keep microseconds. */
  private static final int MICROSECONDS = 6;

  /** Brackets an operand that is a call of any infix operator (Calcite's tightest, {@code .}, is 80). */
  private static final int OPERAND_PRECEDENCE = 99;
}
