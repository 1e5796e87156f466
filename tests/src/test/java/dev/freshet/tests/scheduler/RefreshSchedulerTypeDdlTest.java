package dev.freshet.tests.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.scheduler.RefreshScheduler;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The service rebuilds what DDL on a type marked (catalog V18), as {@code freshet refresh} does: an enum
 * value renamed under a stream table and a stream table reading it (whose column has the enum type too),
 * both rebuilt in one pass, upstream first, in FULL; differential after that.
 */
@PostgresTest
class RefreshSchedulerTypeDdlTest {

  @Test
  void oneServicePassRebuildsUpstreamAndDownstream(TestDatabase db) throws Exception {
    db.execute("CREATE TYPE sd_state AS ENUM ('new', 'open', 'closed')",
        "CREATE TABLE tickets (id int PRIMARY KEY, state sd_state, hours int)",
        "INSERT INTO tickets SELECT i, (ARRAY['new', 'open', 'closed'])[1 + i % 3]::sd_state, i FROM "
            + "generate_series(1, 30) i");
    try (Connection c = db.connect()) {
      StreamTables.create(c, "sd_open", "SELECT id, state, hours FROM tickets WHERE hours > 3", Mode.DIFFERENTIAL, "1m");
      StreamTables.create(c, "sd_by_state", "SELECT state, sum(hours) AS hours, count(*) AS n FROM sd_open "
          + "GROUP BY state", Mode.DIFFERENTIAL, "1m");
      db.execute("ALTER TYPE sd_state RENAME VALUE 'open' TO 'in progress'",
          "INSERT INTO tickets VALUES (31, 'in progress', 31)", "UPDATE tickets SET state = 'closed' WHERE id = 4");
      for (String name : List.of("sd_open", "sd_by_state")) {
        assertTrue(StreamTables.status(c, name, 0).table().pendingRebuild().orElseThrow()
            .startsWith("value 'open' of type public.sd_state, which its source column \"public\"."), name);
      }

      List<String> ours = List.of("\"public\".\"sd_open\"", "\"public\".\"sd_by_state\"");
      List<RefreshScheduler.Attempt> due = RefreshScheduler.runDue(c, OffsetDateTime.now().plusMinutes(2), a -> { })
          .stream().filter(a -> ours.contains(a.name())).toList();
      assertEquals(ours, due.stream().map(RefreshScheduler.Attempt::name).toList());
      for (RefreshScheduler.Attempt attempt : due) {
        assertEquals(null, attempt.error(), attempt.name());
        assertEquals(Mode.FULL, attempt.report().modeUsed(), attempt.name());
      }
      for (String name : List.of("sd_open", "sd_by_state")) {
        Oracle.assertFresh(c, name);
        assertEquals(Optional.empty(), StreamTables.status(c, name, 0).table().pendingRebuild(), name);
      }
      assertEquals(List.of(List.of(1L)), db.query("SELECT count(*) FROM sd_by_state WHERE state = 'in progress'"),
          "one group of the renamed value");

      db.execute("UPDATE tickets SET hours = hours + 100 WHERE state = 'in progress'",
          "DELETE FROM tickets WHERE id = 7");
      due = RefreshScheduler.runDue(c, OffsetDateTime.now().plusMinutes(4), a -> { })
          .stream().filter(a -> ours.contains(a.name())).toList();
      assertEquals(ours, due.stream().map(RefreshScheduler.Attempt::name).toList());
      for (RefreshScheduler.Attempt attempt : due) {
        assertEquals(null, attempt.error(), attempt.name());
        assertEquals(Mode.DIFFERENTIAL, attempt.report().modeUsed(), attempt.name());
      }
      Oracle.assertFresh(c, "sd_open");
      Oracle.assertFresh(c, "sd_by_state");
    }
  }
}
