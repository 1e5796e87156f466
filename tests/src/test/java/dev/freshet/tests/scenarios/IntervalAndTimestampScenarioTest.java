package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Intervals, timestamps with time zone and bytea, as PostgreSQL compares and names them (found by the
 * property suite's interval, timestamptz and bytea columns, 2026-12-05).
 */
@PostgresTest
class IntervalAndTimestampScenarioTest {

  /**
   * PostgreSQL holds {@code '1 year'} equal to {@code '360 days'} (it compares months as 30 days), but row
   * identity hashed intervals by their epoch, which counts a year as 365.25 days: the two were one row to
   * PostgreSQL and two identities to Freshet. A refresh deleting the row stored under the other's hash
   * failed ("would delete rows that are not there").
   */
  @Test
  void intervalsPostgresHoldsEqualHaveOneIdentity(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE spans (id int PRIMARY KEY, v interval)");
      List<String> queries = List.of("SELECT v FROM spans", "SELECT DISTINCT v FROM spans",
          "SELECT v, count(*) AS n FROM spans GROUP BY v");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "sp" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO spans VALUES (1, '1 year'), (2, '360 days'), (3, '1 mon'), (4, '-13 mon')");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "sp" + i, Mode.DIFFERENTIAL);
      }
      exec(c, "DELETE FROM spans WHERE id = 1", "INSERT INTO spans VALUES (5, '30 days'), (6, '-390 days')");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "sp" + i, Mode.DIFFERENTIAL);
      }
      exec(c, "DELETE FROM spans WHERE id IN (2, 4)");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "sp" + i, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("2"), rows(c, "SELECT n FROM sp2 WHERE v = '1 mon'"));
      assertEquals(List.of("1"), rows(c, "SELECT count(*) FROM sp0 WHERE v < '0'"));
    }
  }

  /**
   * Interval and timestamptz constants in a query: Calcite's dialect printed {@code INTERVAL '1 00:00:00'
   * DAY(10) TO SECOND(6)}, {@code CAST(… AS INTERVAL_DAY_SECOND)} and {@code CAST(… AS TIMESTAMP(0) WITH LOCAL
   * TIME ZONE)}, each a syntax error in PostgreSQL (refused FR009 by the create's plan check).
   */
  @Test
  void intervalAndTimestampConstantsArePrintedAsPostgresReadsThem(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ev (id int PRIMARY KEY, v interval, at timestamptz)",
          "INSERT INTO ev VALUES (1, '24 hours', '2024-01-01 00:00:00+00'), (2, '1 year', '2024-01-01 01:00:00+00'),"
              + " (3, NULL, NULL)");
      List<String> queries = List.of(
          "SELECT id FROM ev WHERE v = interval '1 day'",
          "SELECT id FROM ev WHERE v IN (CAST('360 days' AS interval), CAST('2 days' AS interval))",
          "SELECT id, COALESCE(v, CAST('1 mon' AS interval)) AS v FROM ev",
          "SELECT id FROM ev WHERE at = '2024-01-01 02:00:00+02'::timestamptz",
          "SELECT id, COALESCE(at, '2023-12-31 19:00:00-05'::timestamptz) AS at FROM ev",
          "SELECT v FROM ev UNION ALL VALUES (CAST('1 year' AS interval))");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "ec" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO ev VALUES (4, '1 day', '2024-01-01 03:00:00+03'), (5, '12 mon', NULL)",
          "UPDATE ev SET v = '1 day 1 hour' WHERE id = 1");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "ec" + i, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("4"), rows(c, "SELECT id FROM ec0 ORDER BY 1"));
      assertEquals(List.of("2", "5"), rows(c, "SELECT id FROM ec1 ORDER BY 1"));
      assertEquals(List.of("1", "4"), rows(c, "SELECT id FROM ec3 ORDER BY 1"));
      assertEquals(List.of("1 mon"), rows(c, "SELECT v::text FROM ec2 WHERE id = 3"));
    }
  }

  /**
   * A cast to {@code timestamp}, {@code time} or {@code timestamptz} without a precision keeps microseconds, as
   * in PostgreSQL: Calcite's default precision for them is 0, so {@code ts::timestamp} was planned and printed
   * as {@code CAST(ts AS timestamp(0))}, which rounds to the second; a delta computed so stored
   * {@code 10:00:01} where the query returns {@code 10:00:00.723456} (found by the first-hour walkthrough).
   */
  @Test
  void castsToTimeTypesWithoutPrecisionKeepMicroseconds(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE stamps (id int PRIMARY KEY, ts timestamp(6), d date, tz timestamptz)",
          "INSERT INTO stamps VALUES (1, '2024-01-01 10:00:00.123456', '2024-01-01', '2024-01-01 10:00:00.5+00')");
      List<String> queries = List.of(
          "SELECT id, ts::timestamp AS t, ts::time AS tm, tz::timestamptz AS z FROM stamps",
          "SELECT id, (ts + interval '1 second')::timestamp AS t, d::timestamp AS td, ts::timestamp(0) AS t0 FROM stamps",
          "SELECT ts::time AS tm, count(*) AS n FROM stamps GROUP BY ts::time");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "ts" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO stamps VALUES (2, '2024-01-01 10:00:00.723456', '2024-01-02', '2024-01-01 10:00:00.7+00'), "
          + "(3, '2024-01-01 10:00:00.123456', NULL, NULL)", "UPDATE stamps SET ts = ts + interval '0.4 second' "
          + "WHERE id = 1");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "ts" + i, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("2024-01-01 10:00:00.723456"), rows(c, "SELECT t FROM ts0 WHERE id = 2"));
      assertEquals(List.of("2024-01-01 10:00:01"), rows(c, "SELECT t0 FROM ts1 WHERE id = 2"));
    }
  }

  /**
   * An outer join padding a bytea column: the plan's typed NULL was printed {@code CAST(NULL AS VARBINARY)},
   * a type PostgreSQL does not have, and the create failed.
   */
  @Test
  void byteaIsCastAsBytea(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE blobs (id int PRIMARY KEY, k int, h bytea)",
          "INSERT INTO blobs VALUES (1, 2, '\\x00'), (2, 3, '\\x0001'), (3, 1, NULL)");
      create(c, "padded", "SELECT a.id, b.h FROM blobs a LEFT JOIN blobs b ON b.k = a.id AND b.h <= '\\x00'",
          Mode.DIFFERENTIAL);
      exec(c, "UPDATE blobs SET h = '\\x' WHERE id = 2", "INSERT INTO blobs VALUES (4, 4, '\\xff')");
      Oracle.refreshAndCheck(c, "padded", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|null", "2|\\x00", "3|\\x", "4|null"),
          rows(c, "SELECT id, h FROM padded ORDER BY id"));
    }
  }
}
