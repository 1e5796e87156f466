package dev.freshet.codegen.ddl;

import dev.freshet.planner.sql.Quoting;
import java.util.List;

/**
 * The guard against writes to a stream table that do not come from a refresh (catalog V5): a
 * statement trigger calling {@code freshet.refuse_direct_write()}, which raises SQLSTATE FS004 unless
 * the transaction has set {@code freshet.refreshing}, as every refresh program does first.
 */
public final class WriteGuardPrinter {

  /** The trigger's name on every stream table. */
  public static final String TRIGGER = "freshet_direct_write_guard";

  /** The first statement of a refresh program that writes: the guard lets this transaction write. */
  public static final String ALLOW_WRITES = "SELECT pg_catalog.set_config('freshet.refreshing', 'on', true)";

  private WriteGuardPrinter() {
  }

  /** The trigger that refuses writes to {@code table} outside a refresh. */
  public static String guard(List<String> table) {
    return "CREATE TRIGGER " + Quoting.identifier(TRIGGER) + "\nBEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
        + Quoting.qualified(table) + "\nFOR EACH STATEMENT EXECUTE FUNCTION freshet.refuse_direct_write()";
  }
}
