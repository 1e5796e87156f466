package dev.freshet.planner.catalog;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A PostgreSQL relation a defining query can read: a table, view, materialized view, partitioned
 * table or foreign table, with the facts the planner derives row identity and lookups from.
 *
 * @param oid the relation's {@code pg_class.oid} (an unsigned 32-bit value, hence {@code long})
 * @param reltuples {@code pg_class.reltuples}: the planner's row estimate; {@code -1} means never
 *     vacuumed or analyzed (PostgreSQL 14+), see {@link #rowEstimate()}
 * @param columns user columns in {@code attnum} order; a table may have none
 * @param primaryKey the primary key's columns in key order, empty if there is none
 * @param uniqueKeys other unique indexes usable as keys (see {@link PgUniqueKey}), the primary key
 *     excluded
 */
public record PgTable(
    String schema,
    String name,
    Kind kind,
    long oid,
    double reltuples,
    List<PgColumn> columns,
    List<String> primaryKey,
    List<PgUniqueKey> uniqueKeys,
    List<PgForeignKey> foreignKeys,
    List<PgIndex> indexes) {

  /** {@code pg_class.relkind} of the relations Freshet reads. */
  public enum Kind {
    TABLE('r'), VIEW('v'), MATERIALIZED_VIEW('m'), PARTITIONED('p'), FOREIGN('f');

    private final char relkind;

    Kind(char relkind) {
      this.relkind = relkind;
    }

    public char relkind() {
      return relkind;
    }

    public static Kind ofRelkind(char relkind) {
      for (Kind kind : values()) {
        if (kind.relkind == relkind) {
          return kind;
        }
      }
      throw new IllegalArgumentException("relkind '" + relkind + "' is not a table, view or materialized view");
    }
  }

  public PgTable {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    uniqueKeys = List.copyOf(uniqueKeys);
    foreignKeys = List.copyOf(foreignKeys);
    indexes = List.copyOf(indexes);
    String table = schema + "." + name;
    if (schema.isEmpty() || name.isEmpty()) {
      throw new IllegalArgumentException("relation name '" + table + "' has an empty part");
    }
    if (oid <= 0) {
      throw new IllegalArgumentException(table + " has no oid");
    }
    if (!(reltuples >= -1)) {
      throw new IllegalArgumentException(table + " has reltuples " + reltuples);
    }
    Set<String> names = new HashSet<>();
    for (PgColumn column : columns) {
      if (!names.add(column.name())) {
        throw new IllegalArgumentException(table + " has two columns named " + column.name());
      }
    }
    requireColumns(table, "primary key", primaryKey, names);
    uniqueKeys.forEach(key -> requireColumns(table, "unique index " + key.indexName(), key.columns(), names));
    foreignKeys.forEach(fk -> requireColumns(table, "foreign key " + fk.name(), fk.columns(), names));
    indexes.forEach(index -> requireColumns(table, "index " + index.name(), index.columns(), names));
    // PostgreSQL allows no constraint or index on a view; a record claiming one is corrupt.
    if (kind == Kind.VIEW && !(primaryKey.isEmpty() && uniqueKeys.isEmpty() && foreignKeys.isEmpty()
        && indexes.isEmpty())) {
      throw new IllegalArgumentException("view " + table + " cannot have keys or indexes");
    }
  }

  private static void requireColumns(String table, String what, List<String> columns, Set<String> names) {
    for (String column : columns) {
      if (!names.contains(column)) {
        throw new IllegalArgumentException(table + ": " + what + " names unknown column " + column);
      }
    }
  }

  /** Row estimate for the planner: {@code reltuples}, with "never analyzed" ({@code -1}) read as 0. */
  public double rowEstimate() {
    return Math.max(reltuples, 0);
  }

  public Optional<PgColumn> column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  /** The column's position in {@link #columns()}, which is its field index in the Calcite row type. */
  public OptionalInt columnIndex(String columnName) {
    return IntStream.range(0, columns.size())
        .filter(i -> columns.get(i).name().equals(columnName))
        .findFirst();
  }
}
