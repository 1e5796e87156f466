package dev.freshet.planner.parse;

import java.util.List;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlNameMatchers;

/**
 * Looks operators up ignoring case. Table and column names are case-sensitive in Freshet (as quoted
 * names are in PostgreSQL), but function names arrive folded to lower case ({@code bool_and}) while
 * Calcite registers them in upper case ({@code BOOL_AND}).
 */
final class CaseInsensitiveFunctions implements SqlOperatorTable {
  private static final SqlNameMatcher IGNORE_CASE = SqlNameMatchers.withCaseSensitive(false);

  private final SqlOperatorTable delegate;

  CaseInsensitiveFunctions(SqlOperatorTable delegate) {
    this.delegate = delegate;
  }

  @Override
  public void lookupOperatorOverloads(SqlIdentifier opName, SqlFunctionCategory category,
      SqlSyntax syntax, List<SqlOperator> operatorList, SqlNameMatcher nameMatcher) {
    delegate.lookupOperatorOverloads(opName, category, syntax, operatorList, IGNORE_CASE);
  }

  @Override
  public List<SqlOperator> getOperatorList() {
    return delegate.getOperatorList();
  }
}
