package dev.freshet.codegen.refresh;

import java.util.Objects;

/**
 * A column of a stream table's storage as PostgreSQL created it: name, {@code format_type} text, and
 * whether its type has a default btree equality (through domains and arrays; enums and ranges do). A
 * type without one — json, xml, point, box, a composite type — cannot be grouped or compared with
 * {@code =} (box's {@code =} compares areas), so refreshes compare such values by their text.
 *
 * <p>{@code identityType} is the type whose canonical text identifies the column's values in row
 * hashes ({@link SqlText#hash}): the type itself, or for a domain its base type, as the planner sees it
 * (a domain over numeric hashes as numeric, when the stream table was created as when it is refreshed).
 *
 * <p>{@code printsAlike}: whether equal values of its type always print alike (integers, text, dates, uuid…), so that
 * equality tells rows apart as exactly as their text does. Numeric {@code 1.0} and {@code 1.000}, interval {@code '1
 * day'} and {@code '24 hours'}, float {@code 0} and {@code -0}, citext's cases are equal and yet differ in what the
 * query shows: a group key of such a type takes the form of a row a refresh adds ({@code GroupedRefreshPrinter}).
 */
public record StoredColumn(String name, String type, boolean equality, String identityType, boolean printsAlike) {

  /**
   * Base types whose equal values always print alike (so equality groups exactly what text would): integers,
   * booleans, text and character types, dates and times, uuid, bytea (by oid). Numeric prints alike too when its
   * column has a scale ({@code numeric(15,2)}); every other type may not.
   */
  public static final java.util.Set<Long> PRINTS_ALIKE_TYPES = java.util.Set.of(16L, 17L, 18L, 19L, 20L, 21L, 23L, 25L,
      26L, 1042L, 1043L, 1082L, 1083L, 1114L, 1184L, 2950L);
  public StoredColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(identityType, "identityType");
  }

  public StoredColumn(String name, String type, boolean equality, String identityType) {
    this(name, type, equality, identityType, true);
  }

  public StoredColumn(String name, String type, boolean equality) {
    this(name, type, equality, type);
  }

  public StoredColumn(String name, String type) {
    this(name, type, true);
  }
}
