package dev.freshet.codegen.refresh;

import java.util.Objects;

/**
 * A column of a stream table's storage as PostgreSQL created it: name, {@code format_type} text, and
 * whether its type has a default btree equality (through domains and arrays; enums and ranges do). A
 * type without one — json, xml, point, box, a composite type — cannot be grouped or compared with
 * {@code =} (box's {@code =} compares areas), so refreshes compare such values by their text.
 *
 * <p>{@code identityType} is the type whose canonical text identifies the column's values in row
 * hashes ({@link SqlText#hash}): the type itself, or for a domain its base type, as the planner sees it
 * (a domain over numeric hashes as numeric, when the stream table was created as when it is refreshed).
 */
public record StoredColumn(String name, String type, boolean equality, String identityType) {
  public StoredColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(identityType, "identityType");
  }

  public StoredColumn(String name, String type, boolean equality) {
    this(name, type, equality, type);
  }

  public StoredColumn(String name, String type) {
    this(name, type, true);
  }
}
