package dev.freshet.codegen.sql;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.sql.SqlDialect;

/**
 * The one place where names and text values become SQL. Every identifier Freshet prints goes through
 * {@link #identifier}; every value that is not a bind parameter goes through {@link #literal}.
 */
public final class Quoting {

  /** The dialect every printer uses; it quotes all identifiers. */
  public static final SqlDialect DIALECT = FreshetPostgresDialect.INSTANCE;

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
    return DIALECT.quoteIdentifier(name);
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
    return DIALECT.quoteStringLiteral(value);
  }
}
