package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A differential program's join order, measured (catalog V23): its first refreshes run alternately with
 * PostgreSQL's join order and with the order as printed (from the change table outward,
 * {@code join_collapse_limit = 1}), and it keeps the printed one only when that ran in less than 2/3 of the
 * time per window row. Which one wins depends on timings; what is checked is the alternation, that the
 * decision follows the recorded sums, for the program and for each of its statements (catalog V28: each keeps
 * the order that ran it faster, and runs with it), that the caller's settings come back, and the oracle after
 * every refresh, whichever order ran.
 */
@PostgresTest
class JoinOrderTrialScenarioTest {

  private static final String AS_PRINTED = "(joins as printed)";

  @Test
  void theFirstRefreshesTakeTurnsThenTheProgramKeepsTheFasterOrder(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE jo_c (id int PRIMARY KEY, v text)", "CREATE TABLE jo_b (id int PRIMARY KEY, cid int)",
          "CREATE TABLE jo_a (id int PRIMARY KEY, bid int)",
          "INSERT INTO jo_c SELECT g, 'v' || (g % 7) FROM generate_series(1, 50) g",
          "INSERT INTO jo_b SELECT g, 1 + g % 50 FROM generate_series(1, 200) g",
          "INSERT INTO jo_a SELECT g, 1 + g % 200 FROM generate_series(1, 1000) g");
      create(c, "jo_counts", "SELECT jo_c.v, count(*) AS n FROM jo_a JOIN jo_b ON jo_a.bid = jo_b.id "
          + "JOIN jo_c ON jo_b.cid = jo_c.id GROUP BY jo_c.v", Mode.DIFFERENTIAL);

      // every run counts, however fast (the default skips runs under 20 ms; see the next test), however small (a
      // window of at most freshet.small_window_rows runs as printed, unmeasured: see the last test)
      exec(c, "SET freshet.join_order_trial_ms = 0", "SET freshet.small_window_rows = 0");
      String decided = null;
      for (int round = 1; round <= 6; round++) {
        exec(c, "INSERT INTO jo_a SELECT g, 1 + g % 200 FROM generate_series(" + (1000 * round + 1) + ", "
            + (1000 * round + 150) + ") g", "DELETE FROM jo_a WHERE id % 97 = " + round);
        Trials before = trials(c);
        RefreshReport report = StreamTables.refresh(c, "jo_counts", true, false);
        Oracle.assertFresh(c, "jo_counts");
        boolean printed = report.profile().stream().anyMatch(s -> s.step().contains(AS_PRINTED));
        if (before.order() == null) {
          // taking turns: PostgreSQL's first, then as printed, as long as neither is kept
          assertEquals(before.printedRuns() < before.plannerRuns(), printed, "round " + round + ": " + before);
          Trials after = trials(c);
          assertEquals(before.plannerRuns() + (printed ? 0 : 1), after.plannerRuns());
          assertEquals(before.printedRuns() + (printed ? 1 : 0), after.printedRuns());
          if (after.order() != null) {
            double planner = after.plannerMs() / after.plannerRows();
            double asPrinted = after.printedMs() / after.printedRows();
            assertEquals(asPrinted < planner * 2 / 3 ? "as printed" : "planner", after.order(), after.toString());
            // and each statement's, from its own times (V28)
            List<String> orders = stepOrders(c);
            List<Double> plannerSteps = stepTimes(c, "planner_step_ms");
            List<Double> printedSteps = stepTimes(c, "printed_step_ms");
            assertEquals(plannerSteps.size(), orders.size(), "an order per statement: " + orders);
            for (int i = 0; i < orders.size(); i++) {
              boolean faster = printedSteps.get(i) / after.printedRows()
                  < plannerSteps.get(i) / after.plannerRows() * 2 / 3;
              assertEquals(faster ? "as printed" : "planner", orders.get(i), "statement " + (i + 1));
            }
            assertTrue(asPrinted >= planner || asPrinted * 3 < planner
                || after.plannerRuns() >= 2 && after.printedRuns() >= 2, "kept only after two runs of each, or one "
                + "of each when printed was no faster or less than a third as long (V43): " + after);
            decided = after.order();
          } else {
            assertTrue(after.plannerRuns() + after.printedRuns() < 4, "decided after at most four: " + after);
          }
        } else {
          // each statement runs with the order kept for it (V28)
          List<String> orders = stepOrders(c);
          for (var step : report.profile()) {
            Matcher m = PROGRAM_STEP.matcher(step.step());
            if (m.find()) {
              assertEquals("as printed".equals(orders.get(Integer.parseInt(m.group(2)) - 1)), m.group(1) != null,
                  "round " + round + " runs each statement with its kept order: " + step.step() + " " + orders);
            }
          }
          assertEquals(before, trials(c), "nothing more is measured once an order is kept");
        }
      }
      assertNotNull(decided, "an order was kept within six refreshes");

