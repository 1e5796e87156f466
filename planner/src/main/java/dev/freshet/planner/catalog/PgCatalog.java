package dev.freshet.planner.catalog;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The relations of some PostgreSQL schemas, read at one moment.
 *
 * @param schemas the schemas that were read, including empty ones, so that a name in an empty
 *     schema is reported as a missing table rather than a missing schema
 * @param searchPath {@code current_schemas(false)} of the reading session: the schemas, in order,
 *     where PostgreSQL resolves an unqualified table name (existing schemas only, implicit
 *     {@code pg_catalog} and temporary schemas left out)
 * @param tables ordered by schema, then name, in byte order (PostgreSQL compares {@code name}s in the "C"
 *     collation)
 */
public record PgCatalog(List<String> schemas, List<String> searchPath, List<PgTable> tables) {

  public PgCatalog {
    schemas = List.copyOf(schemas);
    searchPath = List.copyOf(searchPath);
    tables = List.copyOf(tables);
    Set<String> known = Set.copyOf(schemas);
    Set<List<String>> names = new HashSet<>();
    for (PgTable table : tables) {
      if (!known.contains(table.schema())) {
        throw new IllegalArgumentException("table " + table.schema() + "." + table.name()
            + " is in a schema that was not read");
      }
      if (!names.add(List.of(table.schema(), table.name()))) {
        throw new IllegalArgumentException("two tables named " + table.schema() + "." + table.name());
      }
    }
  }

  /** The same relations, with unqualified names resolving along {@code path} instead. */
  public PgCatalog withSearchPath(List<String> path) {
    return new PgCatalog(schemas, path, tables);
  }

  /** The relation named exactly (case-sensitively) {@code schema.name}, if it was read. */
  public Optional<PgTable> table(String schema, String name) {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    return tables.stream()
        .filter(t -> t.schema().equals(schema) && t.name().equals(name))
        .findFirst();
  }

  public List<PgTable> tables(String schema) {
    return tables.stream().filter(t -> t.schema().equals(schema)).toList();
  }
}
