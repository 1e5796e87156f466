package dev.freshet.planner.types;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A constant of a type Freshet carries by name ({@link PostgresNamedType}): {@code '1.0'::jsonb} is planned
 * as the call {@code jsonb('1.0')} of this function, one per type, and printed back as the cast
 * {@code CAST('1.0' AS jsonb)} (codegen's {@code PostgresConstantShuttle}), so PostgreSQL converts the text.
 *
 * <p>Why a call and not Calcite's {@code CAST('1.0' AS jsonb)}: Calcite's simplifier evaluates a cast of a
 * literal ({@code RexSimplify.simplifyCast}, through its {@code RexExecutor}) and, for a type it knows only
 * as {@code ANY}, gets the text back as a character literal. It then decides comparisons by that text,
 * where PostgreSQL compares values: {@code mood BETWEEN 'sad' AND 'happy'} (enum order sad, ok, happy)
 * became no rows, as did {@code doc = '1'::jsonb AND doc = '1.0'::jsonb} (equal jsonb values), and
 * {@code ip = '10.0.0.1'::inet AND ip <> '10.0.0.1/32'::inet} became {@code ip = '10.0.0.1'}. The simplifier
 * reasons only about {@link RexLiteral}s (comparisons, ranges, {@code Sarg}s, equalities with constants);
 * this call is not one, and it does not look inside it. The call is deterministic, so equal constants
 * (same type, same text, hence the same value) are still recognized as equal and deduplicated.
 *
 * <p>Nor can Calcite's executor fold it: {@code RexExecutorImpl} has no implementation for it and leaves
 * every expression containing it as it is (its documented fallback), and the planner's own executor
 * ({@link FreshetRexExecutor}) never evaluates an expression of a type carried by name.
 *
 * <p>A string literal converted to one of the Calcite types whose text Calcite does not read as PostgreSQL does
 * ({@link #readByPostgres}: uuid, bytea, interval, timestamptz, boolean) is such a constant too, of that Calcite
 * type ({@link #of(RelDataType)}): {@code 'A0EE…'::uuid} and the bare {@code g = '{a0ee…}'} beside a uuid
 * column are PostgreSQL's to convert (upper case, braces and missing hyphens are one uuid; Calcite compared
 * the bare literal with the column's text, and orders uuids as signed numbers where PostgreSQL orders their
 * bytes), {@code '\x00'} beside a bytea column is one zero byte (Calcite read the bytes of the text), and
 * {@code '1 day'} and {@code '24 hours'} are one interval (Calcite's simplifier judged them apart by text).
 */
public final class PostgresConstantFunction extends SqlFunction {

  private static final Map<String, PostgresConstantFunction> BY_TYPE = new ConcurrentHashMap<>();

  private static final Map<String, PostgresConstantFunction> BY_CALCITE_TYPE = new ConcurrentHashMap<>();

  private final String postgresName;

  /** The Calcite type of the constants (NOT NULL), or null for a type carried by name. */
  private final @Nullable RelDataType calciteType;

  private PostgresConstantFunction(String postgresName) {
    // Named as the type, so a plan reads jsonb('1.0') (PostgreSQL's own function-style cast) and two
    // types never share an operator: Calcite's operators are equal when their names are.
    super(postgresName, SqlKind.OTHER_FUNCTION, PostgresConstantFunction::inferType, null, OperandTypes.ANY,
        SqlFunctionCategory.SYSTEM);
    this.postgresName = postgresName;
    this.calciteType = null;
  }

  private PostgresConstantFunction(RelDataType calciteType) {
    // Named by Calcite's full type (UUID, VARBINARY, INTERVAL DAY TO SECOND(6)): one operator per type.
    super(calciteType.getFullTypeString().replace(" NOT NULL", ""), SqlKind.OTHER_FUNCTION,
        PostgresConstantFunction::inferType, null, OperandTypes.ANY, SqlFunctionCategory.SYSTEM);
    this.postgresName = calciteType.getSqlTypeName().getName();
    this.calciteType = calciteType;
  }

  /** The function making constants of {@code type}. */
  public static PostgresConstantFunction of(PostgresNamedType type) {
    return BY_TYPE.computeIfAbsent(type.postgresName(), PostgresConstantFunction::new);
  }

  /**
   * The function making constants of the Calcite type {@code type} (one of {@link #readByPostgres}), from
   * text PostgreSQL converts: the constant has {@code type}, NOT NULL.
   */
  public static PostgresConstantFunction of(RelDataTypeFactory typeFactory, RelDataType type) {
    RelDataType notNull = typeFactory.createTypeWithNullability(type, false);
    return BY_CALCITE_TYPE.computeIfAbsent(notNull.getFullTypeString(), k -> new PostgresConstantFunction(notNull));
  }

  /**
   * Whether a string literal cast to {@code type}, a Calcite type, is left for PostgreSQL to convert: Calcite's
   * reading of the text differs from PostgreSQL's input function (uuid: upper case, braces, hyphens, and
   * Java's signed order; bytea: hex and escape formats; interval: units and equal spans; timestamptz: offsets
   * and the session's time zone; boolean: 'yes', 'on', 't', '1'...), or Calcite's simplifier would judge
   * two such literals by their text.
   */
  public static boolean readByPostgres(RelDataType type) {
    return switch (type.getSqlTypeName()) {
      case UUID, BINARY, VARBINARY, BOOLEAN, TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ -> true;
      default -> SqlTypeUtil.isInterval(type);
    };
  }

  /**
   * Whether a string literal among values of {@code type} in a {@code CASE}, {@code COALESCE}, {@code NULLIF},
   * {@code GREATEST}, {@code LEAST}, {@code IN} list or set operation takes that type, as PostgreSQL resolves an
   * untyped literal there: one of {@link #readByPostgres}, or a date, timestamp, time or integer (types PostgreSQL
   * has no implicit cast from text to, so the character value beside it can only be such a literal). Not numeric:
   * Calcite folds {@code CAST('1.50' AS numeric)} to a literal of its assumed scale (100 digits, or the scale of a
   * numeric(10,3) beside it), where PostgreSQL keeps 1.50; such a query stays refused (FR009), and AUTO runs it FULL.
   */
  public static boolean takesUntypedLiteral(RelDataType type) {
    return readByPostgres(type) || SqlTypeUtil.isIntType(type)
        || switch (type.getSqlTypeName()) {
          case DATE, TIME, TIMESTAMP -> true;
          default -> false;
        };
  }

  /** Whether {@code node} is such a constant. */
  public static boolean isConstant(RexNode node) {
    return node instanceof RexCall call && call.getOperator() instanceof PostgresConstantFunction;
  }

  /** The Calcite type of the constants (NOT NULL), or null for a type carried by name. */
  public @Nullable RelDataType calciteType() {
    return calciteType;
  }

  /** The type, as {@code format_type} prints it. */
  public String postgresName() {
    return postgresName;
  }

  /** Its type again, should Calcite derive it anew ({@code RexBuilder.makeCall} without a type). */
  private static RelDataType inferType(SqlOperatorBinding binding) {
    PostgresConstantFunction function = (PostgresConstantFunction) binding.getOperator();
    String name = function.postgresName;
    boolean nullable = binding.getOperandType(0).isNullable();
    if (function.calciteType != null) {
      return binding.getTypeFactory().createTypeWithNullability(function.calciteType, nullable);
    }
    return binding.getTypeFactory() instanceof FreshetTypeFactory freshet
        ? freshet.createPostgresType(name, nullable)
        : binding.getTypeFactory().createTypeWithNullability(
            binding.getTypeFactory().createSqlType(SqlTypeName.ANY), nullable);
  }
}
