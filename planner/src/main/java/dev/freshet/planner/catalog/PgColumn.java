package dev.freshet.planner.catalog;

import java.util.Objects;

/**
 * One column of a PostgreSQL relation, as {@code pg_attribute} describes it.
 *
 * <p>{@code typeOid}/{@code typmod} are the declared type ({@code atttypid}/{@code atttypmod}) and
 * {@code typeName} is {@code format_type} of them, for messages. {@code baseTypeOid}/{@code
 * baseTypmod} are the same for an ordinary type and the underlying type for a domain (resolved as
 * PostgreSQL's {@code getBaseTypeAndTypmod} does); the type mapping reads the base type, because a
 * domain's values are exactly its base type's values.
 *
 * @param ordinal {@code attnum}: 1-based, and with gaps where columns were dropped. The position
 *     of a column in the Calcite row type is its index in {@link PgTable#columns()}, not this.
 */
public record PgColumn(
    String name,
    String typeName,
    long typeOid,
    int typmod,
    boolean notNull,
    int ordinal,
    long baseTypeOid,
    int baseTypmod) {

  public PgColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(typeName, "typeName");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("column name is empty");
    }
    if (typeName.isBlank()) {
      throw new IllegalArgumentException("column " + name + " has no type name");
    }
    if (typeOid <= 0 || baseTypeOid <= 0) {
      throw new IllegalArgumentException("column " + name + " has no type oid");
    }
    if (ordinal <= 0) {
      throw new IllegalArgumentException("column " + name + " has ordinal " + ordinal + "; user columns start at 1");
    }
  }

  /** A column of an ordinary (non-domain) type. */
  public PgColumn(String name, String typeName, long typeOid, int typmod, boolean notNull, int ordinal) {
    this(name, typeName, typeOid, typmod, notNull, ordinal, typeOid, typmod);
  }

  public boolean nullable() {
    return !notNull;
  }
}
