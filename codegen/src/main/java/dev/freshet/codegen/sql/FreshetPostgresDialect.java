package dev.freshet.codegen.sql;

import dev.freshet.planner.types.FreshetTypeSystem;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlAlienSystemTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * PostgreSQL dialect that prints the planner's unbounded numeric ({@code DECIMAL(1000, s)}, what
 * {@code numeric} without a type modifier and SUM over numeric become) as plain {@code numeric}:
 * the stock dialect would clamp it to {@code DECIMAL(19, s)} and round values.
 */
public final class FreshetPostgresDialect extends PostgresqlSqlDialect {

  public static final FreshetPostgresDialect INSTANCE = new FreshetPostgresDialect();

  private FreshetPostgresDialect() {
    super(PostgresqlSqlDialect.DEFAULT_CONTEXT
        .withDataTypeSystem(FreshetTypeSystem.INSTANCE));
  }

  @Override
  public @Nullable SqlNode getCastSpec(RelDataType type) {
    if (type.getSqlTypeName() == SqlTypeName.DECIMAL
        && type.getPrecision() >= FreshetTypeSystem.MAX_NUMERIC_PRECISION) {
      return new SqlDataTypeSpec(
          new SqlAlienSystemTypeNameSpec("numeric", SqlTypeName.DECIMAL, SqlParserPos.ZERO),
          SqlParserPos.ZERO);
    }
    return super.getCastSpec(type);
  }
}
