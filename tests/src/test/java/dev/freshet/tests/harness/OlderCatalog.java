package dev.freshet.tests.harness;

import dev.freshet.runtime.catalog.CatalogMigrations;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;

/** A catalog as an older Freshet left it, for tests of upgrade paths. */
public final class OlderCatalog {

  private OlderCatalog() {
  }

  /** Applies the migrations up to version {@code target}: the package-private {@code CatalogMigrations.migrate}. */
  public static int migrateTo(Connection c, int target) throws Exception {
    Method migrate = CatalogMigrations.class.getDeclaredMethod("migrate", Connection.class, int.class);
    migrate.setAccessible(true);
    try {
      return (Integer) migrate.invoke(null, c, target);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
