package dev.freshet.tests.property;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The rows of every {@link SubQueryTable}, as SQL literals. Tables are tiny (0–6 rows, empty one time
 * in five) and values come from tiny domains with many NULLs ({@code NULL, 0…3} and
 * {@code NULL, 'x', 'y'}), so that sub-queries hit the cases planners get wrong: no rows, only NULLs
 * (for {@code NOT IN} and {@code min}/{@code max}/{@code sum}), duplicates.
 */
record SubQueryData(Map<String, List<List<String>>> rows) {

  private static final String[] INTS = {"NULL", "NULL", "0", "1", "2", "3"};
  private static final String[] TEXTS = {"NULL", "'x'", "'y'"};

  SubQueryData {
    Map<String, List<List<String>>> copy = new LinkedHashMap<>();
    rows.forEach((table, list) -> copy.put(table, List.copyOf(list)));
    rows = Collections.unmodifiableMap(copy);
  }

  static SubQueryData random(Random random) {
    Map<String, List<List<String>>> rows = new LinkedHashMap<>();
    for (SubQueryTable table : SubQueryTable.ALL) {
      int count = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(6);
      List<List<String>> list = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        list.add(table.columns().stream()
            .map(c -> c.text() ? TEXTS[random.nextInt(TEXTS.length)] : INTS[random.nextInt(INTS.length)]).toList());
      }
      rows.put(table.name(), list);
    }
    return new SubQueryData(rows);
  }

  /** The same rows with {@code table} emptied. */
  SubQueryData emptied(String table) {
    Map<String, List<List<String>>> copy = new LinkedHashMap<>(rows);
    copy.put(table, List.of());
    return new SubQueryData(copy);
  }

  boolean isEmpty(String table) {
    return rows.getOrDefault(table, List.of()).isEmpty();
  }

  /** One multi-row INSERT per table that has rows. */
  List<String> inserts() {
    List<String> out = new ArrayList<>();
    for (SubQueryTable table : SubQueryTable.ALL) {
      List<List<String>> list = rows.getOrDefault(table.name(), List.of());
      if (!list.isEmpty()) {
        out.add("INSERT INTO " + table.name() + " ("
            + table.columns().stream().map(SubQueryTable.Column::name).collect(Collectors.joining(", "))
            + ") VALUES " + list.stream().map(r -> "(" + String.join(", ", r) + ")")
            .collect(Collectors.joining(", ")) + ";");
      }
    }
    return out;
  }

  /** Replaces the tables' contents with these rows, in one round trip. */
  void load(Connection c) throws SQLException {
    List<String> statements = new ArrayList<>();
    statements.add("TRUNCATE " + SubQueryTable.ALL.stream().map(SubQueryTable::name)
        .collect(Collectors.joining(", ")) + ";");
    statements.addAll(inserts());
    try (Statement s = c.createStatement()) {
      s.execute(String.join("\n", statements));
    }
  }
}
