package dev.freshet.codegen.sql;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.sql.SqlNode;

/** Prints a relational plan as one formatted PostgreSQL query. */
public final class QuerySqlPrinter {

  private QuerySqlPrinter() {
  }

  public static SqlNode toSqlNode(RelNode rel) {
    return new FreshetRelToSqlConverter().visitRoot(rel.accept(new UnionBranchNamesShuttle()).accept(new UnionNullBranchShuttle()).accept(new TypeValuesShuttle()).accept(new CharComparisonShuttle()).accept(new TypedNullShuttle()).accept(new PostgresConstantShuttle())).asStatement();
  }

  public static String print(RelNode rel) {
    return SqlFormat.format(toSqlNode(rel));
  }
}
