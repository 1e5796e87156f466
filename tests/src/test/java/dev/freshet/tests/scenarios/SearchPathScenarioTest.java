package dev.freshet.tests.scenarios;

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
 * A defining query's unqualified names resolve along the search_path it was created under, in every
 * later refresh and verify, whatever the search_path of the session running them: otherwise a
 * session with another path would maintain the stream table from another table of the same name.
 */
@PostgresTest
class SearchPathScenarioTest {

  @Test
  void refreshesResolveNamesAsAtCreation(TestDatabase db) throws Exception {
    for (Mode mode : List.of(Mode.DIFFERENTIAL, Mode.FULL)) {
      String st = "sp_" + mode.name().toLowerCase(java.util.Locale.ROOT);
      try (Connection creator = db.connect(); Connection other = db.connect()) {
        exec(creator, "CREATE SCHEMA IF NOT EXISTS app",
            "CREATE TABLE IF NOT EXISTS app.items (id int PRIMARY KEY, v int)",
            "CREATE TABLE IF NOT EXISTS public.items (id int PRIMARY KEY, v int)",
            "CREATE TABLE IF NOT EXISTS public.extra (id int PRIMARY KEY, label text)",
            "TRUNCATE app.items, public.items, public.extra",
            "INSERT INTO app.items VALUES (1, 10), (2, 20)",
            "INSERT INTO public.items VALUES (1, 1000), (3, 3000)",
            "INSERT INTO public.extra VALUES (1, 'one'), (2, 'two'), (3, 'three')",
            "SET search_path TO app, public");
        // items is app.items (first in the path); extra is public.extra (only there).
        StreamTables.create(creator, "public." + st,
            "SELECT e.label, sum(i.v) AS total FROM items i JOIN extra e ON e.id = i.id GROUP BY e.label", mode, null);

        exec(other, "INSERT INTO app.items VALUES (3, 30)", "UPDATE public.items SET v = v + 1");
        // The other session's search_path is the default ("$user", public): items would be public.items.
        Oracle.refreshAndCheck(other, "public." + st, mode);
        assertEquals(List.of("one|10", "three|30", "two|20"),
            rows(other, "SELECT label, total FROM public." + st + " ORDER BY label"));
      }
    }
  }
}
