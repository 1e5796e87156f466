package dev.freshet.codegen.refresh;

import java.util.Objects;

/** A column of a stream table's storage as PostgreSQL created it: name and {@code format_type} text. */
public record StoredColumn(String name, String type) {
  public StoredColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
