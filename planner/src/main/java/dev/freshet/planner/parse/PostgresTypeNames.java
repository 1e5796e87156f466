package dev.freshet.planner.parse;

import dev.freshet.planner.catalog.MappedType;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.PgColumn;
import dev.freshet.planner.catalog.PgTable;
import dev.freshet.planner.catalog.PgTypeMapping;
import dev.freshet.planner.types.FreshetTypeFactory;
import dev.freshet.planner.types.PostgresNamedType;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * PostgreSQL's own type names that the SQL standard lacks ({@code x::text}, {@code cast(x as int8)}),
 * registered as named types in the root schema, where Calcite's validator resolves type names.
 */
public final class PostgresTypeNames {

  private static final Map<String, SqlTypeName> NAMES = Map.ofEntries(
      Map.entry("text", SqlTypeName.VARCHAR),
      Map.entry("int2", SqlTypeName.SMALLINT),
      Map.entry("int4", SqlTypeName.INTEGER),
      Map.entry("int8", SqlTypeName.BIGINT),
      Map.entry("float4", SqlTypeName.REAL),
      Map.entry("float8", SqlTypeName.DOUBLE),
      Map.entry("bool", SqlTypeName.BOOLEAN),
      Map.entry("bytea", SqlTypeName.VARBINARY),
      Map.entry("timestamptz", SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE));

  /**
   * Built-in types with an equality operator and no Calcite counterpart, named in casts as
   * {@code x::jsonb}: planned as {@link PostgresNamedType}s, so PostgreSQL converts and compares them.
   * Only types whose values PostgreSQL holds equal have one text (or one that Freshet's row identity
   * makes canonical, as the ranges of numerics, dates and timestamps): not {@code timetz} or {@code tsvector},
   * for which Freshet has no canonical text (see {@code PgTypeMapping}). Arrays are not named in casts here.
   */
  private static final List<String> POSTGRES_NAMED = List.of("jsonb", "inet", "cidr", "macaddr", "macaddr8",
      "int4range", "int8range", "int4multirange", "int8multirange", "numrange", "daterange", "tsrange", "tstzrange",
      "nummultirange", "datemultirange", "tsmultirange", "tstzmultirange", "money", "varbit", "bit");

  private PostgresTypeNames() {
  }

  /**
   * Adds the types carried by name that columns of {@code catalog} have (an enum {@code mood}, an
   * extension's {@code citext}), so that a query may cast to them ({@code 'happy'::mood}), as PostgreSQL
   * names them when they are visible on the search_path (unqualified, lower case); others are left out.
   */
  public static void registerColumnTypes(SchemaPlus root, PgCatalog catalog) {
    RelDataTypeFactory probe = new FreshetTypeFactory();
    for (PgTable table : catalog.tables()) {
      for (PgColumn column : table.columns()) {
        String name = column.baseTypeName();
        if (PgTypeMapping.map(probe, column) instanceof MappedType.Supported supported
            && supported.type() instanceof PostgresNamedType && SIMPLE_NAME.matcher(name).matches()
            && root.getType(name) == null) {
          root.add(name, (RelDataTypeFactory factory) -> factory instanceof FreshetTypeFactory freshet
              ? freshet.createPostgresType(name, false)
              : factory.createSqlType(SqlTypeName.ANY));
        }
      }
    }
  }

  private static final java.util.regex.Pattern SIMPLE_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]*");

  /** Adds the names to {@code root} unless a type of that name is already there. */
  public static void register(SchemaPlus root) {
    NAMES.forEach((name, type) -> {
      if (root.getType(name) == null) {
        root.add(name, (RelDataTypeFactory factory) -> factory.createSqlType(type));
      }
    });
    for (String name : POSTGRES_NAMED) {
      if (root.getType(name) == null) {
        root.add(name, (RelDataTypeFactory factory) -> factory instanceof FreshetTypeFactory freshet
            ? freshet.createPostgresType(name, false)
            : factory.createSqlType(SqlTypeName.ANY));
      }
    }
  }
}
