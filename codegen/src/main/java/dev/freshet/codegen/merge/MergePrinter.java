package dev.freshet.codegen.merge;

import java.util.ArrayList;
import java.util.List;

/** Prints a {@link MergeStatement} as formatted PostgreSQL. */
public final class MergePrinter {

  private MergePrinter() {
  }

  public static String print(MergeStatement m) {
    StringBuilder sql = new StringBuilder();
    if (!m.with().isBlank()) {
      sql.append("WITH ").append(m.with().strip()).append('\n');
    }
    sql.append("MERGE INTO ").append(m.target()).append(" AS ").append(m.targetAlias()).append('\n');
    sql.append("USING ").append(m.source()).append(" AS ").append(m.sourceAlias()).append('\n');
    sql.append("ON ").append(m.on());
    for (MergeStatement.When when : m.whens()) {
      String matched = when instanceof MergeStatement.Insert ? "WHEN NOT MATCHED" : "WHEN MATCHED";
      sql.append('\n').append(matched);
      if (!when.condition().isBlank()) {
        sql.append(" AND ").append(when.condition());
      }
      sql.append(" THEN ");
      switch (when) {
        case MergeStatement.Delete d -> sql.append("DELETE");
        case MergeStatement.Update u -> {
          List<String> sets = new ArrayList<>();
          for (int i = 0; i < u.columns().size(); i++) {
            sets.add(u.columns().get(i) + " = " + u.values().get(i));
          }
          sql.append("UPDATE SET\n  ").append(String.join(",\n  ", sets));
        }
        case MergeStatement.Insert ins -> sql.append("INSERT (").append(String.join(", ", ins.columns()))
            .append(")\n  VALUES (").append(String.join(", ", ins.values())).append(')');
      }
    }
    return sql.toString();
  }
}
