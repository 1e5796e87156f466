package dev.freshet.codegen.refresh;

import java.util.Objects;

/**
 * A column of a stream table's storage as PostgreSQL created it: name, {@code format_type} text, and
 * whether its type has a default btree equality (through domains and arrays; enums and ranges do). A
 * type without one — json, xml, point, box, a composite type — cannot be grouped or compared with
 * {@code =} (box's {@code =} compares areas), so refreshes compare such values by their text.
 */
public record StoredColumn(String name, String type, boolean equality) {
  public StoredColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  public StoredColumn(String name, String type) {
    this(name, type, true);
  }
}
