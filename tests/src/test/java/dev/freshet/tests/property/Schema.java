package dev.freshet.tests.property;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A generated schema: 2–4 tables with a primary key, a composite key or none. */
record Schema(List<Schema.Table> tables) {

  Schema {
    tables = List.copyOf(tables);
  }

  /** How a table is keyed. */
  enum KeyKind { PRIMARY, COMPOSITE, NONE }

  /** One column; key columns are NOT NULL, others nullable or not. */
  record Column(String name, ColType type, String declaredType, boolean nullable) {
  }

  record Table(String name, KeyKind keyKind, List<Column> columns) {
    Table {
      columns = List.copyOf(columns);
    }

    /** The key columns: the first one or two columns, by construction. */
    List<Column> key() {
      return switch (keyKind) {
        case PRIMARY -> columns.subList(0, 1);
        case COMPOSITE -> columns.subList(0, 2);
        case NONE -> List.of();
      };
    }

    boolean isKey(Column column) {
      return key().contains(column);
    }

    String ddl() {
      List<String> parts = new ArrayList<>();
      for (Column c : columns) {
        parts.add(c.name() + " " + c.declaredType() + (c.nullable() ? "" : " NOT NULL"));
      }
      if (keyKind != KeyKind.NONE) {
        parts.add("PRIMARY KEY (" + key().stream().map(Column::name).collect(Collectors.joining(", ")) + ")");
      }
      return "CREATE TABLE " + name + " (" + String.join(", ", parts) + ");";
    }
  }

  Table table(String name) {
    return tables.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}
