package dev.freshet.planner.admission;

/**
 * Why a query (or a part of it) cannot be planned or maintained differentially. Codes are stable:
 * users search for them, and the catalog records them as fallback reasons.
 */
public enum ReasonCode {
  /** A function or operator the planner does not know (or PostgreSQL-specific syntax not supported yet). */
  UNSUPPORTED_FUNCTION("FR001"),
  /** A column type Freshet cannot represent (json, arrays, user-defined types, ...). */
  UNSUPPORTED_TYPE("FR002"),
  /** A SQL construct outside the maintained set (window functions, LIMIT, recursive CTEs, ...). */
  UNSUPPORTED_CONSTRUCT("FR003"),
  /** A volatile function (random(), now(), clock_timestamp()): its result changes without any source change. */
  VOLATILE_FUNCTION("FR004"),
  /** A correlated sub-query that could not be decorrelated. */
  CORRELATED_SUBQUERY("FR005"),
  /** An aggregate that is not maintained incrementally yet. */
  UNSUPPORTED_AGGREGATE("FR006"),
  /** A source that cannot carry change capture (a view, a foreign table, a system catalog). */
  UNSUPPORTED_SOURCE("FR007");

  private final String code;

  ReasonCode(String code) {
    this.code = code;
  }

  /** The stable short code, e.g. {@code FR003}. */
  public String code() {
    return code;
  }
}
