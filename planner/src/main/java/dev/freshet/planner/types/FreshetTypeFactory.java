package dev.freshet.planner.types;

import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeMappingRule;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The planner's type factory: Calcite's, sized by {@link FreshetTypeSystem}, that also keeps a
 * {@link PostgresNamedType} through nullability changes and set operations (Calcite's own would turn
 * it into a nameless {@code ANY}, which no SQL can print).
 */
public final class FreshetTypeFactory extends JavaTypeFactoryImpl {

  public FreshetTypeFactory() {
    super(FreshetTypeSystem.INSTANCE);
  }

  /** The PostgreSQL type {@code postgresName} (as {@code format_type} prints it). */
  public RelDataType createPostgresType(String postgresName, boolean nullable) {
    return createPostgresType(postgresName, nullable, true);
  }

  /** {@link #createPostgresType(String, boolean)}, for a type with or without an equality operator. */
  public RelDataType createPostgresType(String postgresName, boolean nullable, boolean equality) {
    return createPostgresType(postgresName, nullable, equality, false);
  }

  /** {@link #createPostgresType(String, boolean, boolean)}, for a composite type or another. */
  public RelDataType createPostgresType(String postgresName, boolean nullable, boolean equality, boolean composite) {
    return canonize(new PostgresNamedType(postgresName, nullable, equality, composite));
  }

  @Override
  public RelDataType createTypeWithNullability(RelDataType type, boolean nullable) {
    if (type instanceof PostgresNamedType named) {
      return named.isNullable() == nullable ? type
          : createPostgresType(named.postgresName(), nullable, named.equality(), named.composite());
    }
    return super.createTypeWithNullability(type, nullable);
  }

  /**
   * Values of one PostgreSQL type, NULLs and string literals (Calcite's CHAR) have that type: a string
   * literal is PostgreSQL's "unknown" and takes the other type ({@code coalesce(doc, '{}')}). A text
   * column (VARCHAR) does not: PostgreSQL refuses jsonb with text, but resolves citext with text to text
   * (citext casts to text implicitly), which Calcite cannot tell. A PostgreSQL type meets no other type
   * here, so such a mix is refused rather than typed wrongly or as a nameless {@code ANY}.
   */
  @Override
  public @Nullable RelDataType leastRestrictive(List<RelDataType> types, SqlTypeMappingRule mappingRule) {
    PostgresNamedType named = null;
    boolean nullable = false;
    boolean other = false;
    boolean equality = true;
    for (RelDataType type : types) {
      nullable |= type.isNullable();
      if (type instanceof PostgresNamedType n) {
        if (named != null && !named.postgresName().equals(n.postgresName())) {
          return null;
        }
        named = n;
        equality &= n.equality();
      } else if (type.getSqlTypeName() != SqlTypeName.NULL && type.getSqlTypeName() != SqlTypeName.CHAR) {
        other = true;
      }
    }
    if (named == null) {
      RelDataType literalTaker = typeOfLiterals(types, mappingRule);
      return literalTaker != null ? literalTaker : super.leastRestrictive(types, mappingRule);
    }
    return other ? null : createPostgresType(named.postgresName(), nullable, equality, named.composite());
  }

  /**
   * String literals with values of one type whose text only PostgreSQL reads right (uuid, bytea, interval,
   * timestamptz, boolean: {@link PostgresConstantFunction#readByPostgres}) have that type, as PostgreSQL's
   * untyped literals do ({@code coalesce(h, '\x00')} is bytea, not text); so do string literals with values of
   * dates, times or numbers ({@link PostgresConstantFunction#takesUntypedLiteral}: {@code greatest(d, '2020-6-1')}
   * is a date), whose values among themselves have Calcite's least restrictive type ({@code least(n, '2.5', n2)},
   * numeric and numeric(10,3), is numeric); null if {@code types} are not such.
   */
  private @Nullable RelDataType typeOfLiterals(List<RelDataType> types, SqlTypeMappingRule mappingRule) {
    RelDataType taker = null;
    boolean character = false;
    boolean nullable = false;
    for (RelDataType type : types) {
      nullable |= type.isNullable();
      if (PostgresConstantFunction.takesUntypedLiteral(type)) {
        if (taker != null && !SqlTypeUtil.equalSansNullability(this, taker, type)) {
          if (PostgresConstantFunction.readByPostgres(taker) || PostgresConstantFunction.readByPostgres(type)) {
            return null; // two such types (varbinary(n) and bytea, two interval types): Calcite's rules
          }
          taker = super.leastRestrictive(List.of(taker, type), mappingRule);
          if (taker == null || !PostgresConstantFunction.takesUntypedLiteral(taker)) {
            return null;
          }
        } else {
          taker = type;
        }
      } else if (SqlTypeUtil.isCharacter(type)) {
        character = true;
      } else if (type.getSqlTypeName() != SqlTypeName.NULL) {
        return null;
      }
    }
    return taker != null && character ? createTypeWithNullability(taker, nullable) : null;
  }
}
