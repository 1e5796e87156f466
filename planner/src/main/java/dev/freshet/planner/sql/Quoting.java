package dev.freshet.planner.sql;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;

/**
 * The one place where names and text values become SQL, and where a name shown in a message is quoted. Every
 * identifier Freshet prints goes through {@link #identifier}; every value that is not a bind parameter goes
 * through {@link #literal}.
 *
 * <p>It lives in the planner, the lowest module, so that every module uses this one function: the planner's
 * and the rules' refusals name tables and columns too ({@code column "s"."t"."doc" has type ...}), and neither
 * module may depend on codegen, which prints the SQL. Its rule is PostgreSQL's dialect's, which the printers'
 * dialect (codegen's FreshetPostgresDialect) inherits unchanged: always quoted, a quote doubled.
 */
public final class Quoting {

  /** PostgreSQL's quoting rule, as Calcite's dialect for it writes names and strings. */
  private static final SqlDialect RULE = PostgresqlSqlDialect.DEFAULT;

  private Quoting() {
  }

  /** {@code my "table"} → {@code "my ""table"""}; always quoted, so case, spaces and keywords survive. */
  public static String identifier(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("an SQL identifier cannot be empty");
    }
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("an SQL identifier cannot contain NUL: " + name);
    }
    return RULE.quoteIdentifier(name);
  }

  /** {@code schema.table} with each part quoted. */
  public static String qualified(String... parts) {
    return qualified(List.of(parts));
  }

  public static String qualified(List<String> parts) {
    return parts.stream().map(Quoting::identifier).collect(Collectors.joining("."));
  }

  /** A text literal: {@code it's} → {@code 'it''s'}. */
  public static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a text value cannot contain NUL");
    }
    return RULE.quoteStringLiteral(value);
  }
}
