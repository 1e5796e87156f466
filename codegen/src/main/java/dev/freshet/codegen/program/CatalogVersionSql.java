package dev.freshet.codegen.program;

/**
 * The statements that read and record the version of a database's Freshet catalog ({@code freshet.schema_version}),
 * which the runtime's migrations run around each migration step.
 */
public final class CatalogVersionSql {

  private CatalogVersionSql() {
  }

  /** Whether the catalog's version table exists (no catalog yet when not). */
  public static final String VERSION_TABLE_EXISTS = """
      SELECT EXISTS (
        SELECT
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'freshet' AND c.relname = 'schema_version' AND c.relkind = 'r')""";

  /** The catalog's version: the highest step applied, 0 for none. */
  public static final String MAX_VERSION = "SELECT coalesce(max(version), 0) FROM freshet.schema_version";

  /** Records step {@code $1}, described as {@code $2}, as applied. */
  public static final String RECORD_VERSION =
      "INSERT INTO freshet.schema_version (version, description) VALUES (?, ?)";
}
