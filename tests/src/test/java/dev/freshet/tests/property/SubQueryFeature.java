package dev.freshet.tests.property;

/**
 * What a generated sub-query case exercises, as {@link SubQueryQueries} records it. Each feature is a
 * value of a jqwik statistics label ({@link #group}); every one must occur in a query Freshet planned
 * at least once per run of the default length, or the generator has stopped producing it (or the
 * planner has started refusing it) and the property tests less than it claims.
 */
enum SubQueryFeature {
  EXISTS("sub-query form", "EXISTS"),
  NOT_EXISTS("sub-query form", "NOT EXISTS"),
  IN("sub-query form", "IN"),
  NOT_IN("sub-query form", "NOT IN"),
  SCALAR_IN_WHERE("sub-query form", "scalar in WHERE"),
  SCALAR_IN_SELECT("sub-query form", "scalar in SELECT"),
  EXISTS_IN_SELECT("sub-query form", "EXISTS in SELECT"),
  IN_HAVING("sub-query form", "in HAVING"),
  CORRELATED("correlation", "correlated"),
  UNCORRELATED("correlation", "uncorrelated"),
  CORRELATED_TO_GRANDPARENT("correlation", "to a grandparent"),
  DEPTH_1("nesting depth", "1"),
  DEPTH_2("nesting depth", "2"),
  DEPTH_3("nesting depth", "3"),
  UNDER_AND("boolean context", "under AND"),
  UNDER_OR("boolean context", "under OR"),
  UNDER_NOT("boolean context", "under NOT"),
  JOIN_ON("join", "JOIN ON"),
  USING("join", "JOIN USING"),
  NATURAL("join", "NATURAL JOIN"),
  LEFT_JOIN("join", "LEFT JOIN"),
  COMMA_JOIN("join", "FROM x, y"),
  GROUP_BY("grouping", "GROUP BY"),
  HAVING("grouping", "HAVING"),
  GROUP_BY_IN_SUB_QUERY("grouping", "GROUP BY in an IN sub-query"),
  EMPTY_TABLE("data", "a queried table is empty");

  /**
   * Features the planner refuses by design (FR005: Calcite's decorrelator misreads a column of a query
   * two levels out), so they are never planned: the coverage check requires them generated and
   * refused instead, which shows the refusal is still in place.
   */
  static final java.util.Set<SubQueryFeature> REFUSED_BY_DESIGN = java.util.EnumSet.of(CORRELATED_TO_GRANDPARENT);

  /** The statistics label this feature is a value of. */
  final String group;
  /** The value, as the statistics and the coverage report print it. */
  final String label;

  SubQueryFeature(String group, String label) {
    this.group = group;
    this.label = label;
  }

  static SubQueryFeature depth(int depth) {
    return switch (depth) {
      case 1 -> DEPTH_1;
      case 2 -> DEPTH_2;
      case 3 -> DEPTH_3;
      default -> throw new IllegalArgumentException("depth " + depth);
    };
  }
}
