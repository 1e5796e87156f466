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
 * What analysts write on {@code timestamptz} columns: {@code AT TIME ZONE}, the time between two timestamps,
 * casts to {@code date}, {@code timestamp} and {@code time}, {@code to_char}, {@code extract},
 * {@code date_trunc}, maintained DIFFERENTIAL and computed in the TimeZone the stream table was created under,
 * whatever the refreshing session's (found by a fresh-eyes walkthrough, issue 15: {@code AT TIME ZONE} was a
 * syntax error and {@code shipped_at - created_at} an unknown operator to Freshet's planner, so such queries
 * ran FULL, recomputed at every refresh, or were refused).
 */
@PostgresTest
class TimeZoneScenarioTest {

  @Test
  void timeZonesAndTimestampDifferencesAreMaintainedDifferentially(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "SET TimeZone = 'UTC'",
          "CREATE TABLE shipments (id int PRIMARY KEY, created_at timestamptz NOT NULL, shipped_at timestamptz, "
              + "local_ts timestamp, zone text)",
          "INSERT INTO shipments VALUES (1, '2024-01-01 04:30:00+00', '2024-01-03 10:00:00.25+00', "
              + "'2024-01-01 10:00', 'America/New_York'), (2, '2024-01-01 05:30:00+00', NULL, NULL, 'UTC')");
      List<String> queries = List.of(
          "SELECT id, created_at AT TIME ZONE 'UTC' AS created_utc, local_ts AT TIME ZONE zone AS local_at, "
              + "timezone('Asia/Tokyo', created_at) AS tokyo FROM shipments",
          "SELECT id, shipped_at - created_at AS lead, local_ts - local_ts AS zero, created_at + interval '1 day' AS due, "
              + "shipped_at - interval '2 hours' AS margin FROM shipments",
          "SELECT (created_at AT TIME ZONE 'America/New_York')::date AS day, count(*) AS n, "
              + "max(shipped_at - created_at) AS slowest FROM shipments GROUP BY 1",
          "SELECT id FROM shipments WHERE shipped_at - created_at > CAST('1 day' AS interval)");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "tz" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO shipments VALUES (3, '2024-01-02 04:59:59.5+00', '2024-01-02 06:00:00+00', "
              + "'2024-07-01 12:00', 'Europe/Paris')",
          "UPDATE shipments SET shipped_at = '2024-01-01 06:00:00+00' WHERE id = 2");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "tz" + i, Mode.DIFFERENTIAL);
      }
      exec(c, "UPDATE shipments SET zone = 'Asia/Kolkata', shipped_at = shipped_at + interval '1 day' WHERE id = 1",
          "DELETE FROM shipments WHERE id = 2",
          "UPDATE shipments SET created_at = created_at + interval '1 second' WHERE id = 3");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "tz" + i, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("1|2024-01-01 04:30:00|2024-01-01 04:30:00+00|2024-01-01 13:30:00",
              "3|2024-01-02 05:00:00.5|2024-07-01 10:00:00+00|2024-01-02 14:00:00.5"),
          rows(c, "SELECT id, created_utc, local_at, tokyo FROM tz0 ORDER BY id"));
      assertEquals(List.of("1|3 days 05:30:00.25|00:00:00", "3|00:59:59.5|00:00:00"),
          rows(c, "SELECT id, lead, zero FROM tz1 ORDER BY id"));
      assertEquals(List.of("2023-12-31|1|3 days 05:30:00.25", "2024-01-02|1|00:59:59.5"),
          rows(c, "SELECT day, n, slowest FROM tz2 ORDER BY day"));
      assertEquals(List.of("1"), rows(c, "SELECT id FROM tz3"));
    }
  }

  /**
   * Created under America/New_York, refreshed from a session in Asia/Tokyo (as the command line, the service and
   * {@code CALL freshet.refresh} may be): rows near New York's midnight and across its change to summer time keep
   * New York's days, weeks, clock times and labels, equal to a recompute under the recorded TimeZone.
   */
  @Test
  void refreshesComputeInTheTimeZoneRecordedAtCreate(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection other = db.connect()) {
      exec(c, "SET TimeZone = 'America/New_York'",
          "CREATE TABLE visits (id int PRIMARY KEY, at timestamptz NOT NULL)",
          "INSERT INTO visits VALUES (1, '2024-03-09 23:30:00-05'), (2, '2024-03-10 00:30:00-05')");
      exec(other, "SET TimeZone = 'Asia/Tokyo'");
      List<String> queries = List.of(
          "SELECT at::date AS day, count(*) AS n, max(at - date_trunc('day', at)) AS latest FROM visits GROUP BY 1",
          "SELECT date_trunc('week', at) AS week, count(*) AS n FROM visits GROUP BY 1",
          "SELECT id, at::timestamp AS local, at::time AS clock, to_char(at, 'YYYY-MM-DD HH24:MI TZ') AS label, "
              + "extract(hour FROM at) AS hour, at + interval '1 day' AS next_day, "
              + "at AT TIME ZONE 'Europe/Paris' AS paris FROM visits");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "ny" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO visits VALUES (3, '2024-03-10 23:59:59-04'), (4, '2024-03-11 00:00:00-04')",
          "UPDATE visits SET at = '2024-03-10 01:59:00-05' WHERE id = 2");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(other, "ny" + i, Mode.DIFFERENTIAL);
      }
      exec(c, "DELETE FROM visits WHERE id = 1", "INSERT INTO visits VALUES (5, '2024-03-16 23:00:00-04')");
      for (int i = 0; i < queries.size(); i++) {
        exec(other, "CALL freshet.refresh('ny" + i + "')");
        Oracle.assertFresh(c, "ny" + i);
      }
      assertEquals(List.of("2024-03-10|2|22:59:59", "2024-03-11|1|00:00:00", "2024-03-16|1|23:00:00"),
          rows(c, "SELECT day, n, latest FROM ny0 ORDER BY day"));
      assertEquals(List.of("2024-03-04 00:00:00-05|2", "2024-03-11 00:00:00-04|2"),
          rows(c, "SELECT week, n FROM ny1 ORDER BY week"));
      assertEquals(List.of(
              "2|2024-03-10 01:59:00|01:59:00|2024-03-10 01:59 EST|1|2024-03-11 01:59:00-04|2024-03-10 07:59:00",
              "3|2024-03-10 23:59:59|23:59:59|2024-03-10 23:59 EDT|23|2024-03-11 23:59:59-04|2024-03-11 04:59:59",
              "4|2024-03-11 00:00:00|00:00:00|2024-03-11 00:00 EDT|0|2024-03-12 00:00:00-04|2024-03-11 05:00:00",
              "5|2024-03-16 23:00:00|23:00:00|2024-03-16 23:00 EDT|23|2024-03-17 23:00:00-04|2024-03-17 04:00:00"),
          rows(c, "SELECT id, local, clock, label, hour, next_day, paris FROM ny2 ORDER BY id"));
    }
  }
}
