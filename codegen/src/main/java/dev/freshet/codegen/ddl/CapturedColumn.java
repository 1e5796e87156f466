package dev.freshet.codegen.ddl;

import java.util.List;
import java.util.Objects;

/**
 * A source column copied into a change buffer.
 *
 * @param name the column's name, as in the source
 * @param type its type as SQL text, as {@code pg_catalog.format_type} prints it ({@code numeric(15,2)},
 *     {@code "My Schema"."My Type"[]}); PostgreSQL quotes the names inside it
 * @param collation the column's collation as a qualified name ({@code ["pg_catalog", "C"]}), or empty
 *     when it is the type's default
 */
public record CapturedColumn(String name, String type, List<String> collation) {

  public CapturedColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (type.isBlank()) {
      throw new IllegalArgumentException("column " + name + " has no type");
    }
    collation = List.copyOf(collation);
  }

  /** A column whose collation is its type's default. */
  public static CapturedColumn of(String name, String type) {
    return new CapturedColumn(name, type, List.of());
  }
}
