package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.refreshMeasuring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rows compared with an aggregate without GROUP BY ({@code bal > (SELECT avg(bal) …)}, TPC-H Q22; a HAVING
 * threshold, Q11) are compared again, when that aggregate changes, only where they lie between its old and
 * its new value (RestrictScalarComparisons). Each query runs DIFFERENTIAL through changes that move the value
 * up and down, make it NULL and non-NULL again (no row left for the average), put rows exactly on the old and
 * the new value, and change the compared rows in the same transaction; the oracle checks after every
 * refresh. The refresh programs are asserted to hold the bounds where the value is read only by the
 * comparison, and not where the query also returns it (there the old and the new value are different rows); and
 * (plan revision 2, ComparedRowsState) the compared rows to be kept in a state table of their own, indexed on the
 * compared column, where they are rows of a source.
 */
@PostgresTest
class ScalarComparisonRangeScenarioTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // TPC-H Q22's shape: above the average of the positive balances, and no order
      "greater, anti-join|true|true|SELECT substr(phone, 1, 1) AS cc, count(*) AS n, sum(bal) AS total FROM cust "
          + "WHERE bal > (SELECT avg(bal) FROM cust WHERE bal > 0) "
          + "AND NOT EXISTS (SELECT * FROM ord WHERE ord.cust = cust.id) GROUP BY substr(phone, 1, 1)",
      "at most|true|true|SELECT id, bal FROM cust WHERE bal <= (SELECT avg(bal) FROM cust WHERE bal > 0)",
      "less, reversed|true|true|SELECT id FROM cust WHERE (SELECT avg(bal) + 1 FROM cust WHERE bal > 0) < bal",
      "equal to the maximum|true|true|SELECT id, bal FROM cust WHERE bal = (SELECT max(bal) FROM cust)",
      // TPC-H Q11's shape: a HAVING threshold over the groups' sums (kept in a state table already: not stored again)
      "having a threshold|true|false|SELECT phone, sum(bal) AS s FROM cust GROUP BY phone "
          + "HAVING sum(bal) > (SELECT sum(bal) * 0.1 FROM cust)",
      "integers|true|true|SELECT id FROM cust WHERE rank >= (SELECT min(rank) + 2 FROM cust WHERE bal > 0)",
      // the average is returned too: (x, old) and (x, new) are different rows, nothing may be cut
      "value returned|false|false|SELECT c.id, c.bal, a.v FROM cust c JOIN (SELECT avg(bal) AS v FROM cust WHERE bal > 0) a "
          + "ON c.bal > a.v"})
  void comparesOnlyRowsBetweenTheOldAndTheNewValue(String name, boolean bounded, boolean stored, String sql,
      TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS cust, ord",
          "CREATE TABLE cust (id int PRIMARY KEY, phone text, bal numeric(12,2), rank int)",
          "CREATE TABLE ord (id int PRIMARY KEY, cust int)",
          "INSERT INTO cust SELECT i, (i % 4)::text || '-' || i % 3, (i * 37 % 200) - 50, i % 7 "
              + "FROM generate_series(1, 120) i",
          "INSERT INTO cust VALUES (121, '1-1', NULL, NULL)",
          "INSERT INTO ord SELECT i, i * 5 % 131 FROM generate_series(1, 40) i");
      StreamTables.create(c, "st", sql, Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "st");
      assertEquals(bounded, programsHoldBounds(c), "the refresh programs restrict the comparison: " + sql);
      // plan revision 2: the compared rows in a state table indexed on the compared column
      assertEquals(stored, count(c, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'freshet_state' AND tablename "
          + "LIKE 'st\\_' || (SELECT id FROM freshet.stream_tables WHERE table_name = 'st') || '\\_%' "
          + "AND (indexdef LIKE '%(bal)' OR indexdef LIKE '%(rank)')") == 1, "the compared rows stored: " + sql);

      // the average moves up, then down; rows in between, above and below move too
      exec(c, "UPDATE cust SET bal = bal + 30 WHERE id % 5 = 0");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      exec(c, "UPDATE cust SET bal = bal - 45 WHERE id % 3 = 0", "DELETE FROM ord WHERE id % 4 = 0");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      // rows exactly on the new average, and on the old one
      String average = "(SELECT avg(bal) FROM cust WHERE bal > 0)";
      exec(c, "UPDATE cust SET bal = round(" + average + ", 2) WHERE id IN (7, 8)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO cust VALUES (200, '2-2', 199, 3), (201, '3-0', -10, 6)",
          "UPDATE cust SET bal = 1 WHERE id = 9");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      // no positive balance left: the average is NULL; then one comes back; the compared rows change with it
      exec(c, "UPDATE cust SET bal = -bal WHERE bal > 0");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      inOneTransaction(c, "UPDATE cust SET bal = 12 WHERE id IN (10, 11, 12)",
          "UPDATE cust SET bal = bal - 1, rank = rank + 2 WHERE id % 6 = 1", "INSERT INTO ord VALUES (41, 10)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      // many rows at once; the value unchanged while the compared rows move across it
      exec(c, "UPDATE cust SET bal = abs(bal) + id % 11 WHERE id % 2 = 0");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      exec(c, "UPDATE cust SET bal = bal + 100 WHERE id = 14", "UPDATE cust SET bal = bal - 100 WHERE id = 16");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      exec(c, "DELETE FROM cust WHERE id > 100", "UPDATE cust SET bal = NULL WHERE id = 20");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertEquals(1, StreamTables.drop(c, "st", false).size());
    }
  }

  /**
   * With an index on the compared column, a refresh after the average moved reads the rows between the two
   * averages through it, not the rows on one side of them: each bound is a range of its own (the one that may
   * be missing in a branch of its own), where {@code bal >= lo AND (bal <= hi OR hi IS NULL)} let the index
   * serve only the first, half of the table. The rows are read from the source: they hold a float, which plan
   * revision 2 does not store (the next test).
   */
  @Test
  void anIndexOnTheComparedColumnServesBothBounds(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS acct",
          "CREATE TABLE acct (id int PRIMARY KEY, bal numeric(12,2), w float8)",
          "INSERT INTO acct SELECT i, (i * 7919 % 20000) / 100.0, i / 4.0 FROM generate_series(1, 20000) i",
          "CREATE INDEX acct_bal ON acct (bal)", "ANALYZE acct");
      StreamTables.create(c, "above", "SELECT id, bal, w FROM acct WHERE bal > (SELECT avg(bal) FROM acct)",
          Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "above");
      assertEquals(1, count(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'freshet_state' AND tablename "
          + "LIKE 'st\\_' || (SELECT id FROM freshet.stream_tables WHERE table_name = 'above') || '\\_%'"),
          "one state table, the average's");
      for (String change : CHANGES) {
        exec(c, change);
        long read = refreshMeasuring(c, "above", ScalarComparisonRangeScenarioTest::read, "acct")[0];
        assertTrue(read < 1_000, "rows of acct read by the refresh after " + change + ": " + read);
        Oracle.assertFresh(c, "above");
      }
      assertEquals(1, StreamTables.drop(c, "above", false).size());
    }
  }

  /**
   * Plan revision 2 keeps the compared rows in a state table of their own (ComparedRowsState), with an index on
   * the compared column: without any index on the source, a refresh after the average moved reads the stored rows
   * between the two averages and not one row of the source (its changes come from the change buffer).
   */
  @Test
  void theComparedRowsAreStoredAndReadBetweenTheTwoValues(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS acct",
          "CREATE TABLE acct (id int PRIMARY KEY, bal numeric(12,2), region text)",
          "INSERT INTO acct SELECT i, (i * 7919 % 20000) / 100.0, 'r' || i % 7 FROM generate_series(1, 20000) i",
          "ANALYZE acct");
      StreamTables.create(c, "above", "SELECT region, count(*) AS n, sum(bal) AS total FROM acct "
          + "WHERE bal > (SELECT avg(bal) FROM acct) GROUP BY region", Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "above");
      String stored = "freshet_state.st_" + count(c, "SELECT id FROM freshet.stream_tables WHERE table_name = 'above'")
          + "_0";
      assertEquals(20_000, count(c, "SELECT count(*) FROM " + stored), "the compared rows, stored");
      assertEquals(1, count(c, "SELECT count(*) FROM pg_indexes WHERE schemaname || '.' || tablename = '" + stored
          + "' AND indexdef LIKE '%(bal)'"), "an index on the compared column");
      for (String change : CHANGES) {
        exec(c, change);
        long[] read = refreshMeasuring(c, "above", ScalarComparisonRangeScenarioTest::read, "acct", stored);
        assertEquals(0, read[0], "rows of acct read by the refresh after " + change);
        assertTrue(read[1] < 1_000, "stored rows read by the refresh after " + change + ": " + read[1]);
        Oracle.assertFresh(c, "above");
      }
      // rows on both sides of the average, moved across it, deleted and inserted, in one window
      exec(c, "UPDATE acct SET bal = 200 - bal WHERE id % 97 = 0", "DELETE FROM acct WHERE id % 89 = 0",
          "INSERT INTO acct SELECT i, i % 300, 'r9' FROM generate_series(20001, 20100) i");
      Oracle.refreshAndCheck(c, "above", Mode.DIFFERENTIAL);
      assertEquals(1, StreamTables.drop(c, "above", false).size());
    }
  }

  /**
   * A column of a nondeterministic collation ('A' and 'a' equal) is refused in DIFFERENTIAL mode (FR002): Freshet
   * identifies rows by one text for values PostgreSQL holds equal, and a row changed from 'n3' to 'N3' was kept as it
   * was, then failed the next refresh. AUTO recomputes it, and a recompute keeps the text as the query returns it.
   */
  @Test
  void aColumnOfANondeterministicCollationIsRefused(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS named",
          "CREATE COLLATION IF NOT EXISTS freshet_test_ci (provider = icu, locale = 'und-u-ks-level2', "
              + "deterministic = false)",
          "CREATE TABLE named (id int PRIMARY KEY, name text COLLATE freshet_test_ci, bal numeric(12,2))",
          "INSERT INTO named SELECT i, 'n' || i, i % 50 FROM generate_series(1, 200) i");
      String sql = "SELECT id, name FROM named WHERE bal > (SELECT avg(bal) FROM named)";
      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> StreamTables.create(c, "named_above", sql, Mode.DIFFERENTIAL, null));
      assertTrue(refused.getMessage().contains("FR002: column \"public\".\"named\".\"name\" has type text, which "
          + "Freshet cannot use: its collation is nondeterministic"), refused.getMessage());
      // a query that does not read the column is maintained
      StreamTables.create(c, "named_ids", "SELECT id FROM named WHERE bal > (SELECT avg(bal) FROM named)",
          Mode.DIFFERENTIAL, null);
      StreamTables.create(c, "named_above", sql, Mode.AUTO, null);
      exec(c, "UPDATE named SET name = upper(name), bal = bal + 1 WHERE id % 3 = 0");
      Oracle.refreshAndCheck(c, "named_above", Mode.FULL);
      Oracle.refreshAndCheck(c, "named_ids", Mode.DIFFERENTIAL);
      // the recompute's rows replace the stored ones that differ in their bytes, not only those the collation tells
      // apart: 'N3' where 'n3' was
      assertEquals(0, count(c, "SELECT count(*) FROM named_above s JOIN named n ON n.id = s.id "
          + "WHERE convert_to(s.name, 'UTF8') IS DISTINCT FROM convert_to(n.name, 'UTF8')"), "each name as it is now");
      assertEquals(count(c, "SELECT count(*) FROM named WHERE bal > (SELECT avg(bal) FROM named)"),
          count(c, "SELECT count(*) FROM named_above"));
      assertEquals(1, StreamTables.drop(c, "named_above", false).size());
      assertEquals(1, StreamTables.drop(c, "named_ids", false).size());
    }
  }

  /** Changes of one row or two that move the average of acct's balances. */
  private static final List<String> CHANGES = List.of("UPDATE acct SET bal = bal + 150 WHERE id = 3",
      "UPDATE acct SET bal = bal - 150 WHERE id = 3", "DELETE FROM acct WHERE id IN (5, 6)");

  /**
   * The rows of {@code table} this backend has read and not yet reported (by sequential scans, bitmap scans and
   * through its indexes): the transaction's own, and since PostgreSQL 15 possibly earlier ones' still pending; hence
   * a difference within one transaction.
   */
  private static String read(String table) {
    String t = "'" + table + "'::regclass";
    return "SELECT pg_stat_get_xact_tuples_returned(" + t + ") + pg_stat_get_xact_tuples_fetched(" + t + ") "
        + "+ coalesce((SELECT sum(pg_stat_get_xact_tuples_fetched(indexrelid)) FROM pg_index WHERE indrelid = " + t
        + "), 0)"; // bitmap scans count on the table, index scans on the index
  }

  /** True if a refresh program of st bounds its rows by the smallest value of a change ({@code MIN(…) AS "lo"}). */
  private static boolean programsHoldBounds(Connection c) throws SQLException {
    return count(c, "SELECT count(*) FROM freshet.refresh_programs p JOIN freshet.stream_tables s "
        + "ON s.id = p.stream_table_id, unnest(p.step_sql) AS step WHERE s.table_name = 'st' "
        + "AND step LIKE '%AS \"lo\"%'") > 0;
  }
}
