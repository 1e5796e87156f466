package dev.freshet.codegen.sql;

import dev.freshet.rules.rel.StateTables;
import java.util.List;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.Util;

/**
 * Calcite's {@link RelToSqlConverter} for the PostgreSQL dialect. Freshet's own relational nodes
 * get their {@code visit} methods here; the converter dispatches to them by reflection.
 */
public class FreshetRelToSqlConverter extends RelToSqlConverter {
  public FreshetRelToSqlConverter() {
    super(FreshetPostgresDialect.INSTANCE);
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

  /**
   * An anti- or semi-join as {@code SELECT <left columns> FROM <left> WHERE [NOT] EXISTS (SELECT 1 FROM
   * <right> WHERE <condition>)}. Calcite's own version adds the WHERE to the left's SELECT, and, for a
   * table read under an alias, prints a second alias ({@code FROM "a" AS "a1" AS "t2"}); here the left
   * is always one FROM item, read by its alias, and its columns are named (a {@code *} would also read
   * the hidden columns of a state table or stream table).
   */
  @Override
  protected Result visitAntiOrSemiJoin(Join e) {
    Result left = visitInput(e, 0).resetAlias();
    Result right = visitInput(e, 1).resetAlias();
    Context leftContext = left.qualifiedContext();
    SqlNode condition = convertConditionToSqlNode(e.getCondition(), leftContext, right.qualifiedContext());
    SqlSelect exists = new SqlSelect(SqlParserPos.ZERO, null,
        SqlNodeList.of(SqlLiteral.createExactNumeric("1", SqlParserPos.ZERO)), right.asFrom(), condition,
        null, null, null, null, null, null, null, null);
    SqlNode where = SqlStdOperatorTable.EXISTS.createCall(SqlParserPos.ZERO, exists);
    if (e.getJoinType() == JoinRelType.ANTI) {
      where = SqlStdOperatorTable.NOT.createCall(SqlParserPos.ZERO, where);
    }
    SqlNodeList columns = new SqlNodeList(SqlParserPos.ZERO);
    List<String> names = e.getRowType().getFieldNames();
    for (int i = 0; i < names.size(); i++) {
      columns.add(as(leftContext.field(i), names.get(i)));
    }
    SqlSelect select = new SqlSelect(SqlParserPos.ZERO, null, columns, left.asFrom(), where,
        null, null, null, null, null, null, null, null);
    return result(select, List.of(Clause.SELECT), e, null);
  }

  /** {@code node AS name}, or {@code node} when it is an identifier ending in {@code name}. */
  private static SqlNode as(SqlNode node, String name) {
    if (node instanceof SqlIdentifier id && Util.last(id.names).equals(name)) {
      return node;
    }
    return SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, node, new SqlIdentifier(name, SqlParserPos.ZERO));
  }
}
