package dev.freshet.codegen.sql;

import dev.freshet.planner.types.FreshetTypeSystem;
import dev.freshet.planner.types.PostgresConstantFunction;
import dev.freshet.planner.types.PostgresNamedType;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlConformance;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlDelegatingConformance;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * PostgreSQL dialect that prints types as PostgreSQL names them ({@link #getCastSpec}), the planner's
 * unbounded numeric ({@code DECIMAL(1000, s)}) as plain {@code numeric}, string aggregates and ORDER BY
 * inside aggregates as PostgreSQL takes them, and sort keys by their output names.
 */
public final class FreshetPostgresDialect extends PostgresqlSqlDialect {

  public static final FreshetPostgresDialect INSTANCE = new FreshetPostgresDialect();

  /**
   * PostgreSQL's ORDER BY resolves a bare name to an output column before an input column (as SQL-92):
   * in {@code SELECT c2 AS c1, c1 AS c2 … ORDER BY c1} it is the first output column. Calcite's converter
   * prints a sort key by its input name unless the conformance says so ({@code isSortByAlias}); then, when
   * that name is another output column's alias, it prints the ordinal instead. Calcite's default for
   * PostgreSQL (PRAGMATIC_2003) does not say so, and a top-k sorted on the wrong column was the result
   * (property soak, seed 61). HAVING cannot name output columns in PostgreSQL: that stays off.
   */
  private static final SqlConformance CONFORMANCE = new SqlDelegatingConformance(SqlConformanceEnum.PRAGMATIC_2003) {
    @Override
    public boolean isSortByAlias() {
      return true;
    }
  };

  private FreshetPostgresDialect() {
    super(PostgresqlSqlDialect.DEFAULT_CONTEXT
        .withDataTypeSystem(FreshetTypeSystem.INSTANCE));
  }

  /**
   * Calcite's converter prints a comparison with a cast of a string literal without the cast, as the bare
   * literal ({@code x > CAST('2015-01-07' AS DATE)} as {@code x > '2015-01-07'}). Not a cast to char(n):
   * beside a text value PostgreSQL compares {@code 'ab '::char(3)} as the text {@code 'ab'} and the bare
   * {@code 'ab '} as itself, trailing blank included ({@code s < 'ab '::char(3)} held for {@code 'ab'}).
   */
  @Override
  public boolean supportsImplicitTypeCoercion(RexCall call) {
    return call.getType().getSqlTypeName() != SqlTypeName.CHAR && super.supportsImplicitTypeCoercion(call);
  }

  /** {@code LIMIT n OFFSET m}, as PostgreSQL users write it, not the standard's {@code FETCH NEXT n ROWS ONLY}. */
  @Override
  public void unparseOffsetFetch(SqlWriter writer, @Nullable SqlNode offset, @Nullable SqlNode fetch) {
    unparseFetchUsingLimit(writer, offset, fetch);
  }

  @Override
  public SqlConformance getConformance() {
    return CONFORMANCE;
  }

  /**
   * A string constant as PostgreSQL writes it, {@code 'it''s Δ'}: never with the character set Calcite prefixes to
   * one typed in a set other than its default ({@code _UTF-16'Δ'}), which PostgreSQL does not read. The planner's
   * default is UTF-8 (planner's saffron.properties), the database's encoding.
   */
  @Override
  public void quoteStringLiteral(StringBuilder buf, @Nullable String charsetName, String val) {
    super.quoteStringLiteral(buf, null, val);
  }

  /**
   * A type as PostgreSQL spells it ({@code numeric(12,2)}, {@code varchar(20)}, {@code timestamp(0)},
   * {@code integer}), not as Calcite does ({@code DECIMAL(12, 2)}, {@code VARCHAR(20)}, {@code INTEGER}): the
   * same type, printed as {@code format_type} and the stored tables' casts print it. Besides, the planner's
   * unbounded numeric ({@code DECIMAL(1000, s)}, what {@code numeric} without a type modifier and SUM over
   * numeric become) is plain {@code numeric}: the stock dialect would clamp it to {@code DECIMAL(19, s)} and
   * round values; the empty string's type, {@code CHAR(0)}, is {@code text}; and the types PostgreSQL names
   * otherwise than Calcite's stock dialect (VARBINARY, TIMESTAMP WITH LOCAL TIME ZONE, INTERVAL_DAY_SECOND,
   * leading precisions), to which a cast failed in PostgreSQL, are PostgreSQL's.
   */
  @Override
  public @Nullable SqlNode getCastSpec(RelDataType type) {
    if (type instanceof PostgresNamedType named) {
      return postgres(named.postgresName());
    }
    String name = postgresName(type);
    return name != null ? postgres(name) : super.getCastSpec(type);
  }

  /** PostgreSQL's name for {@code type}; null for a type Calcite's dialect names as PostgreSQL does. */
  private static @Nullable String postgresName(RelDataType type) {
    int precision = type.getPrecision();
    return switch (type.getSqlTypeName()) {
      case BOOLEAN -> "boolean";
      case TINYINT, SMALLINT -> "smallint"; // PostgreSQL has no tinyint
      case INTEGER -> "integer";
      case BIGINT -> "bigint";
      case DECIMAL -> precision >= FreshetTypeSystem.MAX_NUMERIC_PRECISION ? "numeric"
          : "numeric(" + precision + "," + type.getScale() + ")";
      case REAL -> "real";
      case FLOAT, DOUBLE -> "double precision";
      // Calcite types '' as CHAR(0); PostgreSQL has no char(0) or varchar(0), and reads '' as text.
      case CHAR -> precision == 0 ? "text" : precision < 0 ? "char" : "char(" + precision + ")";
      case VARCHAR -> precision == 0 ? "text"
          : precision == RelDataType.PRECISION_NOT_SPECIFIED ? "varchar" : "varchar(" + precision + ")";
      case BINARY, VARBINARY -> "bytea";
      case DATE -> "date";
      case TIME -> "time(" + precision + ")";
      case TIMESTAMP -> "timestamp(" + precision + ")";
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "timestamp(" + precision + ") with time zone";
      default -> type.getIntervalQualifier() != null ? postgresInterval(type.getIntervalQualifier()) : null;
    };
  }

  private static SqlNode postgres(String name) {
    return new SqlDataTypeSpec(new PostgresTypeNameSpec(name), SqlParserPos.ZERO);
  }

  /**
   * An interval type as PostgreSQL writes it: {@code interval} for the planner's unqualified interval
   * ({@code DAY TO SECOND(6)}, which in PostgreSQL holds months too: see PgTypeMapping), else
   * {@code interval year to month}, {@code interval hour to second(3)}: fields without Calcite's leading
   * precision, which PostgreSQL does not take, and the seconds' precision when not 6.
   */
  private static String postgresInterval(SqlIntervalQualifier qualifier) {
    TimeUnit start = qualifier.getStartUnit();
    TimeUnit end = qualifier.getEndUnit();
    TimeUnit last = end == null ? start : end;
    int fractional = qualifier.getFractionalSecondPrecision(FreshetTypeSystem.INSTANCE);
    String precision = last == TimeUnit.SECOND && fractional != 6 ? "(" + fractional + ")" : "";
    if (start == TimeUnit.DAY && end == TimeUnit.SECOND) {
      return "interval" + precision;
    }
    return "interval " + start.name().toLowerCase(Locale.ROOT)
        + (end == null ? "" : " to " + end.name().toLowerCase(Locale.ROOT)) + precision;
  }

  /**
   * An interval literal's fields without Calcite's leading precision: PostgreSQL reads
   * {@code INTERVAL '1 00:00:00' DAY TO SECOND(6)}, and {@code DAY(10) TO SECOND(6)} is a syntax error (a
   * comparison of an interval column with {@code interval '1 day'} was refused, FR009).
   */
  @Override
  public void unparseSqlIntervalQualifier(SqlWriter writer, SqlIntervalQualifier qualifier,
      org.apache.calcite.rel.type.RelDataTypeSystem typeSystem) {
    if (qualifier.timeFrameName != null) {
      super.unparseSqlIntervalQualifier(writer, qualifier, typeSystem);
      return;
    }
    TimeUnit start = qualifier.getStartUnit();
    TimeUnit end = qualifier.getEndUnit();
    TimeUnit last = end == null ? start : end;
    writer.keyword(start.name());
    if (end != null) {
      writer.keyword("TO");
      writer.keyword(end.name());
    }
    if (last == TimeUnit.SECOND && !qualifier.useDefaultFractionalSecondPrecision()) {
      SqlWriter.Frame frame = writer.startList("(", ")");
      writer.print(qualifier.getFractionalSecondPrecision(typeSystem));
      writer.endList(frame);
    }
  }

  /**
   * {@code string_agg} (Calcite's LISTAGG) is printed with its DISTINCT: the stock dialect drops it,
   * {@code string_agg(DISTINCT x, ',')} would come back as {@code STRING_AGG(x, ',')}.
   *
   * <p>An aggregate with an ORDER BY ({@code string_agg(x, ',' ORDER BY y)}, {@code array_agg}) is
   * printed with the ORDER BY inside its brackets, as PostgreSQL requires; Calcite prints
   * {@code WITHIN GROUP (ORDER BY y)}, which PostgreSQL allows only for ordered-set aggregates
   * ({@code percentile_cont}, {@code mode}) and otherwise reads as one more argument.
   */
  @Override
  public void unparseCall(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    if (call.getKind() == SqlKind.WITHIN_GROUP) {
      SqlCall aggregate = call.operand(0);
      SqlNode filter = null;
      if (aggregate.getKind() == SqlKind.FILTER) {
        filter = aggregate.operand(1);
        aggregate = aggregate.operand(0);
      }
      if (!ORDERED_SET_AGGREGATES.contains(aggregate.getKind()) && !hasOrdinal(call.operand(1))) {
        unparseAggregate(writer, aggregate, call.operand(1), filter);
        return;
      }
    }
    if (call.getKind() == SqlKind.LISTAGG) {
      unparseAggregate(writer, call, null, null);
      return;
    }
    if (call.getOperator() instanceof dev.freshet.planner.types.CollatedConstantFunction) {
      call.operand(0).unparse(writer, leftPrec, rightPrec); // the literal, for PostgreSQL to order by its collation
      return;
    }
    if (call.getOperator() instanceof PostgresConstantFunction constant && constant.calciteType() != null) {
      // '{A0EE…}'::uuid, '\x00' beside a bytea: the text, cast to the type, for PostgreSQL to convert
      RelDataType type = constant.calciteType();
      SqlNode spec = getCastSpec(type);
      SqlStdOperatorTable.CAST.createCall(SqlParserPos.ZERO, call.operand(0),
              spec != null ? spec : SqlTypeUtil.convertTypeToSpec(type))
          .unparse(writer, leftPrec, rightPrec);
      return;
    }
    super.unparseCall(writer, call, leftPrec, rightPrec);
  }

  /**
   * Whether Calcite printed an ORDER BY key as an ordinal (it does for an expression key, or a column
   * named like an output alias): inside an aggregate PostgreSQL would read it as a constant and order
   * nothing, so such a call is left as WITHIN GROUP, which PostgreSQL rejects, rather than printed wrong.
   */
  private static boolean hasOrdinal(SqlNodeList order) {
    for (SqlNode item : order) {
      SqlNode key = item;
      while (key instanceof SqlCall c && (c.getKind() == SqlKind.DESCENDING || c.getKind() == SqlKind.NULLS_FIRST
          || c.getKind() == SqlKind.NULLS_LAST)) {
        key = c.operand(0);
      }
      if (key instanceof SqlNumericLiteral) {
        return true;
      }
    }
    return false;
  }

  private static final java.util.Set<SqlKind> ORDERED_SET_AGGREGATES =
      java.util.EnumSet.of(SqlKind.PERCENTILE_CONT, SqlKind.PERCENTILE_DISC, SqlKind.MODE);

  private static void unparseAggregate(SqlWriter writer, SqlCall aggregate, @Nullable SqlNodeList order,
      @Nullable SqlNode filter) {
    String name = aggregate.getKind() == SqlKind.LISTAGG ? "STRING_AGG" : aggregate.getOperator().getName();
    SqlWriter.Frame call = writer.startFunCall(name);
    if (aggregate.getFunctionQuantifier() != null) {
      aggregate.getFunctionQuantifier().unparse(writer, 0, 0);
    }
    for (SqlNode operand : aggregate.getOperandList()) {
      writer.sep(",");
      operand.unparse(writer, 0, 0);
    }
    if (order != null) {
      writer.keyword("ORDER BY");
      SqlWriter.Frame items = writer.startList("", "");
      for (SqlNode item : order) {
        writer.sep(",");
        item.unparse(writer, 0, 0);
      }
      writer.endList(items);
    }
    writer.endFunCall(call);
    if (filter != null) {
      writer.keyword("FILTER");
      SqlWriter.Frame where = writer.startList("(", ")");
      writer.keyword("WHERE");
      filter.unparse(writer, 0, 0);
      writer.endList(where);
    }
  }

  /**
   * No {@code SELECT *} over a join whose columns Calcite renamed apart ({@code i0, i00} for two
   * {@code i0}): PostgreSQL names them as their tables do ({@code i0, i0}), so a query above naming
   * {@code i00}, or a UNION whose first branch is that join, would not find it. The columns are then
   * listed, each {@code AS} its plan's name. Nor over a table: PostgreSQL would expand it with every
   * column of the table, also those the plan does not see (a stream table's hidden {@code __freshet_}
   * columns, when a stream table filters another and reads all its visible columns).
   */
  @Override
  public boolean supportGenerateSelectStar(RelNode input) {
    if (input.stripped() instanceof TableScan) {
      return false;
    }
    return !(input.stripped() instanceof Join) || namesInSql(input).equals(input.getRowType().getFieldNames());
  }

  /** The column names {@code SELECT *} gives over {@code rel}: a join's nested joins are flattened into one FROM. */
  private static List<String> namesInSql(RelNode rel) {
    if (!(rel.stripped() instanceof Join join)) {
      return rel.getRowType().getFieldNames();
    }
    List<String> names = new java.util.ArrayList<>(namesInSql(join.getLeft()));
    if (join.getJoinType().projectsRight()) {
      names.addAll(namesInSql(join.getRight()));
    }
    return names;
  }
}
