package dev.freshet.codegen.ddl;

import dev.freshet.planner.sql.Quoting;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The table locks, drops and renames the runtime issues around creating, refreshing, upgrading and dropping
 * stream tables, printed here like every other statement (names through {@link Quoting}).
 */
public final class TableDdlPrinter {

  /** PostgreSQL's table lock modes Freshet takes. */
  public enum LockMode {
    /** Blocks writes and DDL, not reads: sources while a stream table is created and filled. */
    SHARE_ROW_EXCLUSIVE("SHARE ROW EXCLUSIVE"),
    /** Blocks DDL only: sources while a refresh reads them. */
    ACCESS_SHARE("ACCESS SHARE");

    private final String sql;

    LockMode(String sql) {
      this.sql = sql;
    }
  }

  private TableDdlPrinter() {
  }

  /**
   * {@code LOCK TABLE [ONLY] t1, t2 IN mode MODE}; {@code only}: a statement on a partition or
   * inheritance child fires that table's statement triggers, so its parent is not locked with it.
   *
   * @param tables each a schema-qualified name, schema first
   */
  public static String lock(List<List<String>> tables, LockMode mode, boolean only) {
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("LOCK TABLE needs a table");
    }
    return "LOCK TABLE " + (only ? "ONLY " : "") + tables.stream().map(Quoting::qualified)
        .collect(Collectors.joining(", ")) + " IN " + mode.sql + " MODE";
  }

  /** {@code ALTER TABLE schema.table RENAME COLUMN "from" TO "to"}. */
  public static String renameColumn(List<String> table, String from, String to) {
    return "ALTER TABLE " + Quoting.qualified(table) + " RENAME COLUMN " + Quoting.identifier(from) + " TO "
        + Quoting.identifier(to);
  }

  /** {@code DROP TABLE [IF EXISTS] schema.table}. */
  public static String drop(List<String> table, boolean ifExists) {
    return "DROP TABLE " + (ifExists ? "IF EXISTS " : "") + Quoting.qualified(table);
  }
}
