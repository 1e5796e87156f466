package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dollar-quoted strings ({@code $$abc$$}, {@code $tag$it's$tag$}) in a defining query are the string constants
 * PostgreSQL reads them as, and the query is maintained differentially. Freshet's planner took {@code $$abc$$}
 * for a column ({@code FR008: ... column "$$abc$$" does not exist}), so DIFFERENTIAL refused the query and AUTO
 * made it FULL (issue 15, first-hour walkthrough). The stream table stores the query as written.
 */
@PostgresTest
class DollarQuotedStringScenarioTest {

  @Test
  void dollarQuotedStringsAreStringConstants(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE dq (id int PRIMARY KEY, kind text NOT NULL, note text)",
          "INSERT INTO dq VALUES (1, 'abc', 'x'), (2, 'it''s', 'y'), (3, 'other', NULL)");
      List<String> queries = List.of(
          "SELECT id, note FROM dq WHERE kind = $$abc$$ OR kind = $q$it's$q$",
          "SELECT kind || $sep$ | $$ | $sep$ || coalesce(note, $$-$$) AS line, count(*) AS n FROM dq GROUP BY 1",
          "SELECT id, CASE WHEN kind = $$abc$$ THEN $$it's abc$$ ELSE $x$'other'$x$ END AS label\n"
              + "FROM dq WHERE note IS DISTINCT FROM $$\n$$");
      for (int i = 0; i < queries.size(); i++) {
        StoredStreamTable st = create(c, "dq" + i, queries.get(i), Mode.DIFFERENTIAL);
        assertEquals(Mode.DIFFERENTIAL, st.effectiveMode(), queries.get(i));
        assertEquals(queries.get(i), st.definingQuery(), "stored as written");
        Oracle.assertFresh(c, "dq" + i);
      }
      // a star after a dollar-quoted string: written out where the user's text has it (positions mapped back)
      StoredStreamTable star = create(c, "dq_star", "SELECT $q$it's$q$ AS k, * FROM dq WHERE kind <> $$x$$",
          Mode.DIFFERENTIAL);
      assertEquals("SELECT $q$it's$q$ AS k, \"id\", \"kind\", \"note\" FROM dq WHERE kind <> $$x$$",
          star.definingQuery());
      exec(c, "INSERT INTO dq VALUES (4, 'abc', NULL), (5, 'it''s', E'\\n')", "UPDATE dq SET kind = 'abc' WHERE id = 3",
          "DELETE FROM dq WHERE id = 2");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "dq" + i, Mode.DIFFERENTIAL);
      }
      Oracle.refreshAndCheck(c, "dq_star", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|x", "3|null", "4|null", "5|\n"),
          rows(c, "SELECT id || '|' || coalesce(note, 'null') FROM dq0 ORDER BY id"));
      assertEquals(List.of("1|it's abc", "3|it's abc", "4|it's abc"),
          rows(c, "SELECT id || '|' || label FROM dq2 ORDER BY id"));
      assertEquals(List.of("abc | $$ | -|2", "abc | $$ | x|1", "it's | $$ | \n|1"),
          rows(c, "SELECT line || '|' || n FROM dq1 ORDER BY line"));
    }
  }
}
