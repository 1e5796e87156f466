package dev.freshet.planner;

import java.util.List;
import java.util.function.Function;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

/** A small in-memory catalog for planner tests that need no database: {@code public.t} and {@code public.u}. */
public final class TestSchema {

  private TestSchema() {
  }

  public static SchemaPlus root() {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    SchemaPlus pub = root.add("public", new AbstractSchema());
    pub.add("t", table(f -> f.builder()
        .add("id", SqlTypeName.INTEGER)
        .add("name", f.createTypeWithNullability(f.createSqlType(SqlTypeName.VARCHAR), true))
        .add("amount", f.createTypeWithNullability(f.createSqlType(SqlTypeName.DECIMAL, 15, 2), true))
        .add("d", f.createTypeWithNullability(f.createSqlType(SqlTypeName.DATE), true))
        .add("ts", f.createTypeWithNullability(f.createSqlType(SqlTypeName.TIMESTAMP, 6), true))
        .add("flag", f.createTypeWithNullability(f.createSqlType(SqlTypeName.BOOLEAN), true))
        .add("grp", f.createTypeWithNullability(f.createSqlType(SqlTypeName.CHAR, 10), true))
        .build(), List.of(ImmutableBitSet.of(0))));
    pub.add("u", table(f -> f.builder()
        .add("id", SqlTypeName.INTEGER)
        .add("t_id", f.createTypeWithNullability(f.createSqlType(SqlTypeName.INTEGER), true))
        .add("qty", f.createTypeWithNullability(f.createSqlType(SqlTypeName.BIGINT), true))
        .build(), List.of(ImmutableBitSet.of(0))));
    return root;
  }

  public static QueryPlanner planner() {
    return new QueryPlanner(root(), List.of("public"));
  }

  private static AbstractTable table(Function<RelDataTypeFactory, RelDataType> rowType,
      List<ImmutableBitSet> keys) {
    return new AbstractTable() {
      @Override
      public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        return rowType.apply(typeFactory);
      }

      @Override
      public Statistic getStatistic() {
        return Statistics.of(100, keys);
      }
    };
  }
}
