package dev.freshet.codegen.sql;

import dev.freshet.rules.rel.StateTables;
import java.util.List;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Calcite's {@link RelToSqlConverter} for the PostgreSQL dialect. Freshet's own relational nodes
 * get their {@code visit} methods here; the converter dispatches to them by reflection.
 */
public class FreshetRelToSqlConverter extends RelToSqlConverter {
  public FreshetRelToSqlConverter() {
    super(Quoting.DIALECT);
  }

  /**
   * A state table is read through its result's columns, never as {@code SELECT *}: it also holds hidden
   * columns (keys, counts, aggregate state), which a {@code *} over it, in a UNION for instance, would
   * add to the rows.
   */
  @Override
  public Result visit(TableScan e) {
    List<String> name = e.getTable().getQualifiedName();
    if (name.size() != 2 || !StateTables.SCHEMA.equals(name.get(0))) {
      return super.visit(e);
    }
    SqlNodeList columns = new SqlNodeList(SqlParserPos.ZERO);
    for (String field : e.getRowType().getFieldNames()) {
      columns.add(new SqlIdentifier(field, SqlParserPos.ZERO));
    }
    SqlSelect select = new SqlSelect(SqlParserPos.ZERO, null, columns, new SqlIdentifier(name, SqlParserPos.ZERO),
        null, null, null, null, null, null, null, null, null);
    return result(select, List.of(Clause.SELECT), e, null);
  }
}
