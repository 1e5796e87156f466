package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stream table's values are computed under the session settings it was created under (catalog V19), as
 * its names resolve under its search_path: a refresh from a session with another TimeZone, DateStyle,
 * IntervalStyle, extra_float_digits or bytea_output (a service in a container, pg_cron, psql with PGTZ)
 * computed {@code date_trunc('day', at)} and {@code at::text} otherwise, and hashed its rows' values to
 * other texts, so that a later delete did not find the row it removes: rows missing and extra after
 * refreshes that reported success (found by a first-hour walkthrough, 2026-12-05).
 */
@PostgresTest
class SessionSettingsScenarioTest {

  /** pgjdbc accepts only a DateStyle that begins with ISO (psql's sessions may have any). */
  private static final String OTHER_SESSION = "SET TimeZone = 'Asia/Tokyo'; SET DateStyle = 'ISO, DMY'; "
      + "SET IntervalStyle = 'sql_standard'; SET extra_float_digits = 0; SET bytea_output = 'escape'";

  @Test
  void refreshesFromSessionsWithOtherSettingsComputeAsTheCreatingSessionDid(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection other = db.connect()) {
      exec(c, "SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, MDY'",
          "CREATE TABLE ss_orders (id int PRIMARY KEY, at timestamptz NOT NULL, amount int NOT NULL, f float8, "
              + "b bytea, d interval)",
          "INSERT INTO ss_orders VALUES (1, '2026-06-01 20:00:00+00', 10, 0.1, '\\x00ff', '1 day 2 hours'), "
              + "(2, '2026-06-01 10:00:00+00', 5, 0.3, '\\x01', '3 hours')");
      create(c, "ss_daily", "SELECT date_trunc('day', at) AS day, count(*) AS n, sum(amount) AS total "
          + "FROM ss_orders GROUP BY 1", Mode.DIFFERENTIAL);
      create(c, "ss_rows", "SELECT id, at::date AS d, at::text AS t, f + 0.2 AS f2, b, d::text AS dt FROM ss_orders",
          Mode.DIFFERENTIAL);
      exec(other, OTHER_SESSION.split("; "));

      // a refresh from the other session, through the command line's path
      exec(c, "INSERT INTO ss_orders VALUES (3, '2026-06-01 23:30:00+00', 1, 0.5, '\\x02', '1 minute')",
          "DELETE FROM ss_orders WHERE id = 2");
      StreamTables.refresh(other, "ss_daily");
      StreamTables.refresh(other, "ss_rows");
      Oracle.assertFresh(c, "ss_daily");
      Oracle.assertFresh(c, "ss_rows");
      // and through CALL freshet.refresh, as psql or pg_cron would
      exec(c, "UPDATE ss_orders SET amount = amount + 1, at = at + interval '1 hour'", "DELETE FROM ss_orders WHERE id = 1");
      exec(other, "CALL freshet.refresh('ss_daily')", "CALL freshet.refresh('ss_rows')");
      Oracle.assertFresh(c, "ss_daily");
      Oracle.assertFresh(c, "ss_rows");
      assertEquals(List.of("2026-06-02 00:00:00+00|1|2"),
          rows(c, "SELECT day || '|' || n || '|' || total FROM ss_daily ORDER BY day"));
      assertEquals(List.of("3|2026-06-02|2026-06-02 00:30:00+00|0.7|\\x02|00:01:00"),
          rows(c, "SELECT id || '|' || d || '|' || t || '|' || f2 || '|' || b || '|' || dt FROM ss_rows ORDER BY id"));

      // the verify of the other session agrees too: it compares under the creating session's settings
      Oracle.refreshAndCheck(other, "ss_rows", Mode.DIFFERENTIAL);
    }
  }
}
