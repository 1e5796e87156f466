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
  /** {@code a LEFT JOIN b ON} equalities [AND a condition on one side]; b's columns are nullable after it. */
  LEFT_JOIN,
  /** {@code a RIGHT JOIN b ON …}: the items before it are padded with NULLs. */
  RIGHT_JOIN,
  /** {@code a FULL JOIN b ON …}: both sides padded. */
  FULL_JOIN,
  /** An outer join's ON holding, besides its equalities, a condition on one side only ({@code AND b.s1 <> 'a'}). */
  OUTER_JOIN_ONE_SIDED_CONDITION,
  /** Three items, at least one joined by an outer join: outer joins chained and mixed with inner ones. */
  OUTER_JOIN_CHAIN,
  // unions
  UNION_ALL, VALUES_BRANCH, UNION_IN_FROM,
  // aggregates (the aggregate functions are counted wherever they occur)
  GROUP_BY, GROUP_BY_EXPRESSION, SCALAR_AGGREGATE, COUNT_STAR, COUNT, SUM, AVG, MIN, MAX, BOOL_AND,
  BOOL_OR, STRING_AGG, COUNT_DISTINCT, FINISHER_EXPRESSION,
  // the rest
  DISTINCT, ORDER_BY,
  /** {@code ORDER BY … LIMIT n [OFFSET m]} at the top: the stream table holds the top rows. */
  TOP_K,
  // aggregates and DISTINCT below the top operator (Freshet's strata, each kept in a state table)
  /** A HAVING filter over the groups (top or derived aggregate). */
  HAVING,
  /** {@code (SELECT k, agg … GROUP BY k) d} in FROM, joined or alone. */
  DERIVED_AGGREGATE,
  /** {@code (SELECT DISTINCT …) d} in FROM. */
  DERIVED_DISTINCT,
  /** A derived table joined to a table it reads itself: both sides change in one transaction. */
  DERIVED_JOINED_TO_ITS_SOURCE,
  /** An aggregate over a derived aggregate: {@code SELECT d.a1, count(*) FROM (… GROUP BY …) d GROUP BY d.a1}. */
  AGGREGATE_OVER_AGGREGATE,
  /** DISTINCT over a join, at the top or in a derived table. */
  DISTINCT_OVER_JOIN,
  /** {@code x op (SELECT agg(y) FROM t)} in WHERE, uncorrelated. */
  SCALAR_SUBQUERY,
  /** {@code (SELECT agg(y) FROM t)} as a select item, uncorrelated. */
  SCALAR_SUBQUERY_IN_SELECT,
  /** {@code x IN (SELECT y FROM t …)} in WHERE, uncorrelated. */
  IN_SUBQUERY,
  /** {@code EXISTS (SELECT 1 FROM t q WHERE q.k = outer.k …)}: equality correlation to the query it sits in. */
  EXISTS_CORRELATED,
  /** {@code NOT EXISTS (SELECT 1 FROM t q WHERE q.k = outer.k [AND condition on q])}: an anti-join. */
  NOT_EXISTS,
  /** {@code x NOT IN (SELECT y FROM t …)}, uncorrelated, x and y nullable mostly (SQL's NULL rules). */
  NOT_IN,
  // sources read by the query
  SOURCE_PRIMARY_KEY, SOURCE_COMPOSITE_KEY, SOURCE_NO_KEY,
  /** A jsonb column is read: a type Calcite has no counterpart for, carried by name (ColType.JSONB). */
  JSONB_COLUMN,
  /**
   * An enum column is read (ColType.ENUM): a user-defined type carried by name, whose order is its
   * declared order, not its labels' text.
   */
  ENUM_COLUMN,
  /** {@code (a.j1 ->> 'a')}: a PostgreSQL json operator, which Freshet reads by rewriting it as a call. */
  JSON_OPERATOR,
  // more column types read by the query (ColType#columnConstruct): each with equal values written apart
  /** A uuid column (ColType.UUID). */
  UUID_COLUMN,
  /** An inet column (ColType.INET). */
  INET_COLUMN,
  /** A bytea column (ColType.BYTEA). */
  BYTEA_COLUMN,
  /** An interval column (ColType.INTERVAL): '1 day' = '24 hours', '1 year' = '360 days'. */
  INTERVAL_COLUMN,
  /** A timestamptz column (ColType.TIMESTAMPTZ): one instant at several offsets. */
  TIMESTAMPTZ_COLUMN,
  /** A char(3) column (ColType.CHAR): trailing blanks insignificant. */
  CHAR_COLUMN,
  /** An int[] column (ColType.INT_ARRAY). */
  ARRAY_COLUMN,
  /** A column of a domain over text (ColType.DOMAIN). */
  DOMAIN_COLUMN
}
