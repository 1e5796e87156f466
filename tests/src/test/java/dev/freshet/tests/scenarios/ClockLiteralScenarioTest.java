package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PostgreSQL's date and time input reads {@code now}, {@code today}, {@code tomorrow} and {@code yesterday} as the
 * clock: {@code 'today'::date}, {@code d <= 'today'} and {@code s::date} of a row holding {@code 'today'} change as
 * time passes, as {@code current_date} does. They were maintained DIFFERENTIAL (and a FULL stream table skipped its
 * idle refreshes): a wrong result from the next day on. Now refused in DIFFERENTIAL (FR004, naming the constant or
 * the cast, the caret on it) and recomputed at every refresh in AUTO and FULL; constants ({@code '2020-01-01'},
 * {@code 'epoch'}) and {@code to_date}, the fix for a text column, stay DIFFERENTIAL.
 */
@PostgresTest
class ClockLiteralScenarioTest {

  @BeforeAll
  static void schema(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE ev (id int PRIMARY KEY, d date, s text, ts timestamptz)",
        "INSERT INTO ev VALUES (1, '2020-01-01', '2021-02-03', '2020-01-01 10:00+00'), "
            + "(2, '2999-01-01', 'today', '2999-01-01 10:00+00'), (3, NULL, NULL, NULL)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "cast_colon | 1:30 | 'today' read as date  | SELECT id FROM ev WHERE d <= 'today'::date",
      "cast_call  | 1:35 | ' Now ' read as date  | SELECT id FROM ev WHERE d <= CAST(' Now ' AS date)",
      "select     | 1:12 | 'now' read as timestamp with time zone | SELECT id, 'now'::timestamptz > ts AS past FROM ev",
      "compared   | 1:30 | 'today' read as date  | SELECT id FROM ev WHERE d <= 'today'",
      "typed      | 1:35 | 'tomorrow' read as date | SELECT id FROM ev WHERE d <= date 'tomorrow'",
      "between    | 1:52 | 'Yesterday 10:00' read as date | SELECT id FROM ev WHERE d BETWEEN '2020-01-01' AND 'Yesterday 10:00'",
      "case       | 1:41 | 'today' read as date  | SELECT id, CASE WHEN id > 1 THEN d ELSE 'today' END AS x FROM ev",
      "in_list    | 1:45 | 'today' read as date  | SELECT id FROM ev WHERE d IN ('2020-01-01', 'today')",
      "time       | 1:25 | 'now' read as time    | SELECT id FROM ev WHERE 'now'::time >= '00:00'",
      "text_cast  | 1:12 | a cast of text to date | SELECT id, s::date AS sd FROM ev",
      "text_tstz  | 1:12 | a cast of text to timestamp with time zone | SELECT id, CAST(s AS timestamptz) AS t FROM ev"})
  void clockReadingTextIsRefusedInDifferentialAndRecomputedInAuto(String label, String caret, String message,
      String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> StreamTables.create(c, "d_" + label, sql, Mode.DIFFERENTIAL, null));
      assertEquals("FR004", refused.refusal().reason().code(), refused.render());
      assertTrue(refused.refusal().message().startsWith(message + " reads the clock"), refused.render());
      assertTrue(refused.render().contains("--> query:" + caret), refused.render());
      if (label.startsWith("text_")) {
        assertTrue(refused.refusal().message().contains("a text value such as 'today' or 'now' reads the clock "
            + "when cast"), refused.render());
        assertTrue(refused.refusal().fix().startsWith("convert with to_"), refused.render());
      }

      StoredStreamTable auto = StreamTables.create(c, "a_" + label, sql, Mode.AUTO, null);
      assertEquals(Mode.FULL, auto.effectiveMode());
      assertTrue(auto.fallbackReason().orElseThrow().startsWith("FR004"), auto.fallbackReason().orElseThrow());
      assertTrue(StreamTables.compiled(c, "a_" + label).recomputesEveryRefresh(), auto.notes().toString());
      assertTrue(String.join(" ", auto.notes()).contains("recomputed at every refresh"), auto.notes().toString());
      Oracle.assertFresh(c, "a_" + label);
      RefreshReport idle = Oracle.refreshAndCheck(c, "a_" + label, Mode.FULL); // no source changed: recomputed
      assertTrue(idle.changedSources().isEmpty(), idle.toString());
      assertTrue(idle.modeReason().orElse("").contains(RefreshReport.RECOMPUTED_EVERY_REFRESH), idle.toString());
      assertTrue(rows(c, "SELECT h.mode_reason FROM freshet.refresh_history h JOIN freshet.stream_tables s "
          + "ON s.id = h.stream_table_id WHERE s.table_name = 'a_" + label + "' ORDER BY h.started_at DESC LIMIT 1")
          .getFirst().contains(RefreshReport.RECOMPUTED_EVERY_REFRESH));
      StreamTables.drop(c, "a_" + label, false);
    }
  }

  /**
   * The fix the refusal of {@code s::date} gives, {@code to_date(s, 'YYYY-MM-DD')}, reads digits only (PostgreSQL
   * fails {@code to_date('today', 'YYYY-MM-DD')}), and is maintained DIFFERENTIAL through inserts, updates and
   * deletes, as constant dates and {@code 'epoch'} are.
   */
  @Test
  void constantsAndToDateStayDifferential(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE notes (id int PRIMARY KEY, d date, s text)",
          "INSERT INTO notes VALUES (1, '2020-01-01', '2021-02-03'), (2, '2999-01-01', '1999-12-31'), (3, NULL, NULL)");
      assertThrows(java.sql.SQLException.class, () -> rows(c, "SELECT to_date('today', 'YYYY-MM-DD')"));
      List<String> queries = List.of(
          "SELECT id, to_date(s, 'YYYY-MM-DD') AS sd FROM notes WHERE s IS NOT NULL",
          "SELECT id FROM notes WHERE d <= '2020-01-01'::date OR d > DATE '2500-01-01'",
          "SELECT id, 'epoch'::timestamptz AS e, 'allballs'::time AS midnight, 'infinity'::date AS inf FROM notes "
              + "WHERE s <> 'today'",
          "SELECT to_date(s, 'YYYY-MM-DD') AS sd, count(*) AS n FROM notes GROUP BY 1");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "k" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO notes VALUES (4, '2000-05-05', '2021-02-03'), (5, '3000-01-01', 'today')",
          "UPDATE notes SET s = '2022-03-04', d = '2019-01-01' WHERE id = 2");
      assertThrows(java.sql.SQLException.class, () -> Oracle.refreshAndCheck(c, "k0", Mode.DIFFERENTIAL),
          "to_date('today', …) fails the refresh, as it fails the query");
      exec(c, "DELETE FROM notes WHERE id = 5");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "k" + i, Mode.DIFFERENTIAL);
      }
      exec(c, "UPDATE notes SET s = '2021-02-03' WHERE id = 1", "DELETE FROM notes WHERE id = 4",
          "UPDATE notes SET d = NULL, s = NULL WHERE id = 2");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "k" + i, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("1|2021-02-03"), rows(c, "SELECT id, sd FROM k0 ORDER BY id"));
    }
  }
}
