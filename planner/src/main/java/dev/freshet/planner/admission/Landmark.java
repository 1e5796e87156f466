package dev.freshet.planner.admission;

/**
 * A construct of a defining query that a refusal may be about, so that the refusal can point at it in
 * the query text ({@link Landmarks}): the rules see relational algebra, which has no positions.
 */
public enum Landmark {
  /** {@code LIMIT}, {@code OFFSET} or {@code FETCH}. */
  LIMIT_OFFSET,
  /** A window function call ({@code … OVER (…)}). */
  WINDOW,
  /** {@code UNION}, {@code INTERSECT} or {@code EXCEPT} without {@code ALL}, or with it for the latter two. */
  SET_OPERATION,
  /** {@code LEFT}, {@code RIGHT} or {@code FULL} join. */
  OUTER_JOIN,
  /** {@code GROUPING SETS}, {@code ROLLUP} or {@code CUBE}. */
  GROUPING_SETS,
  /** An aggregate with {@code ORDER BY} inside its call, or {@code WITHIN GROUP}. */
  ORDERED_AGGREGATE,
  /**
   * An aggregate PostgreSQL computes in floating point ({@code sum}, {@code avg} of a double precision value:
   * {@link FloatingPointAggregates}).
   */
  FLOAT_AGGREGATE,
  /** A volatile or time-dependent function ({@code random()}, {@code now()}, {@code current_date}). */
  VOLATILE_FUNCTION,
  /**
   * A string constant PostgreSQL reads as the clock: one holding {@code now}, {@code today}, {@code tomorrow} or
   * {@code yesterday} read as a date, time or timestamp ({@code 'today'::date}, {@code d <= 'today'}).
   */
  CLOCK_LITERAL,
  /** A cast of a text value that is not a constant to a date, time or timestamp ({@code s::date}). */
  TEXT_TO_DATETIME_CAST,
  /** The words {@code WITH RECURSIVE} of a query with a recursive WITH query. */
  RECURSIVE_WITH,
  /**
   * A scalar sub-query ({@code (SELECT k FROM t)} as a value) that may return more than one row: the first
   * one not plainly of one row (an aggregate without GROUP BY, a LIMIT 1), else the first one.
   */
  SCALAR_SUBQUERY
}
