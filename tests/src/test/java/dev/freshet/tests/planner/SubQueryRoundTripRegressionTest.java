package dev.freshet.tests.planner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.QueryException;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tpch.RoundTrip;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Counterexamples the planner round-trip property found (PlannerRoundTripPropertyTest), minimized
 * by hand: each query, on its rows, must either be planned so that its printed plan returns the
 * query's rows, or be refused with a {@link QueryException} (AUTO then runs it as written) — never a
 * wrong result, never a crash.
 */
@PostgresTest
class SubQueryRoundTripRegressionTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      A  uncorrelated EXISTS beside a correlated one | INSERT INTO r VALUES (1,1,'x'); INSERT INTO w VALUES (1,'x') | SELECT t1.b FROM w t1 WHERE EXISTS (SELECT 1 FROM s t2) AND EXISTS (SELECT 1 FROM r t3 WHERE t3.a = t1.b)
      A2 uncorrelated EXISTS in SELECT            | INSERT INTO r VALUES (1,1,'x'); INSERT INTO w VALUES (1,'x') | SELECT t1.b, EXISTS (SELECT 1 FROM s t2) AS e FROM w t1 WHERE EXISTS (SELECT 1 FROM r t3 WHERE t3.a = t1.b)
      A3 uncorrelated EXISTS inside a correlated  | INSERT INTO r VALUES (1,1,'x'); INSERT INTO w VALUES (1,'x') | SELECT t1.b FROM w t1 WHERE EXISTS (SELECT 1 FROM r t3 WHERE t3.a = t1.b AND EXISTS (SELECT 1 FROM s t2))
      B  correlated key of a LEFT JOIN            | INSERT INTO u VALUES (0,NULL); INSERT INTO w VALUES (1,'x') | SELECT t1.a FROM u t1 LEFT JOIN w t2 ON t1.e = t2.b WHERE EXISTS (SELECT 1 FROM w WHERE w.b = t1.e OR t1.e IS NULL)
      B2 scalar over a LEFT JOIN key              | INSERT INTO u VALUES (0,NULL); INSERT INTO w VALUES (1,'x') | SELECT t1.a, (SELECT count(*) FROM w WHERE w.b = t1.e OR t1.e IS NULL) AS n FROM u t1 LEFT JOIN u t2 ON t1.e = t2.e
      B3 NOT EXISTS over a LEFT JOIN key          | INSERT INTO s VALUES (NULL,1,'y'); INSERT INTO u VALUES (NULL,NULL) | SELECT t1.a FROM s t1 LEFT JOIN u t2 ON t1.a = t2.a WHERE NOT EXISTS (SELECT 1 FROM u t3 WHERE NOT EXISTS (SELECT 1 FROM r t4 WHERE t4.b = t1.a))
      B4 IN beside NOT IN                         | INSERT INTO u VALUES (NULL,NULL) | SELECT u.e FROM u WHERE u.a IN (SELECT r.b FROM r) OR u.e NOT IN (SELECT w.b FROM w WHERE w.b = u.a)
      C  HAVING EXISTS nested on a group key      | INSERT INTO u VALUES (0,1),(0,1),(0,2); INSERT INTO r VALUES (0,0,'x'); INSERT INTO s VALUES (1,0,'x') | SELECT u.e, count(*) AS n FROM u GROUP BY u.e HAVING EXISTS (SELECT 1 FROM r WHERE EXISTS (SELECT 1 FROM s WHERE s.a = u.e))
      C2 HAVING EXISTS on a text group key        | INSERT INTO w VALUES (1,'x'),(2,'y'); INSERT INTO r VALUES (0,0,'x') | SELECT t1.c, count(*) AS n FROM w t1 GROUP BY t1.c HAVING EXISTS (SELECT 1 FROM r t4 WHERE EXISTS (SELECT 1 FROM w t5 WHERE t5.c = t1.c))
      C3 HAVING EXISTS without aggregate          | INSERT INTO w VALUES (1,'x'),(2,'y'); INSERT INTO r VALUES (0,0,'x'); INSERT INTO s VALUES (0,0,'x') | SELECT w.c FROM w GROUP BY w.c HAVING EXISTS (SELECT 1 FROM r WHERE EXISTS (SELECT 1 FROM s WHERE s.d = w.c))
      D  NOT IN, same table two levels            | INSERT INTO s VALUES (2,0,NULL) | SELECT s.b FROM s WHERE s.d NOT IN (SELECT r.c FROM r WHERE r.a = s.a AND EXISTS (SELECT 1 FROM s s5 WHERE s5.b <> r.b))
      D2 scalar count, same table two levels      | INSERT INTO s VALUES (1,1,'x'); INSERT INTO w VALUES (0,'a'),(1,'b') | SELECT s.b FROM s WHERE EXISTS (SELECT 1 FROM w w10 WHERE w10.b = (SELECT count(*) FROM w w11 WHERE w11.b <= s.a))
      D3 IN over NOT EXISTS, same table           | INSERT INTO r VALUES (1,0,'x'); INSERT INTO u VALUES (1,1) | SELECT r.a FROM r WHERE r.a IN (SELECT u.e FROM u WHERE NOT EXISTS (SELECT 1 FROM r r5 WHERE r5.b > u.e))
      D4 scalar min, same table two levels        | INSERT INTO r VALUES (1,1,'x'),(0,1,'x') | SELECT r.a FROM r WHERE EXISTS (SELECT 1 FROM r r2 WHERE r2.c = r.c AND r2.b = (SELECT min(r3.a) FROM r r3 WHERE r3.b >= r.a))
      D5 scalar max, non-equality                 | INSERT INTO s VALUES (1,1,'y'); INSERT INTO r VALUES (0,1,'x') | SELECT s.b FROM s WHERE EXISTS (SELECT 1 FROM r WHERE r.b = s.b AND r.c >= (SELECT max(r3.c) FROM r r3 WHERE r3.c < s.d))
      D6 IN with OR IS NULL, same table           | INSERT INTO u VALUES (1,1),(NULL,1); INSERT INTO w VALUES (1,'x') | SELECT u.a FROM u WHERE EXISTS (SELECT 1 FROM w WHERE w.b = u.e AND w.b IN (SELECT w5.b FROM w w5 WHERE w5.b = u.a OR u.a IS NULL))
      C1 NOT IN with OR in the correlation        | INSERT INTO w VALUES (1,'x'),(2,'y'),(NULL,'z'); INSERT INTO u VALUES (2,1) | SELECT w.b FROM w WHERE w.b NOT IN (SELECT u.a FROM u WHERE u.e = w.b OR w.b = 2)
      R2 FALSE around a correlated sub-query      | INSERT INTO r VALUES (1,1,'x'); INSERT INTO s VALUES (1,1,'x'); INSERT INTO w VALUES (1,'x') | SELECT t1.b FROM r t1 WHERE EXISTS (SELECT 1 FROM s WHERE s.a <> s.a AND EXISTS (SELECT 1 FROM w WHERE w.c = t1.c))
      """)
  void plannedExactlyOrRefused(String label, String rows, String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS r, s, u, w");
      s.execute("CREATE TABLE r (a int, b int, c text); CREATE TABLE s (a int, b int, d text); "
          + "CREATE TABLE u (a int, e int); CREATE TABLE w (b int, c text)");
      s.execute(rows);
      RoundTrip.Result result;
      try {
        result = RoundTrip.run(c, PgCatalogReader.read(c), sql);
      } catch (QueryException refused) {
        return; // AUTO runs it as written
      }
      assertTrue(result.matches(), () -> label + ": " + result.comparison().summary() + "\nmissing "
          + result.comparison().missing() + "\nextra " + result.comparison().extra() + "\n" + result.printedSql());
    }
  }
}
