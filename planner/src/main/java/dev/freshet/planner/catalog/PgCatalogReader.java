package dev.freshet.planner.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the PostgreSQL catalog over JDBC: a handful of set-based queries over {@code pg_class},
 * {@code pg_namespace}, {@code pg_attribute}, {@code pg_type}, {@code pg_index} and {@code pg_constraint},
 * each for all requested schemas at once, with the schema list as a bind parameter.
 *
 * <p>The queries must see one snapshot (a column added between two of them would otherwise leave a
 * key naming a column the table lacks). On a connection in auto-commit mode the reader therefore runs
 * them in one {@code REPEATABLE READ} transaction and restores the connection's settings; inside the
 * caller's transaction it runs them there, and that transaction's isolation decides.
 */
public final class PgCatalogReader {

  /** Schemas that are never user data: ours, and the SQL standard's views. {@code pg_*} is excluded too. */
  public static final Set<String> EXCLUDED_SCHEMAS = Set.of("information_schema", "freshet", "freshet_changes",
      "freshet_state");

  /** The relkinds of {@link PgTable.Kind}. */
  private static final String RELKINDS = "('r', 'v', 'm', 'p', 'f')";

  // PostgreSQL reserves the pg_ prefix for system schemas (pg_catalog, pg_toast*, pg_temp_*), so no
  // user schema is lost by leaving them all out.
  private static final String USER_SCHEMAS = """
      SELECT n.nspname
      FROM pg_catalog.pg_namespace n
      WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> ALL (?::text[])
      ORDER BY n.nspname""";

  private static final String EXISTING_SCHEMAS = """
      SELECT n.nspname
      FROM pg_catalog.pg_namespace n
      WHERE n.nspname = ANY (?::text[])
      ORDER BY n.nspname""";

  /**
   * Hidden columns of stream tables ({@code __freshet_*}) are Freshet's, not the user's: a query over a
   * stream table sees its user columns only, and indexes on hidden columns are not keys.
   */
  private static final String HIDDEN_COLUMN_PATTERN = "'\\_\\_freshet\\_%'";

  private static final String SEARCH_PATH = "SELECT pg_catalog.current_schemas(false)";

  private static final String RELATIONS = """
      SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY (?::text[]) AND c.relkind IN %s
      ORDER BY n.nspname, c.relname""".formatted(RELKINDS);

  private static final String COLUMNS = """
      SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull,
             pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name,
             coalesce((SELECT co.collisdeterministic FROM pg_catalog.pg_collation co WHERE co.oid = a.attcollation),
               true) AS deterministic
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY (?::text[]) AND c.relkind IN %s AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attname NOT LIKE %s
      ORDER BY a.attrelid, a.attnum""".formatted(RELKINDS, HIDDEN_COLUMN_PATTERN);

  // All domains: few, and reading them whole keeps domain-over-domain resolution out of SQL.
  private static final String DOMAINS = """
      SELECT t.oid, t.typbasetype, t.typtypmod
      FROM pg_catalog.pg_type t
      WHERE t.typtype = 'd'""";

  // One row per key column of each valid index; attnum 0 is an expression (then attname is null).
  // indkey is an int2vector, whose subscripts start at 0: ordinality gives the key position instead.
  private static final String INDEX_COLUMNS = """
      SELECT i.indexrelid, i.indrelid, ic.relname AS index_name, i.indisunique, i.indisprimary, i.indnullsnotdistinct,
             i.indpred IS NOT NULL AS partial, k.ord, a.attname
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
      LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE n.nspname = ANY (?::text[]) AND c.relkind IN %s AND i.indisvalid AND k.ord <= i.indnkeyatts
        AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey::int2[]) AS hk(attnum)
                        JOIN pg_catalog.pg_attribute ha ON ha.attrelid = i.indrelid AND ha.attnum = hk.attnum
                        WHERE ha.attname LIKE %s)
      ORDER BY i.indrelid, ic.relname, i.indexrelid, k.ord""".formatted(RELKINDS, HIDDEN_COLUMN_PATTERN);

