package dev.freshet.planner.parse;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.planner.types.PostgresNamedType;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperandCountRange;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.SqlOperandCountRanges;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One of PostgreSQL's json operators, which {@link JsonOperators} writes as a call of a function named by
 * the operator ({@code "->>"(doc, 'a')}). Its result type is PostgreSQL's: {@code ->} and {@code #>} keep
 * the left operand's type (jsonb or json), {@code ->>} and {@code #>>} give text, {@code @>}, {@code <@}
 * and {@code ?} (jsonb only) a boolean. It prints back as the operator, bracketed with its operands
 * ({@code ("doc" ->> 'a')}), so generated SQL reads as PostgreSQL SQL and PostgreSQL evaluates it;
 * Calcite never does: its left operand is of a type carried by name, which {@code FreshetRexExecutor}
 * leaves alone.
 */
public final class JsonOperator extends SqlFunction {

  /** What the right operand must be. */
  private enum Right { KEY, PATH, JSONB }

  /** What the result is. */
  private enum Result { SAME, TEXT, BOOLEAN }

  /** {@code json -> text|integer}: a field or element, of the operand's type. */
  public static final JsonOperator JSON_GET = new JsonOperator("->", Right.KEY, Result.SAME, false);

  /** {@code json ->> text|integer}: a field or element as text. */
  public static final JsonOperator JSON_TEXT = new JsonOperator("->>", Right.KEY, Result.TEXT, false);

  /** {@code json #> text[]}: the value at a path, of the operand's type. */
  public static final JsonOperator JSON_PATH = new JsonOperator("#>", Right.PATH, Result.SAME, false);

  /** {@code json #>> text[]}: the value at a path as text. */
  public static final JsonOperator JSON_PATH_TEXT = new JsonOperator("#>>", Right.PATH, Result.TEXT, false);

  /** {@code jsonb @> jsonb}: whether the left value contains the right one. */
  public static final JsonOperator CONTAINS = new JsonOperator("@>", Right.JSONB, Result.BOOLEAN, true);

  /** {@code jsonb <@ jsonb}: whether the right value contains the left one. */
  public static final JsonOperator CONTAINED = new JsonOperator("<@", Right.JSONB, Result.BOOLEAN, true);

  /** {@code jsonb ? text}: whether the text is a top-level key (or array string). */
  public static final JsonOperator HAS_KEY = new JsonOperator("?", Right.KEY, Result.BOOLEAN, true);

  static final List<JsonOperator> ALL =
      List.of(JSON_GET, JSON_TEXT, JSON_PATH, JSON_PATH_TEXT, CONTAINS, CONTAINED, HAS_KEY);

  private static final Map<String, JsonOperator> BY_SYMBOL =
      ALL.stream().collect(Collectors.toMap(SqlOperator::getName, Function.identity()));

  private final Right right;
  private final Result result;
  private final boolean jsonbOnly;

  private JsonOperator(String symbol, Right right, Result result, boolean jsonbOnly) {
    super(symbol, SqlKind.OTHER_FUNCTION, null, null, null, SqlFunctionCategory.SYSTEM);
    this.right = right;
    this.result = result;
    this.jsonbOnly = jsonbOnly;
  }

  /** The operator written {@code symbol}, or null. */
  static @Nullable JsonOperator of(String symbol) {
    return BY_SYMBOL.get(symbol);
  }

  /** The call's name in the text given to Calcite's parser: the symbol as a quoted identifier. */
  static String callName(String symbol) {
    return Quoting.identifier(symbol);
  }

  @Override
  public SqlOperandCountRange getOperandCountRange() {
    return SqlOperandCountRanges.of(2);
  }

  @Override
  public boolean checkOperandTypes(SqlCallBinding binding, boolean throwOnFailure) {
    RelDataType left = binding.getOperandType(0);
    RelDataType rightType = binding.getOperandType(1);
    boolean ok = isJson(left, jsonbOnly) && switch (right) {
      case KEY -> SqlTypeUtil.inCharFamily(rightType)
          || result != Result.BOOLEAN && (rightType.getSqlTypeName() == SqlTypeName.INTEGER
              || rightType.getSqlTypeName() == SqlTypeName.SMALLINT);
      // a string literal is PostgreSQL's "unknown", which it reads as a text[] ('{a,b}')
      case PATH -> SqlTypeUtil.inCharFamily(rightType) || rightType.getComponentType() != null
          && SqlTypeUtil.inCharFamily(rightType.getComponentType())
          || rightType instanceof PostgresNamedType named && named.postgresName().equals("text[]");
      // a string literal reads as a jsonb
      case JSONB -> SqlTypeUtil.inCharFamily(rightType) || isJson(rightType, true);
    };
    if (!ok && throwOnFailure) {
      throw binding.newValidationSignatureError();
    }
    return ok;
  }

  private static boolean isJson(RelDataType type, boolean jsonbOnly) {
    return type instanceof PostgresNamedType named
        && (named.postgresName().equals("jsonb") || !jsonbOnly && named.postgresName().equals("json"));
  }

  @Override
  public String getAllowedSignatures(String opNameToUse) {
    String left = jsonbOnly ? "<jsonb>" : "<jsonb|json>";
    String rightText = switch (right) {
      case KEY -> result == Result.BOOLEAN ? "<text>" : "<text|integer>";
      case PATH -> "<text[]>";
      case JSONB -> "<jsonb>";
    };
    return left + " " + getName() + " " + rightText;
  }

  @Override
  public RelDataType inferReturnType(SqlOperatorBinding binding) {
    RelDataTypeFactory factory = binding.getTypeFactory();
    RelDataType left = binding.getOperandType(0);
    return switch (result) {
      // NULL when the key, element or path is missing
      case SAME -> factory.createTypeWithNullability(left, true);
      case TEXT -> factory.createTypeWithNullability(factory.createSqlType(SqlTypeName.VARCHAR), true);
      case BOOLEAN -> factory.createTypeWithNullability(factory.createSqlType(SqlTypeName.BOOLEAN),
          left.isNullable() || binding.getOperandType(1).isNullable());
    };
  }

  /** Printed as PostgreSQL writes it, in brackets, with bracketed operands unless they are primaries. */
  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    SqlWriter.Frame frame = writer.startList("(", ")");
    call.operand(0).unparse(writer, 0, OPERAND_PRECEDENCE);
    writer.sep(getName());
    call.operand(1).unparse(writer, OPERAND_PRECEDENCE, 0);
    writer.endList(frame);
  }

  /** Brackets an operand that is a call of any infix operator (Calcite's tightest, {@code .}, is 80). */
  private static final int OPERAND_PRECEDENCE = 99;
}
