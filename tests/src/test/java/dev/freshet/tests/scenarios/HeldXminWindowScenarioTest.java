package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.buffer;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.refreshMeasuring;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A transaction left open (an idle session in a transaction, a dump, a prepared transaction) holds back the xmin of
 * every snapshot taken meanwhile. A refresh reads its window as the buffer rows from the last refresh's xmax on and
 * those of the transactions in progress then (its xip list), not every row from its xmin on: with another stream
 * table lagging behind on the same source, the rows since the held xmin stay buffered, and each refresh read them
 * all again (a probe of an empty window behind 431,141 such rows: 65 ms, 0.2 ms now). Exactness is the point here as
 * much: the rows of a transaction in progress at a refresh, committed after it, are in the next window, and those of
 * one that committed between the xmin and the refresh are not read twice; the oracle checks each refresh.
 */
@PostgresTest
class HeldXminWindowScenarioTest {

  private static dev.freshet.runtime.streamtable.StoredStreamTable stored(Connection c, String name) throws Exception {
    return StreamTables.list(c).stream().filter(st -> st.name().name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void windowsBehindAHeldXminAreExactAndReadOnlyTheirRows(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection holder = db.connect(); Connection late = db.connect()) {
      exec(c, "CREATE TABLE hx_src (id int PRIMARY KEY, g int NOT NULL, v int NOT NULL)",
          "INSERT INTO hx_src SELECT i, i % 7, i FROM generate_series(1, 100) AS i");
      create(c, "hx_fast", "SELECT g, sum(v) AS s, count(*) AS n FROM hx_src GROUP BY g", Mode.DIFFERENTIAL);
      create(c, "hx_slow", "SELECT count(*) AS n, sum(v) AS s FROM hx_src", Mode.DIFFERENTIAL);

      // the holder's transaction takes its xid first and stays open: every snapshot's xmin from now on
      holder.setAutoCommit(false);
      exec(holder, "INSERT INTO hx_src VALUES (100001, 1, 1000)");
      late.setAutoCommit(false);
      exec(late, "INSERT INTO hx_src VALUES (100002, 2, 2000)"); // a later xid, in progress at the next refresh
      exec(c, "INSERT INTO hx_src SELECT i, i % 7, i FROM generate_series(101, 20100) AS i",
          "UPDATE hx_src SET v = v + 1 WHERE id <= 50", "DELETE FROM hx_src WHERE id BETWEEN 51 AND 60");
      Oracle.refreshAndCheck(c, "hx_fast", Mode.DIFFERENTIAL);

      late.commit(); // between the xmin and the last refresh's xmax, in its xip list: in the next window
      exec(c, "INSERT INTO hx_src VALUES (100003, 3, 3000)");
      Oracle.refreshAndCheck(c, "hx_fast", Mode.DIFFERENTIAL);
      assertEquals(List.of("2000", "3000"), rows(c, "SELECT v FROM hx_src WHERE id IN (100002, 100003) ORDER BY v"));

      // nothing new: the 20,000 rows hx_slow still needs are buffered behind the held xmin, and not read again
      String buffer = buffer(c, "hx_src");
      exec(c, "ANALYZE " + buffer); // as autovacuum would have: the plan is chosen from its statistics
      long[] read = refreshMeasuring(c, "hx_fast",
          table -> "SELECT pg_stat_get_xact_tuples_returned('" + table + "'::regclass)"
              + " + pg_stat_get_xact_tuples_fetched('" + table + "'::regclass)", buffer);
      assertTrue(read[0] < 100, "buffer rows read by an empty window's refresh: " + read[0]);
      Oracle.assertFresh(c, "hx_fast");
      // what status says, read as a window is: hx_fast is not behind; hx_slow is, since its first change
      assertTrue(StreamTables.behindSince(c, stored(c, "hx_fast")).isEmpty());
      assertTrue(StreamTables.behindSince(c, stored(c, "hx_slow")).isPresent());

      holder.commit(); // the oldest transaction of all: its row comes in now, once
      Oracle.refreshAndCheck(c, "hx_fast", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "hx_slow", Mode.DIFFERENTIAL);
      assertEquals(List.of("20093"), rows(c, "SELECT n FROM hx_slow"), "100 + 20,000 - 10 + the three above");
      StreamTables.drop(c, "hx_fast", false);
      StreamTables.drop(c, "hx_slow", false);
    }
  }
}
