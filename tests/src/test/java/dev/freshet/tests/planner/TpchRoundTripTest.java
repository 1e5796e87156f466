package dev.freshet.tests.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.runtime.oracle.BagComparison;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tpch.RoundTrip;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchQuery;
import java.sql.Connection;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each of the 22 TPC-H queries, planned and printed back as SQL, returns the multiset of the original
 * text on SF-0.01 data (DESIGN.md §7's comparison: numerics by value, char(n) without padding).
 */
@PostgresTest(tpch = 0.01)
class TpchRoundTripTest {

  static Stream<Integer> queries() {
    return IntStream.rangeClosed(1, TpchQueries.COUNT).boxed();
  }

  @ParameterizedTest(name = "q{0}")
  @MethodSource("queries")
  void printedSqlReturnsTheSameRows(int number, TestDatabase db) throws Exception {
    TpchQuery query = TpchQueries.get(number);
    try (Connection c = db.connect()) {
      PgCatalog catalog = PgCatalogReader.read(c);
      RoundTrip.Result result = RoundTrip.run(c, catalog, query.sql());
      assertTrue(result.comparison().expectedRows() > 0, query.name() + " returns no rows on SF-0.01");
      assertTrue(result.matches(), () -> query.name() + ": " + result.comparison().summary()
          + "\nmissing: " + result.comparison().missing() + "\nextra: " + result.comparison().extra()
          + "\nprinted SQL:\n" + result.printedSql());
      assertEquals(result.comparison().expectedRows(), result.comparison().actualRows());
    }
  }

  /** The comparison itself can fail: a changed value, a lost duplicate and char padding. */
  @Test
  void comparisonSeesDifferencesAndIgnoresPadding(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      BagComparison.Result dup = BagComparison.compare(c,
          "SELECT 1 AS x UNION ALL SELECT 1", "SELECT 1 AS x");
      assertEquals(1, dup.missingCount());
      assertEquals(0, dup.extraCount());
      BagComparison.Result value = BagComparison.compare(c,
          "SELECT 1.50::numeric(10,2) AS x", "SELECT 1.51::numeric AS x");
      assertNotEquals(0, value.missingCount() + value.extraCount());
      assertTrue(BagComparison.compare(c,
          "SELECT 1.50::numeric(10,2) AS x, 'ab'::char(5) AS y",
          "SELECT 1.5::numeric AS x, 'ab'::char(2) AS y").equal());
    }
  }
}