  // One row per column pair of each foreign key. When the referenced table is partitioned,
  // PostgreSQL adds internal copies of the constraint on the same referencing table, one per
  // referenced partition (conparentid points at the original); those are left out. So is a key added NOT
  // VALID: rows written before it may have no partner, so it tells nothing about the table's rows.
  private static final String FOREIGN_KEY_COLUMNS = """
      SELECT con.conrelid, con.oid AS con_oid, con.conname, fn.nspname AS ref_schema, fc.relname AS ref_table,
             k.ord, a.attname, fa.attname AS ref_attname
      FROM pg_catalog.pg_constraint con
      JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
      JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
      CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
      JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.fattnum
      WHERE con.contype = 'f' AND con.convalidated AND n.nspname = ANY (?::text[]) AND c.relkind IN %s
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint p
                        WHERE p.oid = con.conparentid AND p.conrelid = con.conrelid)
      ORDER BY con.conrelid, con.conname, con.oid, k.ord""".formatted(RELKINDS);

  private PgCatalogReader() {
  }

  /**
   * Reads every user schema: all but {@code pg_*} (catalog, TOAST and temporary schemas) and
   * {@link #EXCLUDED_SCHEMAS}.
   */
  public static PgCatalog read(Connection connection) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    return inOneSnapshot(connection, () ->
        readSchemas(connection, names(connection, USER_SCHEMAS, EXCLUDED_SCHEMAS)));
  }

  /**
   * Reads exactly the named schemas (ours too, if asked). Names are case-sensitive, as stored; a name
   * that is not a schema is left out of {@link PgCatalog#schemas()}.
   */
  public static PgCatalog read(Connection connection, Set<String> schemas) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Set<String> requested = Set.copyOf(schemas);
    return inOneSnapshot(connection, () ->
        readSchemas(connection, names(connection, EXISTING_SCHEMAS, requested)));
  }

  private static PgCatalog readSchemas(Connection c, List<String> schemas) throws SQLException {
    Map<Long, RelationBuilder> relations = relations(c, schemas);
    columns(c, schemas, domains(c), relations);
    indexes(c, schemas, relations);
    foreignKeys(c, schemas, relations);
    List<PgTable> tables = new ArrayList<>();
    for (RelationBuilder relation : relations.values()) {
      tables.add(relation.build());
    }
    return new PgCatalog(schemas, searchPath(c), tables);
  }

  private static List<String> names(Connection c, String sql, Set<String> parameter) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setArray(1, textArray(c, parameter));
      List<String> names = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return names;
    }
  }

  private static List<String> searchPath(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SEARCH_PATH); ResultSet rs = s.executeQuery()) {
      rs.next();
      Array array = rs.getArray(1);
      try {
        return List.of((String[]) array.getArray());
      } finally {
        array.free();
      }
    }
  }

  private static Map<Long, RelationBuilder> relations(Connection c, List<String> schemas) throws SQLException {
    Map<Long, RelationBuilder> relations = new LinkedHashMap<>();
    try (PreparedStatement s = bound(c, RELATIONS, schemas); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        long oid = rs.getLong("oid");
        relations.put(oid, new RelationBuilder(oid, rs.getString("nspname"), rs.getString("relname"),
            PgTable.Kind.ofRelkind(rs.getString("relkind").charAt(0)), rs.getDouble("reltuples")));
      }
    }
    return relations;
  }

  /**
   * For each (base type, typmod) of a column: its name as {@code format_type} prints it, and whether
   * PostgreSQL can compare its values for equality (what grouping, joining, DISTINCT and Freshet's row
   * comparisons need): a default btree or hash operator class for the type, for a type binary-coercible
   * to it, or for its family (enum, range, multirange), or for an array's element type. Composite types
   * count as without (and are told apart): their equality depends on each field's, and Freshet has no
   * canonical text for them.
   */
  private static final String BASE_TYPES = """
      WITH RECURSIVE u(oid, typmod) AS (
        SELECT DISTINCT * FROM ROWS FROM (pg_catalog.unnest(?::pg_catalog.oid[]), pg_catalog.unnest(?::integer[]))
      ),
      comparable(oid) AS (
        SELECT t.oid FROM pg_catalog.pg_type t
        WHERE EXISTS (
          SELECT FROM pg_catalog.pg_opclass oc JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod
          WHERE oc.opcdefault AND am.amname IN ('btree', 'hash')
            AND (oc.opcintype = t.oid
                 OR (oc.opcintype = 'pg_catalog.anyenum'::pg_catalog.regtype AND t.typtype = 'e')
                 OR (oc.opcintype = 'pg_catalog.anyrange'::pg_catalog.regtype AND t.typtype = 'r')
                 OR (oc.opcintype = 'pg_catalog.anymultirange'::pg_catalog.regtype AND t.typtype = 'm')
                 OR EXISTS (SELECT FROM pg_catalog.pg_cast c WHERE c.castsource = t.oid
                            AND c.casttarget = oc.opcintype AND c.castmethod = 'b')))
      )
      SELECT u.oid, u.typmod, pg_catalog.format_type(u.oid, u.typmod) AS type_name,
             (u.oid IN (SELECT oid FROM comparable)
              OR (t.typcategory = 'A' AND t.typelem IN (SELECT oid FROM comparable))) AS has_equality,
             (t.typtype = 'e' OR u.oid = ANY (%1$s) OR u.oid = ANY (%2$s) OR t.typname = 'citext'
              OR (t.typcategory = 'A' AND (e.typtype = 'e' OR e.oid = ANY (%1$s) OR e.oid = ANY (%3$s))))
               AS identity_text,
             (t.typcategory = 'A' AND e.oid = ANY (%3$s)) AS canonical_array,
             (t.typtype = 'c' OR e.typtype = 'c') AS composite
      FROM u JOIN pg_catalog.pg_type t ON t.oid = u.oid
      LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'""".formatted(
      // types (and array elements) whose text identifies their value
      "ARRAY['inet', 'cidr', 'macaddr', 'macaddr8', 'bit', 'varbit', 'int4range', 'int8range', 'int4multirange', "
          + "'int8multirange', 'int2', 'int4', 'int8', 'text', 'varchar', 'bool', 'uuid']"
          + "::pg_catalog.regtype[]::pg_catalog.oid[]",
      // types whose text Freshet's row identity makes canonical by name (SqlText.canonical), not in arrays
      "ARRAY['jsonb', 'money', 'numrange', 'daterange', 'tsrange', 'tstzrange', 'nummultirange', 'datemultirange', "
          + "'tsmultirange', 'tstzmultirange']::pg_catalog.regtype[]::pg_catalog.oid[]",
      // array elements whose identity SqlText.canonical computes by name, element by element (arrayIdentity)
      "ARRAY['numeric', 'date', 'timestamp', 'timestamptz', 'time', 'interval', 'numrange', 'daterange', "
          + "'tsrange', 'tstzrange', 'jsonb', 'bytea', 'money']::pg_catalog.regtype[]::pg_catalog.oid[]");

  /**
   * A base type's name, whether it has an equality operator, and whether Freshet's row identity (the
   * md5 of a canonical text, codegen's SqlText.hash) tells its values apart exactly (see {@link #BASE_TYPES}).
   */
  private record BaseType(String name, boolean equality, boolean identityText, boolean composite,
      boolean canonicalArray) {
  }

  /**
   * Types whose identity text is computed by name (SqlText.canonical): a domain over one would not be (nor
   * one over an array of the element types BASE_TYPES lists for that).
   */
  private static final Set<String> SPECIAL_IDENTITY = Set.of("jsonb", "money", "citext", "numrange", "daterange",
      "tsrange", "tstzrange", "nummultirange", "datemultirange", "tsmultirange", "tstzmultirange");

  /** A domain's base type and typmod, one level down. */
  private record Domain(long baseTypeOid, int typmod) {
  }

  private static Map<Long, Domain> domains(Connection c) throws SQLException {
    Map<Long, Domain> domains = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(DOMAINS); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        domains.put(rs.getLong("oid"), new Domain(rs.getLong("typbasetype"), rs.getInt("typtypmod")));
      }
    }
    return domains;
  }

  private static void columns(Connection c, List<String> schemas, Map<Long, Domain> domains,
      Map<Long, RelationBuilder> relations) throws SQLException {
    record Row(RelationBuilder relation, String name, String typeName, long typeOid, int typmod, boolean notNull,
        int ordinal, long baseOid, int baseTypmod, boolean deterministic) {
    }
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement s = bound(c, COLUMNS, schemas); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        RelationBuilder relation = relations.get(rs.getLong("attrelid"));
        if (relation == null) {
          continue;
        }
        long typeOid = rs.getLong("atttypid");
        int typmod = rs.getInt("atttypmod");
        // As PostgreSQL's getBaseTypeAndTypmod: the typmod is the innermost domain's.
        long baseOid = typeOid;
        int baseTypmod = typmod;
        for (Domain d = domains.get(baseOid); d != null; d = domains.get(baseOid)) {
          baseOid = d.baseTypeOid();
          baseTypmod = d.typmod();
        }
        rows.add(new Row(relation, rs.getString("attname"), rs.getString("type_name"), typeOid, typmod,
            rs.getBoolean("attnotnull"), rs.getInt("attnum"), baseOid, baseTypmod, rs.getBoolean("deterministic")));
      }
    }
    Map<List<Long>, BaseType> baseTypes = baseTypes(c, rows.stream().map(r -> List.of(r.baseOid(), (long) r.baseTypmod()))
        .distinct().toList());
    for (Row r : rows) {
      BaseType base = baseTypes.get(List.of(r.baseOid(), (long) r.baseTypmod()));
      r.relation().columns.add(new PgColumn(r.name(), r.typeName(), r.typeOid(), r.typmod(), r.notNull(), r.ordinal(),
          r.baseOid(), r.baseTypmod(), base == null ? r.typeName() : base.name(), base != null && base.equality(),
          base != null && base.identityText() && (r.typeOid() == r.baseOid()
              || !(SPECIAL_IDENTITY.contains(base.name()) || base.canonicalArray())),
          base != null && base.composite(), r.deterministic()));
    }
  }

  private static Map<List<Long>, BaseType> baseTypes(Connection c, List<List<Long>> types) throws SQLException {
    Map<List<Long>, BaseType> result = new HashMap<>();
    if (types.isEmpty()) {
      return result;
    }
    try (PreparedStatement s = c.prepareStatement(BASE_TYPES)) {
      s.setArray(1, c.createArrayOf("oid", types.stream().map(t -> t.get(0)).toArray(Long[]::new)));
      s.setArray(2, c.createArrayOf("int4", types.stream().map(t -> (int) (long) t.get(1)).toArray(Integer[]::new)));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.put(List.of(rs.getLong("oid"), (long) rs.getInt("typmod")),
              new BaseType(rs.getString("type_name"), rs.getBoolean("has_equality"), rs.getBoolean("identity_text"),
                  rs.getBoolean("composite"), rs.getBoolean("canonical_array")));
        }
      }
    }
    return result;
  }

  /** An index being assembled from its key-column rows. */
  private static final class IndexRows {
    final long relation;
    final String name;
    final boolean unique;
    final boolean primary;
    final boolean nullsNotDistinct;
    final boolean partial;
    final List<String> columns = new ArrayList<>();
    boolean expression;

    IndexRows(long relation, String name, boolean unique, boolean primary, boolean nullsNotDistinct,
        boolean partial) {
      this.relation = relation;
      this.name = name;
      this.unique = unique;
      this.primary = primary;
      this.nullsNotDistinct = nullsNotDistinct;
      this.partial = partial;
    }
  }

  private static void indexes(Connection c, List<String> schemas, Map<Long, RelationBuilder> relations)
      throws SQLException {
    Map<Long, IndexRows> byIndex = new LinkedHashMap<>();
    try (PreparedStatement s = bound(c, INDEX_COLUMNS, schemas); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        long indexOid = rs.getLong("indexrelid");
        IndexRows index = byIndex.get(indexOid);
        if (index == null) {
          index = new IndexRows(rs.getLong("indrelid"), rs.getString("index_name"), rs.getBoolean("indisunique"),
              rs.getBoolean("indisprimary"), rs.getBoolean("indnullsnotdistinct"), rs.getBoolean("partial"));
          byIndex.put(indexOid, index);
        }
        String column = rs.getString("attname");
        if (column == null) {
          index.expression = true;
        } else {
          index.columns.add(column);
        }
      }
    }
    for (IndexRows index : byIndex.values()) {
      RelationBuilder relation = relations.get(index.relation);
      if (relation == null || index.expression) {
        // Expression keys can neither look rows up by column values nor make columns unique.
        continue;
      }
      relation.indexes.add(new PgIndex(index.name, index.columns, index.unique, index.primary, index.partial));
      if (index.primary) {
        relation.primaryKey = List.copyOf(index.columns);
      } else if (index.unique && !index.partial) {
        relation.uniqueKeys.add(new PgUniqueKey(index.name, index.columns, index.nullsNotDistinct));
      }
    }
  }

  /** A foreign key being assembled from its column-pair rows. */
  private record ForeignKeyRows(String name, String referencedSchema, String referencedTable,
      List<String> columns, List<String> referencedColumns) {
  }

  private static void foreignKeys(Connection c, List<String> schemas, Map<Long, RelationBuilder> relations)
      throws SQLException {
    Map<Long, ForeignKeyRows> byConstraint = new LinkedHashMap<>();
    Map<Long, Long> relationOf = new HashMap<>();
    try (PreparedStatement s = bound(c, FOREIGN_KEY_COLUMNS, schemas); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        long constraint = rs.getLong("con_oid");
        relationOf.put(constraint, rs.getLong("conrelid"));
        ForeignKeyRows fk = byConstraint.get(constraint);
        if (fk == null) {
          fk = new ForeignKeyRows(rs.getString("conname"), rs.getString("ref_schema"), rs.getString("ref_table"),
              new ArrayList<>(), new ArrayList<>());
          byConstraint.put(constraint, fk);
        }
        fk.columns().add(rs.getString("attname"));
        fk.referencedColumns().add(rs.getString("ref_attname"));
      }
    }
    byConstraint.forEach((constraint, fk) -> {
      RelationBuilder relation = relations.get(relationOf.get(constraint));
      if (relation != null) {
        relation.foreignKeys.add(new PgForeignKey(fk.name(), fk.columns(), fk.referencedSchema(),
            fk.referencedTable(), fk.referencedColumns()));
      }
    });
  }

  /** A relation being assembled from the rows of several queries. */
  private static final class RelationBuilder {
    final long oid;
    final String schema;
    final String name;
    final PgTable.Kind kind;
    final double reltuples;
    final List<PgColumn> columns = new ArrayList<>();
    List<String> primaryKey = List.of();
    final List<PgUniqueKey> uniqueKeys = new ArrayList<>();
    final List<PgForeignKey> foreignKeys = new ArrayList<>();
    final List<PgIndex> indexes = new ArrayList<>();

    RelationBuilder(long oid, String schema, String name, PgTable.Kind kind, double reltuples) {
      this.oid = oid;
      this.schema = schema;
      this.name = name;
      this.kind = kind;
      this.reltuples = reltuples;
    }

    PgTable build() {
      return new PgTable(schema, name, kind, oid, reltuples, columns, primaryKey, uniqueKeys, foreignKeys,
          indexes);
    }
  }

  private static PreparedStatement bound(Connection c, String sql, List<String> schemas) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    try {
      s.setArray(1, textArray(c, schemas));
      return s;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }

  private static Array textArray(Connection c, Collection<String> values) throws SQLException {
    return c.createArrayOf("text", values.toArray(String[]::new));
  }

  /** Work that reads over JDBC. */
  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private static <T> T inOneSnapshot(Connection c, SqlWork<T> work) throws SQLException {
    if (!c.getAutoCommit()) {
      return work.run();
    }
    c.setAutoCommit(false);
    try {
      // the transaction's own first statement, not JDBC's session setting: a pooler in transaction mode
      // would run a session setting on one server connection and the transaction on another
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      }
      T result = work.run();
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }
}
