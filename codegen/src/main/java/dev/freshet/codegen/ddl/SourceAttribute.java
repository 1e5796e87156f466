package dev.freshet.codegen.ddl;

import java.util.Objects;

/**
 * A column of a captured source as PostgreSQL records it ({@code pg_attribute}): what the capture
 * functions' layout check compares before they read the source's rows by position.
 *
 * @param name the column's name
 * @param attnum its number, which a drop and re-creation under the same name changes
 * @param typeId its type's oid (a domain's own, not its base type's)
 * @param typmod its type modifier ({@code -1} when none)
 * @param collationId its collation's oid ({@code 0} when the type has none)
 */
public record SourceAttribute(String name, int attnum, long typeId, int typmod, long collationId) {

  public SourceAttribute {
    Objects.requireNonNull(name, "name");
    if (attnum <= 0) {
      throw new IllegalArgumentException("not a user column number: " + attnum);
    }
  }

  /** A column of type {@code typeId} with no modifier and no collation (for tests). */
  public static SourceAttribute of(String name, int attnum, long typeId) {
    return new SourceAttribute(name, attnum, typeId, -1, 0);
  }
}
