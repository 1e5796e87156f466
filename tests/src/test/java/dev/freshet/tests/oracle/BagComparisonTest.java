package dev.freshet.tests.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.oracle.BagComparison;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The differing rows a comparison reports are PostgreSQL's text of each value, read back from its text of the
 * whole row: every value that row text must quote (empty, white space, quotes, backslashes, commas,
 * parentheses) comes back as it was, NULL apart from the text 'NULL' and from the empty text, and a row of one
 * NULL, whose text {@code ()} is also that of a row without columns. The comparison stays PostgreSQL's
 * equality of the values' types.
 */
@PostgresTest
class BagComparisonTest {

  @Test
  void differingValuesAreReadBackAsPostgresPrintsThem(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      BagComparison.Result r = BagComparison.compare(c, """
          SELECT * FROM (VALUES (1, '', ' lead', 'a\\b', 'say "hi"', 'x,(y)', 'NULL', NULL::text,
            ROW(1, 'x y'), 2.50::numeric, 'NaN'::float8, false, '{"k": [1, 2]}'::jsonb, '{}'::int[])) AS v
          """, "SELECT * FROM (VALUES (1, '', '', '', '', '', '', ''::text, ROW(1, ''), 0::numeric, 0::float8, "
          + "true, '{}'::jsonb, '{}'::int[])) AS v WHERE false");
      assertEquals(1, r.missingCount());
      assertEquals(List.of(List.of("1", "''", "' lead'", "'a\\b'", "'say \"hi\"'", "'x,(y)'", "'NULL'", "NULL",
          "'(1,\"x y\")'", "2.50", "NaN", "f", "'{\"k\": [1, 2]}'", "'{}'")), r.missing());
      assertEquals(List.of(), r.extra());

      BagComparison.Result oneNull = BagComparison.compare(c, "SELECT NULL::int AS n", "SELECT 1 AS n");
      assertEquals(List.of(List.of("NULL")), oneNull.missing());
      assertEquals(List.of(List.of("1")), oneNull.extra());
    }
  }

  @Test
  void equalityIsPostgresOwnNotTheText(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      assertTrue(BagComparison.compare(c, "SELECT 1.50::numeric AS x", "SELECT 1.5::numeric AS x").equal(),
          "1.50 = 1.5 though their texts differ");
      BagComparison.Result r = BagComparison.compare(c, "SELECT 1.50::numeric AS x UNION ALL SELECT 2",
          "SELECT 1.5::numeric AS x");
      assertEquals(List.of(List.of("2")), r.missing(), "the extra 1.50 is not reported: it equals 1.5");
    }
  }

  /** A timestamptz is the session's TimeZone's text, as psql shows it; a bytea its bytea_output's. */
  @Test
  void valuesFollowTheSessionSettings(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'Asia/Kolkata'");
      s.execute("SET bytea_output = 'escape'");
      BagComparison.Result r = BagComparison.compare(c,
          "SELECT '2026-01-01 10:00:00+00'::timestamptz AS at, '\\x41ff'::bytea AS b", "SELECT NULL::timestamptz, NULL::bytea");
      assertEquals(List.of(List.of("'2026-01-01 15:30:00+05:30'", "'A\\377'")), r.missing());
    }
  }
}
