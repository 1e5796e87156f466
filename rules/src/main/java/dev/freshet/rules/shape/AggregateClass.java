package dev.freshet.rules.shape;

/** How one aggregate call is maintained (DESIGN.md §4). */
public enum AggregateClass {
  /** COUNT, SUM, AVG over exact types: new state = old state + delta, with non-null counts. */
  ALGEBRAIC,
  /** MIN, MAX: combined with inserted values; the group is rescanned when a deleted value may be the extremum. */
  EXTREMUM,
  /**
   * Anything else (string_agg, bool_and, DISTINCT aggregates): affected groups recomputed. Sums of floats are
   * refused instead (FloatingPointAggregates): re-aggregated in another row order they can differ.
   */
  RECOMPUTE_GROUP
}
