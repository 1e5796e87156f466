package dev.freshet.tpch;

/**
 * The one place in this module where a name becomes SQL text. Every identifier the tpch module
 * prints (schema, table, column, constraint, index) goes through {@link #quote}, so a schema called
 * {@code My "Bench"} works as well as {@code public}. When codegen's shared quoting settles, this
 * class forwards to it.
 */
final class SqlNames {

  private SqlNames() {
  }

  /** {@code my "table"} → {@code "my ""table"""}: always quoted, so case and keywords survive. */
  static String quote(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("an SQL identifier cannot be empty");
    }
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("an SQL identifier cannot contain NUL: " + name);
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code "schema"."table"}. */
  static String qualified(String schema, String name) {
    return quote(schema) + '.' + quote(name);
  }
}
