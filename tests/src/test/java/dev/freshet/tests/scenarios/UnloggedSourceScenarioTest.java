package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An unlogged source: crash recovery empties it and fires no trigger, so until catalog V44 the stream tables kept
 * its rows after a crash (shown by hand with {@code pg_ctl stop -m immediate}). Now a refresh whose last refresh
 * predates the server's start counts every unlogged source as truncated and recomputes, once. Here the crash is
 * played by rows removed with capture disabled and the last refresh set to before the server started.
 */
@PostgresTest
class UnloggedSourceScenarioTest {

  @Test
  void anUnloggedSourceIsRecomputedAfterTheServerStarts(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE UNLOGGED TABLE ul_src (id int PRIMARY KEY, v int)", "CREATE TABLE ul_logged (id int PRIMARY KEY, w int)",
          "INSERT INTO ul_src VALUES (1, 10), (2, 20)", "INSERT INTO ul_logged VALUES (1, 5), (2, 6)");
      long id = create(c, "ul_join", "SELECT s.id, s.v, l.w FROM ul_src s JOIN ul_logged l ON l.id = s.id",
          Mode.DIFFERENTIAL).id();
      create(c, "ul_full", "SELECT count(*) AS n FROM ul_src", Mode.FULL);
      create(c, "logged_only", "SELECT sum(w) AS s FROM ul_logged", Mode.DIFFERENTIAL);

      // the crash, as the stream tables see it: the unlogged table's rows gone, no trigger fired or written anew
      // (the stamps recorded again, as if capture had not been disabled: catalog V45 would see that)
      exec(c, "ALTER TABLE ul_src DISABLE TRIGGER freshet_capture_del", "DELETE FROM ul_src",
          "ALTER TABLE ul_src ENABLE TRIGGER freshet_capture_del",
          "UPDATE freshet.stream_table_sources s SET capture_stamp = (SELECT t.stamp FROM freshet.change_buffers cb, "
              + "freshet.capture_stamp(s.source_relid, cb.descendants, cb.ancestors) t "
              + "WHERE cb.source_relid = s.source_relid)",
          "UPDATE freshet.stream_tables SET last_refresh_at = pg_postmaster_start_time() - interval '1 minute'");
      RefreshReport report = Oracle.refreshAndCheck(c, "ul_join", Mode.FULL);
      assertEquals(Optional.of("the server started after the last refresh, and crash recovery empties the unlogged "
          + "table \"public\".\"ul_src\": recomputed"), report.modeReason());
      assertEquals(List.of("\"public\".\"ul_src\""), report.changedSources());
      Oracle.refreshAndCheck(c, "ul_full", Mode.FULL);
      assertEquals(List.of("0"), rows(c, "SELECT n FROM ul_full"));
      // a stream table on logged tables only is not recomputed
      exec(c, "UPDATE ul_logged SET w = 7 WHERE id = 1");
      Oracle.refreshAndCheck(c, "logged_only", Mode.DIFFERENTIAL);

      // once only: the next refresh is differential again
      exec(c, "INSERT INTO ul_src VALUES (2, 21)");
      Oracle.refreshAndCheck(c, "ul_join", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|21|6"), rows(c, "SELECT id, v, w FROM ul_join"));
      assertEquals(List.of("FULL", "DIFFERENTIAL"), rows(c, "SELECT mode_used FROM freshet.refresh_history "
          + "WHERE stream_table_id = " + id + " ORDER BY id DESC LIMIT 2").reversed());

      for (String name : List.of("ul_join", "ul_full", "logged_only")) {
        StreamTables.drop(c, name, false);
      }
    }
  }
}