      // a program installed anew measures again
      StreamTables.alter(c, "jo_counts", Optional.of(Mode.DIFFERENTIAL), Optional.empty(), Optional.empty());
      exec(c, "INSERT INTO jo_a VALUES (100000, 3)");
      RefreshReport first = StreamTables.refresh(c, "jo_counts", true, false);
      Oracle.assertFresh(c, "jo_counts");
      assertFalse(first.profile().stream().anyMatch(s -> s.step().contains(AS_PRINTED)));
      Trials fresh = trials(c);
      assertNull(fresh.order());
      assertEquals(1, fresh.plannerRuns());
    }
  }

  /** A program faster than freshet.join_order_trial_ms with PostgreSQL's order never tries the printed one. */
  @Test
  void aFastProgramNeverTriesThePrintedOrder(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE jf_c (id int PRIMARY KEY, v text)", "CREATE TABLE jf_b (id int PRIMARY KEY, cid int)",
          "CREATE TABLE jf_a (id int PRIMARY KEY, bid int)", "INSERT INTO jf_c VALUES (1, 'x')",
          "INSERT INTO jf_b VALUES (1, 1)", "INSERT INTO jf_a VALUES (1, 1)");
      long id = create(c, "jf_counts", "SELECT jf_c.v, count(*) AS n FROM jf_a JOIN jf_b ON jf_a.bid = jf_b.id "
          + "JOIN jf_c ON jf_b.cid = jf_c.id GROUP BY jf_c.v", Mode.DIFFERENTIAL).id();
      // every run is "fast", and none small (see the last test)
      exec(c, "SET freshet.join_order_trial_ms = 100000", "SET freshet.small_window_rows = 0");
      for (int round = 2; round <= 5; round++) {
        exec(c, "INSERT INTO jf_a VALUES (" + round + ", 1)");
        RefreshReport report = StreamTables.refresh(c, "jf_counts", true, false);
        Oracle.assertFresh(c, "jf_counts");
        assertFalse(report.profile().stream().anyMatch(s -> s.step().contains(AS_PRINTED)), "round " + round);
      }
      assertEquals(List.of("|0|0"), rows(c, "SELECT DISTINCT coalesce(join_order, '') || '|' || planner_runs || '|' "
          + "|| printed_runs FROM freshet.refresh_programs WHERE stream_table_id = " + id + " AND changed_mask <> 0"));
      exec(c, "RESET freshet.join_order_trial_ms");
    }
  }

  /**
   * The order as printed is {@code join_collapse_limit = 1} for the program's statements only: a trigger on
   * the stream table sees it during the MERGE, and the caller's transaction has its own value back after.
   */
  @Test
  void asPrintedHoldsForTheProgramOnly(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE jp_c (id int PRIMARY KEY, v text)", "CREATE TABLE jp_b (id int PRIMARY KEY, cid int)",
          "CREATE TABLE jp_a (id int PRIMARY KEY, bid int)", "INSERT INTO jp_c VALUES (1, 'x'), (2, 'y')",
          "INSERT INTO jp_b VALUES (1, 1), (2, 2)", "INSERT INTO jp_a VALUES (1, 1), (2, 2), (3, 2)");
      long id = create(c, "jp_counts", "SELECT jp_c.v, count(*) AS n FROM jp_a JOIN jp_b ON jp_a.bid = jp_b.id "
          + "JOIN jp_c ON jp_b.cid = jp_c.id GROUP BY jp_c.v", Mode.DIFFERENTIAL).id();
      exec(c, "INSERT INTO jp_a VALUES (4, 1)");
      Oracle.refreshAndCheck(c, "jp_counts", Mode.DIFFERENTIAL); // installs the program for jp_a's changes
      // every differential program of it keeps the order as printed
      exec(c, "UPDATE freshet.refresh_programs SET join_order = 'as printed' WHERE stream_table_id = " + id
              + " AND changed_mask <> 0",
          "CREATE TABLE jp_seen (collapse text)",
          "CREATE FUNCTION jp_note() RETURNS trigger LANGUAGE plpgsql AS "
              + "$$BEGIN INSERT INTO jp_seen VALUES (current_setting('join_collapse_limit')); RETURN NULL; END$$",
          "CREATE TRIGGER jp_note AFTER INSERT OR UPDATE ON jp_counts FOR EACH STATEMENT EXECUTE FUNCTION jp_note()",
          "INSERT INTO jp_a VALUES (5, 2)");

      c.setAutoCommit(false);
      exec(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", "SET LOCAL join_collapse_limit = 5");
      assertEquals(List.of("DIFFERENTIAL|1"), rows(c, "SELECT mode_used, delta_rows FROM freshet.refresh_window("
          + id + ", true)"));
      assertEquals(List.of("5"), rows(c, "SELECT current_setting('join_collapse_limit')"), "the caller's, back");
      c.commit();
      c.setAutoCommit(true);
      Oracle.assertFresh(c, "jp_counts");
      assertEquals(List.of("1"), rows(c, "SELECT DISTINCT collapse FROM jp_seen"), "the program's MERGE ran as printed");
      assertEquals(List.of("x|2", "y|3"), rows(c, "SELECT v || '|' || n FROM jp_counts ORDER BY v"));
    }
  }

  /**
   * A window of at most {@code freshet.small_window_rows} changed rows (default 100) runs its program with the joins
   * as printed, from its few rows outward, and is no trial: planning PostgreSQL's order was 30-40% of a one-row
   * refresh's statements. A larger one runs as the trials decide (here, the first trial: PostgreSQL's order); a
   * setting that is not a number of rows is refused, naming it, and nothing is applied.
   */
  @Test
  void aSmallWindowRunsAsPrintedAndIsNoTrial(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE js_c (id int PRIMARY KEY, v text)", "CREATE TABLE js_b (id int PRIMARY KEY, cid int)",
          "CREATE TABLE js_a (id int PRIMARY KEY, bid int)",
          "INSERT INTO js_c SELECT g, 'v' || (g % 5) FROM generate_series(1, 20) g",
          "INSERT INTO js_b SELECT g, 1 + g % 20 FROM generate_series(1, 100) g",
          "INSERT INTO js_a SELECT g, 1 + g % 100 FROM generate_series(1, 500) g");
      long id = create(c, "js_counts", "SELECT js_c.v, count(*) AS n FROM js_a JOIN js_b ON js_a.bid = js_b.id "
          + "JOIN js_c ON js_b.cid = js_c.id GROUP BY js_c.v", Mode.DIFFERENTIAL).id();
      exec(c, "SET freshet.join_order_trial_ms = 0"); // a trial however fast: only the window's size decides
      String runs = "SELECT coalesce(join_order, '') || '|' || planner_runs || '|' || printed_runs "
          + "FROM freshet.refresh_programs WHERE stream_table_id = " + id + " AND changed_mask = (SELECT 1::bigint << "
          + "ordinal FROM freshet.refresh_sources WHERE stream_table_id = " + id + " AND source_relid = 'js_a'::regclass)";

      // a few rows of js_a, in an update of three (old and new rows: six) and an insert
      exec(c, "UPDATE js_a SET bid = bid % 100 + 1 WHERE id <= 3", "INSERT INTO js_a VALUES (1000, 7)");
      RefreshReport small = StreamTables.refresh(c, "js_counts", true, false);
      Oracle.assertFresh(c, "js_counts");
      assertTrue(programSteps(small).stream().allMatch(s -> s.contains(AS_PRINTED)), small.profile().toString());
      assertEquals(List.of("|0|0"), rows(c, runs), "no trial recorded");

      // the same with the threshold below the window: PostgreSQL's order, recorded as the first trial
      exec(c, "SET freshet.small_window_rows = 1", "UPDATE js_a SET bid = bid % 100 + 1 WHERE id <= 3",
          "INSERT INTO js_a VALUES (1001, 8)");
      RefreshReport larger = StreamTables.refresh(c, "js_counts", true, false);
      Oracle.assertFresh(c, "js_counts");
      assertTrue(programSteps(larger).stream().noneMatch(s -> s.contains(AS_PRINTED)), larger.profile().toString());
      assertEquals(List.of("|1|0"), rows(c, runs));

      exec(c, "SET freshet.small_window_rows = 'few'", "INSERT INTO js_a VALUES (1002, 9)");
      SQLException typo = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "js_counts"));
      assertTrue(typo.getMessage().contains("freshet.small_window_rows must be a number of rows (0 or more), not "
          + "'few'"), typo.getMessage());
      exec(c, "RESET freshet.small_window_rows", "RESET freshet.join_order_trial_ms");
      Oracle.refreshAndCheck(c, "js_counts", Mode.DIFFERENTIAL);
    }
  }

  /**
   * The rule itself, fed measured runs (freshet.note_join_order_trial): after one run of each order, a program keeps
   * PostgreSQL's when the printed one was no faster, the printed one when it took less than a third of the time per
   * window row (catalog V43: a second run of an order three times slower decides nothing), and between the two it
   * waits for a second run of each. Each statement keeps the order that ran it in less than 2/3 of the time.
   */
  @Test
  void oneRunOfEachDecidesWhenTheDifferenceIsLarge(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE jd_b (id int PRIMARY KEY, v text)", "CREATE TABLE jd_a (id int PRIMARY KEY, bid int)",
          "INSERT INTO jd_b VALUES (1, 'x')", "INSERT INTO jd_a VALUES (1, 1)");
      long id = create(c, "jd_counts", "SELECT jd_b.v, count(*) AS n FROM jd_a JOIN jd_b ON jd_a.bid = jd_b.id "
          + "GROUP BY jd_b.v", Mode.DIFFERENTIAL).id();
      String mask = "(SELECT 1::bigint << ordinal FROM freshet.refresh_sources WHERE stream_table_id = " + id
          + " AND source_relid = 'jd_a'::regclass)";
      String program = "FROM freshet.refresh_programs WHERE stream_table_id = " + id + " AND changed_mask = " + mask;
      int steps = Integer.parseInt(rows(c, "SELECT cardinality(step_kinds) " + program).get(0));
      String state = "SELECT coalesce(join_order, '-') || '|' || planner_runs || '|' || printed_runs || '|' "
          + "|| coalesce(array_to_string(step_join_orders, ','), '-') " + program;
      String reset = "UPDATE freshet.refresh_programs SET join_order = NULL, step_join_orders = NULL, planner_runs = 0, "
          + "planner_ms = 0, planner_rows = 0, printed_runs = 0, printed_ms = 0, printed_rows = 0, "
          + "planner_step_ms = NULL, printed_step_ms = NULL WHERE stream_table_id = " + id + " AND changed_mask = "
          + mask;
      // the first statement carries the run's time, the others next to nothing
      java.util.function.BiFunction<String, Integer, String> run = (order, ms) -> "SELECT freshet.note_join_order_trial("
          + id + ", " + mask + ", '" + order + "', " + ms + ", 100, ARRAY[" + ms + "::float8"
          + ", 0.5".repeat(steps - 1) + "])";
      String allPlanner = String.join(",", java.util.Collections.nCopies(steps, "planner"));
      String printedFirst = "as printed" + ",planner".repeat(steps - 1);

      exec(c, reset, run.apply("planner", 900), run.apply("as printed", 250));
      assertEquals(List.of("as printed|1|1|" + printedFirst), rows(c, state), "under a third: kept after one of each");

      exec(c, reset, run.apply("planner", 900), run.apply("as printed", 950));
      assertEquals(List.of("planner|1|1|" + allPlanner), rows(c, state), "no faster: kept after one of each");

      exec(c, reset, run.apply("planner", 900), run.apply("as printed", 400));
      assertEquals(List.of("-|1|1|-"), rows(c, state), "faster, not three times: a second run of each");
      exec(c, run.apply("planner", 700), run.apply("as printed", 500));
      assertEquals(List.of("as printed|2|2|" + printedFirst), rows(c, state), "900 + 700 against 400 + 500");

      // the program runs as kept, exactly
      exec(c, "INSERT INTO jd_a SELECT g, 1 FROM generate_series(2, 300) g");
      Oracle.refreshAndCheck(c, "jd_counts", Mode.DIFFERENTIAL);
    }
  }

  /** The steps of the program in a profile. */
  private static List<String> programSteps(RefreshReport report) {
    List<String> steps = report.profile().stream().map(s -> s.step()).filter(s -> s.startsWith("program ")).toList();
    assertFalse(steps.isEmpty(), report.profile().toString());
    return steps;
  }

  /** A program's statement in a profile: group 1 set when it ran as printed, group 2 its number. */
  private static final Pattern PROGRAM_STEP = Pattern.compile("^program \\d+( \\(joins as printed\\))?, step (\\d+) ");

  /** The order kept for each statement of jo_counts' program for changes of jo_a alone. */
  private static List<String> stepOrders(Connection c) throws SQLException {
    return rows(c, "SELECT o FROM freshet.refresh_programs p JOIN freshet.stream_tables st ON st.id = p.stream_table_id, "
        + "unnest(p.step_join_orders) WITH ORDINALITY AS u (o, n) WHERE st.table_name = 'jo_counts' " + OF_JO_A
        + " ORDER BY u.n");
  }

  /** Each statement's summed milliseconds in {@code column} of jo_counts' program for changes of jo_a alone. */
  private static List<Double> stepTimes(Connection c, String column) throws SQLException {
    return rows(c, "SELECT t FROM freshet.refresh_programs p JOIN freshet.stream_tables st ON st.id = p.stream_table_id, "
        + "unnest(p." + column + ") WITH ORDINALITY AS u (t, n) WHERE st.table_name = 'jo_counts' " + OF_JO_A
        + " ORDER BY u.n").stream().map(Double::valueOf).toList();
  }

  private static final String OF_JO_A = "AND p.changed_mask = (SELECT 1::bigint << s.ordinal FROM "
      + "freshet.refresh_sources s WHERE s.stream_table_id = st.id AND s.source_relid = 'jo_a'::regclass)";

  private record Trials(String order, int plannerRuns, double plannerMs, long plannerRows, int printedRuns,
      double printedMs, long printedRows) {
  }

  /** The measurements of jo_counts' program for changes of jo_a alone. */
  private static Trials trials(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT p.join_order, p.planner_runs, p.planner_ms, "
        + "p.planner_rows, p.printed_runs, p.printed_ms, p.printed_rows FROM freshet.refresh_programs p "
        + "JOIN freshet.stream_tables st ON st.id = p.stream_table_id WHERE st.table_name = 'jo_counts' "
        + "AND p.changed_mask = (SELECT 1::bigint << s.ordinal FROM freshet.refresh_sources s "
        + "WHERE s.stream_table_id = st.id AND s.source_relid = 'jo_a'::regclass)")) {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new Trials(null, 0, 0, 0, 0, 0, 0);
        }
        Trials t = new Trials(rs.getString(1), rs.getInt(2), rs.getDouble(3), rs.getLong(4), rs.getInt(5),
            rs.getDouble(6), rs.getLong(7));
        return t;
      }
    }
  }
}
