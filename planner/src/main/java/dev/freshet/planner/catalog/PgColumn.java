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
 * @param baseTypeName {@code format_type} of the base type and typmod
 * @param baseTypeEquality whether PostgreSQL has an equality operator for the base type (a default
 *     btree or hash operator class), which types without a Calcite counterpart need to be planned
 * @param baseTypeIdentity whether values of the base type that PostgreSQL holds equal have one canonical
 *     text for Freshet's row identity (enums, inet, integer ranges, jsonb, citext, arrays of these...;
 *     not numeric or date ranges, timetz, arrays of numbers with a scale or of dates)
 * @param baseTypeComposite whether the base type is a composite type (counted as without equality, see
 *     {@code PostgresNamedType#composite})
 * @param deterministicCollation false when the column's collation is nondeterministic (ICU's case-insensitive ones):
 *     values it holds equal may differ ({@code 'A'} and {@code 'a'})
 */
public record PgColumn(
    String name,
    String typeName,
    long typeOid,
    int typmod,
    boolean notNull,
    int ordinal,
    long baseTypeOid,
    int baseTypmod,
    String baseTypeName,
    boolean baseTypeEquality,
    boolean baseTypeIdentity,
    boolean baseTypeComposite,
    boolean deterministicCollation) {

  public PgColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(typeName, "typeName");
    Objects.requireNonNull(baseTypeName, "baseTypeName");
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

  /** A column of a deterministic collation (or none). */
  public PgColumn(String name, String typeName, long typeOid, int typmod, boolean notNull, int ordinal,
      long baseTypeOid, int baseTypmod, String baseTypeName, boolean baseTypeEquality, boolean baseTypeIdentity,
      boolean baseTypeComposite) {
    this(name, typeName, typeOid, typmod, notNull, ordinal, baseTypeOid, baseTypmod, baseTypeName, baseTypeEquality,
        baseTypeIdentity, baseTypeComposite, true);
  }

  /** A column whose base type is not a composite type. */
  public PgColumn(String name, String typeName, long typeOid, int typmod, boolean notNull, int ordinal,
      long baseTypeOid, int baseTypmod, String baseTypeName, boolean baseTypeEquality, boolean baseTypeIdentity) {
    this(name, typeName, typeOid, typmod, notNull, ordinal, baseTypeOid, baseTypmod, baseTypeName, baseTypeEquality,
        baseTypeIdentity, false);
  }

  /** A column of an ordinary (non-domain) type; one without a Calcite counterpart counts as without equality. */
  public PgColumn(String name, String typeName, long typeOid, int typmod, boolean notNull, int ordinal) {
    this(name, typeName, typeOid, typmod, notNull, ordinal, typeOid, typmod);
  }

  /** A column whose base type is {@code baseTypeOid}; one without a Calcite counterpart counts as without equality. */
  public PgColumn(String name, String typeName, long typeOid, int typmod, boolean notNull, int ordinal,
      long baseTypeOid, int baseTypmod) {
    this(name, typeName, typeOid, typmod, notNull, ordinal, baseTypeOid, baseTypmod, typeName, false, false);
  }

  public boolean nullable() {
    return !notNull;
  }
}
