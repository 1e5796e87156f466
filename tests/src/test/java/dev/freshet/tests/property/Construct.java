package dev.freshet.tests.property;

/**
 * The constructs of defining queries that Freshet maintains today (see {@code ShapeAnalyzer}), as the
 * generators label them. Every one must be generated, and accepted, at least once per run.
 */
enum Construct {
  // filters and scalar expressions
  WHERE, COMPARISON, AND, OR, NOT, IS_NULL, CASE, ARITHMETIC, DATE_ARITHMETIC, CONCAT, LIKE, CAST,
  COALESCE, IN_LIST, BETWEEN,
  // projections
  PROJECT_COLUMN, PROJECT_EXPRESSION, STAR,
  // joins
  JOIN_2, JOIN_3, EQUI_JOIN, CROSS_JOIN, COMMA_JOIN, SELF_JOIN, JOIN_ON_NULLABLE, JOIN_EXTRA_CONDITION,
  // unions
  UNION_ALL, VALUES_BRANCH, UNION_IN_FROM,
  // aggregates (at the top)
  GROUP_BY, GROUP_BY_EXPRESSION, SCALAR_AGGREGATE, COUNT_STAR, COUNT, SUM, AVG, MIN, MAX, BOOL_AND,
  BOOL_OR, STRING_AGG, COUNT_DISTINCT, FINISHER_EXPRESSION,
  // the rest
  DISTINCT, ORDER_BY,
  // sources read by the query
  SOURCE_PRIMARY_KEY, SOURCE_COMPOSITE_KEY, SOURCE_NO_KEY
}
