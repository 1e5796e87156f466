package dev.freshet.codegen.sql;

import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriterConfig;

/** Formats SQL for people: one clause per line, two-space indentation, PostgreSQL quoting. */
public final class SqlFormat {

  private SqlFormat() {
  }

  public static SqlWriterConfig config(SqlWriterConfig base) {
    return base.withDialect(FreshetPostgresDialect.INSTANCE)
        .withIndentation(2)
        .withClauseStartsLine(true)
        .withClauseEndsLine(false)
        .withSelectListItemsOnSeparateLines(false)
        .withFromFolding(SqlWriterConfig.LineFolding.TALL)
        .withWhereListItemsOnSeparateLines(true)
        .withUpdateSetListNewline(true)
        .withKeywordsLowerCase(false)
        .withQuoteAllIdentifiers(true);
  }

  public static String format(SqlNode node) {
    return FunctionNamedIdentifiers.quoted(node).toSqlString(SqlFormat::config).getSql();
  }
}
