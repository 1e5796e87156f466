package dev.freshet.codegen.sql;

import dev.freshet.rules.rel.ChangeTables;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlKind;

/**
 * The names FROM items go by, in printed SQL ({@link FreshetRelToSqlConverter}) and in printed plans
 * ({@link PlanPrinter}) alike: a table by its name ({@code "orders"}), a change table by its source's, after a
 * {@code Δ} ({@code "Δorders"} for {@code pg_temp."Δpublic.orders"}); a second one of the same name gets
 * {@code _2} ({@code "orders_2"}), then {@code _3}, always within PostgreSQL's 63 bytes (it would cut a longer
 * name short, and two names could become one).
 */
final class TableAliases {

  /** PostgreSQL's longest identifier, in bytes. */
  private static final int MAX_BYTES = 63;

  /** What a FROM item that is not a table, a sub-select or a set operation is called (Calcite's name for it). */
  static final String OTHER = "t";

  /** What a sub-select of a join is called. */
  static final String JOIN = "join";

  private TableAliases() {
  }

  /** The name a scan of the table {@code qualifiedName} goes by before it is made unique. */
  static String of(List<String> qualifiedName) {
    String name = qualifiedName.getLast();
    if (qualifiedName.size() == 2 && qualifiedName.get(0).equals(ChangeTables.TEMP_SCHEMA) && name.startsWith("Δ")) {
      int dot = name.lastIndexOf('.'); // Δschema.table: the source's schema is left out
      if (dot > 0 && dot < name.length() - 1) {
        return "Δ" + name.substring(dot + 1);
      }
    }
    return name;
  }

  /** The name of a set operation read as a FROM item: {@code union}, {@code intersect}, {@code except}. */
  static Optional<String> setOperation(SqlKind kind) {
    return switch (kind) {
      case UNION -> Optional.of("union");
      case INTERSECT -> Optional.of("intersect");
      case EXCEPT -> Optional.of("except");
      default -> Optional.empty();
    };
  }

  /** {@code base} if no other FROM item in {@code taken} has it, else {@code base_2}, {@code base_3}, …; taken. */
  static String unique(String base, Set<String> taken) {
    if (taken.add(base)) {
      return base;
    }
    for (int n = 2; ; n++) {
      String suffix = "_" + n;
      String name = prefix(base, MAX_BYTES - suffix.length()) + suffix;
      if (taken.add(name)) {
        return name;
      }
    }
  }

  /** {@code name}, or its longest beginning that PostgreSQL keeps whole (63 bytes). */
  static String fit(String name) {
    return prefix(name, MAX_BYTES);
  }

  /** The longest beginning of {@code text} that fits in {@code bytes} bytes of UTF-8, whole characters only. */
  private static String prefix(String text, int bytes) {
    int budget = bytes;
    int end = 0;
    while (end < text.length()) {
      int codePoint = text.codePointAt(end);
      budget -= new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      if (budget < 0) {
        break;
      }
      end += Character.charCount(codePoint);
    }
    return text.substring(0, end);
  }
}
