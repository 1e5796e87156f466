package dev.freshet.planner.types;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.SqlTypeName;

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
 */
public final class PostgresConstantFunction extends SqlFunction {

  private static final Map<String, PostgresConstantFunction> BY_TYPE = new ConcurrentHashMap<>();

  private final String postgresName;

  private PostgresConstantFunction(String postgresName) {
    // Named as the type, so a plan reads jsonb('1.0') (PostgreSQL's own function-style cast) and two
    // types never share an operator: Calcite's operators are equal when their names are.
    super(postgresName, SqlKind.OTHER_FUNCTION, PostgresConstantFunction::inferType, null, OperandTypes.ANY,
        SqlFunctionCategory.SYSTEM);
    this.postgresName = postgresName;
  }

  /** The function making constants of {@code type}. */
  public static PostgresConstantFunction of(PostgresNamedType type) {
    return BY_TYPE.computeIfAbsent(type.postgresName(), PostgresConstantFunction::new);
  }

  /** Whether {@code node} is such a constant. */
  public static boolean isConstant(RexNode node) {
    return node instanceof RexCall call && call.getOperator() instanceof PostgresConstantFunction;
  }

  /** The type, as {@code format_type} prints it. */
  public String postgresName() {
    return postgresName;
  }

  /** Its type again, should Calcite derive it anew ({@code RexBuilder.makeCall} without a type). */
  private static RelDataType inferType(SqlOperatorBinding binding) {
    String name = ((PostgresConstantFunction) binding.getOperator()).postgresName;
    boolean nullable = binding.getOperandType(0).isNullable();
    return binding.getTypeFactory() instanceof FreshetTypeFactory freshet
        ? freshet.createPostgresType(name, nullable)
        : binding.getTypeFactory().createTypeWithNullability(
            binding.getTypeFactory().createSqlType(SqlTypeName.ANY), nullable);
  }
}
