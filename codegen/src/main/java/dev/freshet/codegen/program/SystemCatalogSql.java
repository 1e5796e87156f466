package dev.freshet.codegen.program;

/**
 * The statements that read what PostgreSQL's system catalogs say about names, relations, their columns and the
 * current role, as create, alter, refresh and verify ask it. Every name is bound as a value, never written into
 * the text.
 */
public final class SystemCatalogSql {

  private SystemCatalogSql() {
  }

  /**
   * Name {@code $1} parsed as PostgreSQL parses it ({@code parse_ident}: a text array of its parts), and the first
   * schema of the search path (NULL when it is empty).
   */
  public static final String PARSE_NAME = "SELECT parse_ident(?), current_schema()";

  /**
   * The kind ({@code relkind}: {@code r} a table, {@code v} a view, ...) of the relation named {@code $1} (quoted,
   * qualified); no row when there is none.
   */
  public static final String RELATION_KIND =
      "SELECT k.relkind FROM pg_catalog.pg_class k WHERE k.oid = pg_catalog.to_regclass(?)";

  /**
   * The relation named {@code $1} (text, as a query names it): its relation id, schema, name and kind (as text); no
   * row when there is none.
   */
  public static final String RELATION = """
      SELECT c.oid::pg_catalog.int8, n.nspname, c.relname, c.relkind::pg_catalog.text
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = pg_catalog.to_regclass(?::pg_catalog.text)""";

  /** The column names of table {@code $1} (a relation id), in order, hidden ones included. */
  public static final String COLUMN_NAMES_BY_RELID = """
      SELECT a.attname FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = ?::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""";

  /** The column names of table {@code $1} (a quoted, qualified name), in order, hidden ones included. */
  public static final String COLUMN_NAMES_BY_NAME = """
      SELECT a.attname FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = ?::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""";

  /**
   * The columns of table {@code $1} (a quoted, qualified name), in order: each one's name, its type (as
   * {@code format_type} prints it, with its modifier), and the schema and name of its collation when that is not
   * its type's (else NULL).
   */
  public static final String TYPED_COLUMNS = """
      SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), cn.nspname, co.collname
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
      LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
      WHERE a.attrelid = ?::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""";

  /**
   * The columns of table {@code $1} and {@code $2} (the same quoted, qualified name, bound twice), in order: each
   * one's name, its type, the base type of a domain at any depth (as the planner hashes its values), whether
   * its values have equality, and whether equal values always print alike. A type has equality if, through domains and array elements, it reaches an enum, a
   * range or a type with a default btree operator class; others (json, xml, point, box, composites) compare by
   * text. A column of a nondeterministic collation compares by its text too: its equality holds 'A' and 'a' equal.
   */
  public static final String STORED_COLUMNS = """
      WITH RECURSIVE reach (attnum, typid, depth) AS (
        SELECT a.attnum, a.atttypid, 0 FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = ?::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT reach.attnum, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.typelem END, reach.depth + 1
        FROM reach JOIN pg_catalog.pg_type t ON t.oid = reach.typid
        WHERE t.typtype = 'd' OR (t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1)
      )
      SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
             -- the base type of a domain (at any depth), as the planner hashes its values
             (SELECT pg_catalog.format_type(b.typid, CASE WHEN b.typid = a.atttypid THEN a.atttypmod END)
              FROM reach b JOIN pg_catalog.pg_type bt ON bt.oid = b.typid
              WHERE b.attnum = a.attnum AND bt.typtype <> 'd' ORDER BY b.depth LIMIT 1) AS identity_type,
             NOT EXISTS (
               SELECT FROM reach JOIN pg_catalog.pg_type t ON t.oid = reach.typid
               WHERE reach.attnum = a.attnum AND t.typtype <> 'd'
                 AND NOT (t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1)
                 AND t.typtype NOT IN ('e', 'r', 'm')
                 AND NOT EXISTS (
                   SELECT FROM pg_catalog.pg_opclass oc JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod
                   WHERE am.amname = 'btree' AND oc.opcdefault AND oc.opcintype = t.oid))
             AND coalesce((SELECT co.collisdeterministic FROM pg_catalog.pg_collation co
                           WHERE co.oid = a.attcollation), true),
             -- whether equal values always print alike (integers, text, dates and times, uuid, bytea, numeric with a
             -- scale); numeric, floats, interval, jsonb, citext, arrays... may not: 1.0 and 1.000 are equal
             coalesce((SELECT b.typid IN (%s)
                              OR (b.typid = 1700 AND b.typid = a.atttypid AND a.atttypmod >= 0)
                       FROM reach b JOIN pg_catalog.pg_type bt ON bt.oid = b.typid
                       WHERE b.attnum = a.attnum AND bt.typtype <> 'd' ORDER BY b.depth LIMIT 1), false) AS prints_alike
      FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = ?::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""".formatted(dev.freshet.codegen.refresh.StoredColumn.PRINTS_ALIKE_TYPES.stream().sorted()
      .map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")));

  /**
   * The tables in schema {@code $1} whose names start with {@code $2} (a stream table's state tables: their schema
   * and its prefix), as they exist now: schema and name of each, in the order of names.
   */
  public static final String TABLES_BY_PREFIX = """
      SELECT n.nspname, t.relname
      FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = ? AND t.relkind = 'r' AND pg_catalog.starts_with(t.relname, ?)
      ORDER BY t.relname""";

  /**
   * The tables among {@code $1} (a bigint array of relation ids) whose row-level security applies to the current
   * role: schema and name of each, in order. The query of {@code freshet.sources_under_row_security} (catalog V12),
   * not the function: create --dry-run asks before any catalog exists.
   */
  public static final String UNDER_ROW_SECURITY = """
      SELECT n.nspname, c.relname
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = ANY (?::pg_catalog.oid[]) AND c.relrowsecurity AND pg_catalog.row_security_active(c.oid)
      ORDER BY 1, 2""";

  /** The current role's name. */
  public static final String CURRENT_USER = "SELECT current_user";

  /** Whether relation {@code $1} (an oid) has privileges granted on it to a role other than its owner. */
  public static final String HAS_GRANTS = "SELECT EXISTS (SELECT FROM pg_catalog.aclexplode(c.relacl) AS a "
      + "WHERE a.grantee <> c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = ?";

  /** Whether the server is a standby (in recovery), where nothing can be written. */
  public static final String IN_RECOVERY = "SELECT pg_catalog.pg_is_in_recovery()";
}
