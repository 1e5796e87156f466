package dev.freshet.planner.catalog;

import dev.freshet.planner.catalog.MappedType.Supported;
import dev.freshet.planner.catalog.MappedType.Unsupported;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A PostgreSQL relation as a Calcite table. It cannot be scanned: Freshet never executes in Calcite,
 * it prints SQL. {@code unwrap(PgTable.class)} gives the catalog record.
 *
 * <p>A column whose type is {@link Unsupported} stays in the row type, typed {@code ANY}, so that
 * {@code SELECT *} cannot silently drop it and field indexes match {@link PgTable#columns()}. The
 * validator accepts {@code ANY} everywhere, so a query that uses such a column validates; {@link
 * UnsupportedColumnAnalyzer} then finds the use in the plan and names the column, its type and why.
 */
public final class PgCalciteTable extends AbstractTable {

  private final PgTable table;
  private final Statistic statistic;

  PgCalciteTable(PgTable table, Statistic statistic) {
    this.table = Objects.requireNonNull(table, "table");
    this.statistic = Objects.requireNonNull(statistic, "statistic");
  }

  public PgTable pgTable() {
    return table;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (PgColumn column : table.columns()) {
      builder.add(column.name(), switch (PgTypeMapping.map(typeFactory, column)) {
        case Supported supported -> supported.type();
        case Unsupported unsupported -> unsupportedType(typeFactory);
      });
    }
    return builder.build();
  }

  /** The column at {@code field} if its type is unsupported under {@code typeFactory}'s type system. */
  public Optional<UnsupportedColumn> unsupportedColumn(int field, RelDataTypeFactory typeFactory) {
    PgColumn column = table.columns().get(field);
    return switch (PgTypeMapping.map(typeFactory, column)) {
      case Supported supported -> Optional.empty();
      case Unsupported unsupported ->
          Optional.of(new UnsupportedColumn(table.schema(), table.name(), column, unsupported.reason()));
    };
  }

  public List<UnsupportedColumn> unsupportedColumns(RelDataTypeFactory typeFactory) {
    List<UnsupportedColumn> result = new ArrayList<>();
    for (int i = 0; i < table.columns().size(); i++) {
      unsupportedColumn(i, typeFactory).ifPresent(result::add);
    }
    return List.copyOf(result);
  }

  /** The placeholder type of an unsupported column: nullable, as nothing about its values is known. */
  static RelDataType unsupportedType(RelDataTypeFactory typeFactory) {
    return typeFactory.createTypeWithNullability(typeFactory.createSqlType(SqlTypeName.ANY), true);
  }

  @Override
  public Statistic getStatistic() {
    return statistic;
  }

  @Override
  public Schema.TableType getJdbcTableType() {
    return switch (table.kind()) {
      case TABLE, PARTITIONED -> Schema.TableType.TABLE;
      case VIEW -> Schema.TableType.VIEW;
      case MATERIALIZED_VIEW -> Schema.TableType.MATERIALIZED_VIEW;
      case FOREIGN -> Schema.TableType.FOREIGN_TABLE;
    };
  }

  @Override
  public <C> C unwrap(Class<C> aClass) {
    if (aClass.isInstance(table)) {
      return aClass.cast(table);
    }
    return super.unwrap(aClass);
  }

  @Override
  public String toString() {
    return "PgCalciteTable(" + table.schema() + "." + table.name() + ")";
  }
}
