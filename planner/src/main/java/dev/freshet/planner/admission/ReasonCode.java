package dev.freshet.planner.admission;

/**
 * Why a query (or a part of it) cannot be planned or maintained differentially. Codes are stable:
 * users search for them, and the catalog records them as fallback reasons.
 */
public enum ReasonCode {
  /**
   * A function or operator over a type the planner carries by name (jsonb, an enum, money...) whose result type
   * it cannot tell; one it does not know at all is {@link #UNREADABLE_QUERY}.
   */
  UNSUPPORTED_FUNCTION("FR001"),
  /** A column type Freshet cannot represent (json, arrays, user-defined types, ...). */
  UNSUPPORTED_TYPE("FR002"),
  /**
   * A SQL construct outside the maintained set (window functions, ORDER BY ... LIMIT inside the query, UNION,
   * recursive CTEs, ...).
   */
  UNSUPPORTED_CONSTRUCT("FR003"),
  /** A volatile function (random(), now(), clock_timestamp()): its result changes without any source change. */
  VOLATILE_FUNCTION("FR004"),
  /** A correlated sub-query that could not be decorrelated. */
  CORRELATED_SUBQUERY("FR005"),
  /**
   * An aggregate that is not maintained incrementally yet, or that cannot be maintained exactly: one PostgreSQL
   * computes in floating point ({@link FloatingPointAggregates}).
   */
  UNSUPPORTED_AGGREGATE("FR006"),
  /** A source that cannot carry change capture (a view, a foreign table, a system catalog). */
  UNSUPPORTED_SOURCE("FR007"),
  /**
   * Valid PostgreSQL (PostgreSQL accepts it) that Freshet's planner cannot read yet: a syntax or a
   * name resolution rule it does not know ({@code DISTINCT ON}, {@code FROM ONLY}, set-returning
   * functions in FROM, system columns, a function it does not know, a LIMIT count that is not a number).
   * FULL and AUTO run such a query as written.
   */
  UNREADABLE_QUERY("FR008"),
  /**
   * Freshet's plan of the query disagrees with the query itself (a check at create: its result on the
   * current data, or the tables it reads): a bug in Freshet's planner, caught before it gives a wrong
   * result. FULL and AUTO run the query as written.
   */
  PLAN_MISMATCH("FR009");

  private final String code;

  ReasonCode(String code) {
    this.code = code;
  }

  /** The stable short code, e.g. {@code FR003}. */
  public String code() {
    return code;
  }
}
