package dev.freshet.planner.parse;

import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlDelegatingConformance;

/**
 * Babel's conformance (ordinals and aliases in GROUP BY, LIMIT/OFFSET, lenient casts, as PostgreSQL)
 * with a strict GROUP BY. Babel's non-strict GROUP BY is MySQL's (any non-grouped column becomes
 * {@code ANY_VALUE(column)}), which PostgreSQL does not have; and its check crashes the validator on
 * {@code GROUP BY COALESCE(x, 0)} or {@code GROUP BY CASE …} (a null operand of the CASE call it
 * inspects).
 */
final class PostgresConformance extends SqlDelegatingConformance {

  static final PostgresConformance INSTANCE = new PostgresConformance();

  private PostgresConformance() {
    super(SqlConformanceEnum.BABEL);
  }

  @Override
  public boolean isNonStrictGroupBy() {
    return false;
  }
}
