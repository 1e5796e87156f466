package dev.freshet.planner.parse;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.planner.types.EvaluatedByPostgres;
import dev.freshet.planner.types.PostgresNamedType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlOperandCountRange;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.SqlOperandCountRanges;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One of PostgreSQL's infix operators that Calcite lacks, which {@link InfixOperators} writes as a call of a
 * function named by the operator ({@code "->>"(doc, 'a')}, {@code "&&"(tags, '{a}')}). Each takes operands of
 * the families it lists ({@link Form}), all of them PostgreSQL's:
 * <ul>
 *   <li>json: {@code ->} and {@code #>} keep the left operand's type (jsonb or json), {@code ->>} and
 *       {@code #>>} give text; on jsonb, {@code @>}, {@code <@} and {@code ?} give a boolean;
 *   <li>inet and cidr: {@code <<}, {@code <<=}, {@code >>}, {@code >>=} (contained in, contains, or equal),
 *       {@code &&} (either contains the other), a boolean;
 *   <li>arrays: {@code @>}, {@code <@}, {@code &&} (overlap), a boolean;
 *   <li>ranges and multiranges: {@code @>} (a range, or an element), {@code <@}, {@code &&}, {@code <<},
 *       {@code >>}, {@code &<}, {@code &>}, {@code -|-}, a boolean;
 *   <li>integers: {@code <<} and {@code >>} shift, of the left operand's type (Calcite's parser reads
 *       {@code <<} itself, and it did so before: the rewrite leaves it where it cannot tell the operands).
 * </ul>
 * The operands must be of the family on both sides, or one of them a string constant (PostgreSQL's
 * {@code unknown}, which it reads as the other side's type); a range's element may stand beside {@code @>}
 * and {@code <@}. PostgreSQL has analyzed the query before (it knows which operator it chose); the check
 * keeps out what a family's result type would be wrong for ({@code tsquery && tsquery} is a tsquery).
 *
 * <p>It prints back as the operator, bracketed with its operands ({@code ("doc" ->> 'a')}), so generated SQL
 * reads as PostgreSQL SQL and PostgreSQL evaluates it; Calcite never does ({@link EvaluatedByPostgres}).
 */
public final class InfixOperator extends SqlFunction implements EvaluatedByPostgres {

  /** What the result is. */
  private enum Result { SAME, TEXT, BOOLEAN, SHIFT_OR_BOOLEAN }

  /** {@code json -> text|integer}: a field or element, of the operand's type. */
  public static final InfixOperator JSON_GET = new InfixOperator("->", Result.SAME, Form.JSON_KEY);

  /** {@code json ->> text|integer}: a field or element as text. */
  public static final InfixOperator JSON_TEXT = new InfixOperator("->>", Result.TEXT, Form.JSON_KEY);

  /** {@code json #> text[]}: the value at a path, of the operand's type. */
  public static final InfixOperator JSON_PATH = new InfixOperator("#>", Result.SAME, Form.JSON_PATH);

  /** {@code json #>> text[]}: the value at a path as text. */
  public static final InfixOperator JSON_PATH_TEXT = new InfixOperator("#>>", Result.TEXT, Form.JSON_PATH);

  /** {@code @>}: whether the left jsonb, array or range contains the right one (or a range the element). */
  public static final InfixOperator CONTAINS =
      new InfixOperator("@>", Result.BOOLEAN, Form.JSONB, Form.ARRAY, Form.RANGE, Form.RANGE_ELEMENT);

  /** {@code <@}: whether the right jsonb, array or range contains the left one (or the left element). */
  public static final InfixOperator CONTAINED =
      new InfixOperator("<@", Result.BOOLEAN, Form.JSONB, Form.ARRAY, Form.RANGE, Form.ELEMENT_RANGE);

  /** {@code jsonb ? text}: whether the text is a top-level key (or array string). */
  public static final InfixOperator HAS_KEY = new InfixOperator("?", Result.BOOLEAN, Form.JSONB_KEY);

  /** {@code &&}: whether two networks contain one another, or two arrays or ranges overlap. */
  public static final InfixOperator OVERLAPS =
      new InfixOperator("&&", Result.BOOLEAN, Form.NETWORK, Form.ARRAY, Form.RANGE);

  /** {@code <<}: a network strictly within another, a range strictly left of another; or an integer shift. */
  public static final InfixOperator LEFT =
      new InfixOperator("<<", Result.SHIFT_OR_BOOLEAN, Form.SHIFT, Form.NETWORK, Form.RANGE);

  /** {@code >>}: a network strictly containing another, a range strictly right of another; or a shift. */
  public static final InfixOperator RIGHT =
      new InfixOperator(">>", Result.SHIFT_OR_BOOLEAN, Form.SHIFT, Form.NETWORK, Form.RANGE);

  /** {@code inet <<= inet}: within or equal. */
  public static final InfixOperator WITHIN_OR_EQUAL = new InfixOperator("<<=", Result.BOOLEAN, Form.NETWORK);

  /** {@code inet >>= inet}: contains or equals. */
  public static final InfixOperator CONTAINS_OR_EQUAL = new InfixOperator(">>=", Result.BOOLEAN, Form.NETWORK);

  /** {@code range &< range}: does not extend to the right of. */
  public static final InfixOperator NOT_RIGHT = new InfixOperator("&<", Result.BOOLEAN, Form.RANGE);

  /** {@code range &> range}: does not extend to the left of. */
  public static final InfixOperator NOT_LEFT = new InfixOperator("&>", Result.BOOLEAN, Form.RANGE);

  /** {@code range -|- range}: adjacent. */
  public static final InfixOperator ADJACENT = new InfixOperator("-|-", Result.BOOLEAN, Form.RANGE);

  static final List<InfixOperator> ALL = List.of(JSON_GET, JSON_TEXT, JSON_PATH, JSON_PATH_TEXT, CONTAINS,
      CONTAINED, HAS_KEY, OVERLAPS, LEFT, RIGHT, WITHIN_OR_EQUAL, CONTAINS_OR_EQUAL, NOT_RIGHT, NOT_LEFT, ADJACENT);

  private static final Map<String, InfixOperator> BY_SYMBOL =
      ALL.stream().collect(Collectors.toMap(SqlOperator::getName, Function.identity()));

  /** PostgreSQL's built-in range and multirange types (a user-defined one has no canonical text: FR002). */
  private static final Set<String> RANGES = Set.of("int4range", "int8range", "numrange", "daterange", "tsrange",
      "tstzrange", "int4multirange", "int8multirange", "nummultirange", "datemultirange", "tsmultirange",
      "tstzmultirange");

  /** An operand: its type, and whether it is a string constant (PostgreSQL's {@code unknown}). */
  private record Operand(RelDataType type, boolean unknown) {

    boolean isNamed(String... names) {
      return type instanceof PostgresNamedType named && List.of(names).contains(named.postgresName());
    }

    boolean isNetwork() {
      return isNamed("inet", "cidr");
    }

    boolean isArray() {
      return type instanceof PostgresNamedType named ? named.postgresName().endsWith("[]")
          : type.getSqlTypeName() == SqlTypeName.ARRAY;
    }

    boolean isRange() {
      return type instanceof PostgresNamedType named && RANGES.contains(named.postgresName());
    }

    /** A value of a type Calcite has (a range's element is a number, date or timestamp). */
    boolean isScalar() {
      return !unknown && !(type instanceof PostgresNamedType) && type.getSqlTypeName() != SqlTypeName.ANY
          && type.getComponentType() == null && !type.isStruct() && type.getSqlTypeName() != SqlTypeName.NULL;
    }

    boolean isExactInteger() {
      SqlTypeName name = type.getSqlTypeName();
      return name == SqlTypeName.SMALLINT || name == SqlTypeName.INTEGER || name == SqlTypeName.BIGINT;
    }
  }

  /** The operands an operator takes, one family of PostgreSQL's at a time. */
  private enum Form {
    /** {@code json|jsonb OP text|integer}. */
    JSON_KEY("<jsonb|json> OP <text|integer>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        SqlTypeName name = right.type().getSqlTypeName();
        return isJson(left.type(), false) && (SqlTypeUtil.inCharFamily(right.type())
            || name == SqlTypeName.INTEGER || name == SqlTypeName.SMALLINT);
      }
    },
    /** {@code json|jsonb OP text[]}; a string constant is PostgreSQL's "unknown", read as a text[] ('{a,b}'). */
    JSON_PATH("<jsonb|json> OP <text[]>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        RelDataType type = right.type();
        return isJson(left.type(), false) && (SqlTypeUtil.inCharFamily(type)
            || type.getComponentType() != null && SqlTypeUtil.inCharFamily(type.getComponentType())
            || right.isNamed("text[]"));
      }
    },
    /** {@code jsonb OP jsonb}; a string constant reads as a jsonb. */
    JSONB("<jsonb> OP <jsonb>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        return isJson(left.type(), true) && (SqlTypeUtil.inCharFamily(right.type()) || isJson(right.type(), true))
            || left.unknown() && isJson(right.type(), true);
      }
    },
    /** {@code jsonb ? text}. */
    JSONB_KEY("<jsonb> OP <text>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        return isJson(left.type(), true) && SqlTypeUtil.inCharFamily(right.type());
      }
    },
    /** {@code inet|cidr OP inet|cidr} (a cidr is an inet to these operators). */
    NETWORK("<inet> OP <inet>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        return left.isNetwork() && (right.isNetwork() || right.unknown())
            || left.unknown() && right.isNetwork();
      }
    },
    /** {@code anyarray OP anyarray}. */
    ARRAY("<anyarray> OP <anyarray>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        return left.isArray() && (right.isArray() || right.unknown()) || left.unknown() && right.isArray();
      }
    },
    /** {@code anyrange|anymultirange OP anyrange|anymultirange}. */
    RANGE("<anyrange> OP <anyrange>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        return left.isRange() && (right.isRange() || right.unknown()) || left.unknown() && right.isRange();
      }
    },
    /** {@code anyrange @> anyelement}. */
    RANGE_ELEMENT("<anyrange> OP <anyelement>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        return left.isRange() && right.isScalar();
      }
    },
    /** {@code anyelement <@ anyrange}. */
    ELEMENT_RANGE("<anyelement> OP <anyrange>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        return left.isScalar() && right.isRange();
      }
    },
    /** {@code smallint|integer|bigint OP integer}: a shift, of the left operand's type ('1' reads as an integer). */
    SHIFT("<smallint|integer|bigint> OP <integer>") {
      @Override
      boolean accepts(Operand left, Operand right) {
        return !left.unknown() && left.isExactInteger() && (right.unknown() || right.isExactInteger());
      }
    };

    private final String signature;

    Form(String signature) {
      this.signature = signature;
    }

    abstract boolean accepts(Operand left, Operand right);
  }

  private final Result result;
  private final List<Form> forms;

  private InfixOperator(String symbol, Result result, Form... forms) {
    super(symbol, SqlKind.OTHER_FUNCTION, null, null, null, SqlFunctionCategory.SYSTEM);
    this.result = result;
    this.forms = List.of(forms);
  }

  /** The operator written {@code symbol}, or null. */
  static @Nullable InfixOperator of(String symbol) {
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
    Operand left = operand(binding, 0);
    Operand right = operand(binding, 1);
    boolean ok = forms.stream().anyMatch(form -> form.accepts(left, right));
    if (!ok && throwOnFailure) {
      throw binding.newValidationSignatureError();
    }
    return ok;
  }

  private static Operand operand(SqlCallBinding binding, int i) {
    return new Operand(binding.getOperandType(i),
        binding.operand(i) instanceof SqlLiteral literal && literal.getTypeName() == SqlTypeName.CHAR);
  }

  private static boolean isJson(RelDataType type, boolean jsonbOnly) {
    return type instanceof PostgresNamedType named
        && (named.postgresName().equals("jsonb") || !jsonbOnly && named.postgresName().equals("json"));
  }

  @Override
  public String getAllowedSignatures(String opNameToUse) {
    return forms.stream().map(form -> form.signature.replace("OP", getName())).collect(Collectors.joining("\n"));
  }

  @Override
  public RelDataType inferReturnType(SqlOperatorBinding binding) {
    RelDataTypeFactory factory = binding.getTypeFactory();
    RelDataType left = binding.getOperandType(0);
    boolean nullable = left.isNullable() || binding.getOperandType(1).isNullable();
    RelDataType bool = factory.createTypeWithNullability(factory.createSqlType(SqlTypeName.BOOLEAN), nullable);
    return switch (result) {
      // NULL when the key, element or path is missing
      case SAME -> factory.createTypeWithNullability(left, true);
      case TEXT -> factory.createTypeWithNullability(factory.createSqlType(SqlTypeName.VARCHAR), true);
      // each of these operators is strict, and gives true or false on values
      case BOOLEAN -> bool;
      case SHIFT_OR_BOOLEAN -> left instanceof PostgresNamedType || !SqlTypeUtil.isExactNumeric(left)
          ? bool : factory.createTypeWithNullability(left, nullable);
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
