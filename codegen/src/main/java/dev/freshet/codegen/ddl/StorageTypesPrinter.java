package dev.freshet.codegen.ddl;

import dev.freshet.planner.sql.Quoting;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The DDL that gives a stream table's stored columns (and a state table's) the types its query gives
 * them now, after a source column changed type: {@code sum} of an {@code integer} is a {@code bigint},
 * of a {@code bigint} a {@code numeric}. The types the query gives are read from an empty temporary
 * table created from the storage query ({@link #describe}), as the stored table itself was created.
 */
public final class StorageTypesPrinter {

  /** The temporary table {@link #describe} creates. */
  public static final List<String> DESCRIBED = List.of("pg_temp", "__freshet_expected_types");

  private StorageTypesPrinter() {
  }

  /**
   * A stored column's type as SQL text, as {@code pg_catalog.format_type} prints it, and its collation
   * (a qualified name), empty when it is the type's default.
   */
  public record TypedColumn(String name, String type, List<String> collation) {
    public TypedColumn {
      collation = List.copyOf(collation);
    }
  }

  /** An empty temporary table with the columns of {@code storageQuery}, which is not run. */
  public static String describe(String storageQuery) {
    return "CREATE TEMPORARY TABLE " + Quoting.identifier(DESCRIBED.get(1)) + " AS\n" + storageQuery + "\nWITH NO DATA";
  }

  /** Drops the table {@link #describe} created. */
  public static String dropDescribed() {
    return "DROP TABLE " + Quoting.qualified(DESCRIBED);
  }

  /**
   * Changes the types of {@code columns} of {@code table} to theirs, converting the stored values
   * ({@code USING column::type}).
   */
  public static String alterTypes(List<String> table, List<TypedColumn> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("no columns to retype");
    }
    return "ALTER TABLE " + Quoting.qualified(table) + "\n  " + columns.stream()
        .map(c -> "ALTER COLUMN " + Quoting.identifier(c.name()) + " TYPE " + c.type()
            + (c.collation().isEmpty() ? "" : " COLLATE " + Quoting.qualified(c.collation()))
            + " USING " + Quoting.identifier(c.name()) + "::" + c.type())
        .collect(Collectors.joining(",\n  "));
  }
}
