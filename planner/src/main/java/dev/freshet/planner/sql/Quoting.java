package dev.freshet.planner.sql;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
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

  /**
   * PostgreSQL's keywords that are not unreserved (reserved, type-or-function-name and column-name keywords,
   * {@code pg_get_keywords()} with {@code catcode <> 'U'}, PostgreSQL 15 to 17): a name spelt so is no name where
   * PostgreSQL reads it bare, and {@code quote_ident} quotes it.
   */
  private static final Set<String> KEYWORDS = Set.of(
      // reserved
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check",
      "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role", "current_time",
      "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except",
      "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
      "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or",
      "order", "placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric",
      "system_user", "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when",
      "where", "window", "with",
      // type or function names
      "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full", "ilike",
      "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar",
      "tablesample", "verbose",
      // column names
      "between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal", "exists", "extract",
      "float", "greatest", "grouping", "inout", "int", "integer", "interval", "json", "json_array", "json_arrayagg",
      "json_exists", "json_object", "json_objectagg", "json_query", "json_scalar", "json_serialize", "json_table",
      "json_value", "least", "merge_action", "national", "nchar", "none", "normalize", "nullif", "numeric", "out",
      "overlay", "position", "precision", "real", "row", "setof", "smallint", "substring", "time", "timestamp",
      "treat", "trim", "values", "varchar", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest",
      "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable");

  /** A name PostgreSQL reads bare as itself, unless it is a keyword: {@code quote_ident}'s safe spelling. */
  private static final Pattern BARE = Pattern.compile("[a-z_][a-z0-9_]*");

  /**
   * {@code name} as PostgreSQL's {@code quote_ident} writes it, for text people read (a plan's column names):
   * bare where PostgreSQL reads the bare word as this very name ({@code amount}, {@code o_custkey}), else quoted
   * as {@link #identifier} quotes it: a keyword ({@code "user"}, which bare is the function USER; {@code
   * "order"}), upper case ({@code "Upper"}, bare read as {@code upper}), a space or any other character
   * ({@code "x y"}, {@code "Größe"}). SQL that is run always quotes every name ({@link #identifier}).
   */
  public static String bareOrQuoted(String name) {
    return BARE.matcher(name).matches() && !KEYWORDS.contains(name) ? name : identifier(name);
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

  /**
   * {@code body} dollar-quoted ({@code $freshet$…$freshet$}, the body of a function or a {@code DO} block), under
   * another tag when the body contains that one (a name in it may be anything).
   */
  public static String dollarQuoted(String body) {
    String tag = "$freshet$";
    for (int i = 1; body.contains(tag); i++) {
      tag = "$freshet_" + i + "$";
    }
    return tag + body + tag;
  }
}
