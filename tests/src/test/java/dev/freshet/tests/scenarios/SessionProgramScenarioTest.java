package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A small window runs the session form of its program (catalog V37): its change tables and temporary tables are
 * tables the session keeps, its statements prepared once per session. What must hold: the same result as the program
 * as printed (the oracle runs after every refresh), the session's tables empty after each refresh, whatever ran
 * before in the session (a large window, a failed refresh, DISCARD ALL, DEALLOCATE ALL, an alter of the query); and no
 * session form where a temporary table's name may stand for a column of the user's.
 */
@PostgresTest
class SessionProgramScenarioTest {

  private static final String SESSION_CHANGE_TABLE = "(session table, prepared)";
  private static final String SESSION_STEP = "(statement): prepared, ";

  private static final String QUERY = "SELECT o.cust, sum(l.qty) AS qty, count(*) AS lines, 100 / sum(l.den) AS per "
      + "FROM ss_order o JOIN ss_line l ON l.order_id = o.id "
      + "WHERE EXISTS (SELECT 1 FROM ss_line b WHERE b.order_id = o.id AND b.qty > 3) GROUP BY o.cust";

  /** The profile steps of a checked differential refresh of {@code name}; asserts it ran the session form or not. */
  private static List<String> refresh(Connection c, String name, boolean session) throws Exception {
    List<String> steps = Scenarios.profiledDifferentialSteps(c, name);
    assertEquals(session, steps.stream().anyMatch(s -> s.endsWith(SESSION_CHANGE_TABLE)), steps.toString());
    assertEquals(session, steps.stream().anyMatch(s -> s.contains(SESSION_STEP)), steps.toString());
    assertEquals(List.of(), nonEmptySessionTables(c), "the session tables are emptied by the refresh");
    return steps;
  }

  /** This session's temporary tables of session forms that hold rows. */
  private static List<String> nonEmptySessionTables(Connection c) throws SQLException {
    List<String> nonEmpty = new java.util.ArrayList<>();
    for (String table : sessionTables(c)) {
      if (count(c, "SELECT count(*) FROM pg_temp." + dev.freshet.planner.sql.Quoting.identifier(table)) > 0) {
        nonEmpty.add(table);
      }
    }
    return nonEmpty;
  }

  private static List<String> sessionTables(Connection c) throws SQLException {
    return rows(c, "SELECT relname FROM pg_class WHERE relnamespace = pg_my_temp_schema() AND relkind = 'r' "
        + "AND relname LIKE '%·%' ORDER BY 1");
  }

  /** Tables {@code ss_order} and {@code ss_line}, or with {@code prefix} instead of {@code ss_}. */
  private static void setUp(Connection c, String prefix) throws SQLException {
    exec(c, "CREATE TABLE " + prefix + "order (id int PRIMARY KEY, cust int NOT NULL)",
        "CREATE TABLE " + prefix + "line (order_id int NOT NULL, qty int NOT NULL, den int NOT NULL)",
        "INSERT INTO " + prefix + "order SELECT g, g % 4 FROM generate_series(1, 20) g",
        "INSERT INTO " + prefix + "line SELECT 1 + g % 20, CASE WHEN 1 + g % 20 <= 10 THEN 5 ELSE 1 END, 1 "
            + "FROM generate_series(1, 80) g");
  }

  @Test
  void smallWindowsRunTheSessionFormWhateverRanBefore(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      setUp(c, "ss_");
      create(c, "ss_sum", QUERY, Mode.DIFFERENTIAL);
      // inserts only, a mixed window, deletes only, both tables, an update that cancels out in the change table
      exec(c, "INSERT INTO ss_line VALUES (3, 4, 1)");
      refresh(c, "ss_sum", true);
      exec(c, "UPDATE ss_line SET qty = qty + 1 WHERE order_id = 12");
      refresh(c, "ss_sum", true);
      exec(c, "DELETE FROM ss_line WHERE order_id = 2");
      refresh(c, "ss_sum", true);
      exec(c, "INSERT INTO ss_order VALUES (21, 1)", "INSERT INTO ss_line VALUES (21, 7, 2)",
          "UPDATE ss_order SET cust = cust + 1 WHERE id = 5");
      refresh(c, "ss_sum", true);
      exec(c, "UPDATE ss_line SET qty = qty + 1 WHERE order_id = 7", "UPDATE ss_line SET qty = qty - 1 WHERE order_id = 7");
      Oracle.refreshAndCheck(c, "ss_sum", Mode.DIFFERENTIAL);
      List<String> tables = sessionTables(c);
      assertFalse(tables.isEmpty(), "the session kept its tables");
      long prepared = count(c, "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'freshet\\_s\\_%'");
      assertTrue(prepared > 0, "statements prepared");
      // the same kind of window again: the statements prepared and the tables made are used again
      exec(c, "INSERT INTO ss_line VALUES (4, 4, 1)");
      refresh(c, "ss_sum", true);
      exec(c, "INSERT INTO ss_line VALUES (6, 4, 1)");
      refresh(c, "ss_sum", true);
      assertEquals(tables, sessionTables(c));

      // a large window runs as printed, and the next small one in the session form again
      exec(c, "SET freshet.small_window_rows = 3", "INSERT INTO ss_line SELECT 1 + g % 20, 2, 1 FROM generate_series(1, 10) g");
      refresh(c, "ss_sum", false);
      exec(c, "RESET freshet.small_window_rows", "UPDATE ss_line SET qty = qty + 1 WHERE order_id = 9");
      refresh(c, "ss_sum", true);

      // a refresh failing after its session tables were filled (a division by zero in the new state) leaves nothing
      exec(c, "UPDATE ss_line SET den = 0 WHERE order_id IN (SELECT id FROM ss_order WHERE cust = 2)");
      assertThrows(SQLException.class, () -> StreamTables.refresh(c, "ss_sum"));
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      assertEquals(List.of(), nonEmptySessionTables(c));
      exec(c, "UPDATE ss_line SET den = 2 WHERE den = 0");
      refresh(c, "ss_sum", true);

      // the session's prepared statements or tables gone: made again
      exec(c, "DEALLOCATE ALL", "INSERT INTO ss_line VALUES (8, 4, 1)");
      refresh(c, "ss_sum", true);
      exec(c, "DISCARD ALL", "DELETE FROM ss_line WHERE order_id = 8 AND qty = 4");
      refresh(c, "ss_sum", true);
      List<String> madeAgain = sessionTables(c);
      assertTrue(!madeAgain.isEmpty() && tables.containsAll(madeAgain), tables + " then " + madeAgain);
    }
  }

  @Test
  void anAlteredQueryFillsNewSessionTables(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      setUp(c, "sa_");
      create(c, "sa_alter", "SELECT o.cust, sum(l.qty) AS qty FROM sa_order o JOIN sa_line l ON l.order_id = o.id "
          + "GROUP BY o.cust", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO sa_line VALUES (3, 4, 1)");
      refresh(c, "sa_alter", true);
      List<String> before = sessionTables(c);
      // the same names, other types: the session's tables of the first query must not be filled with these rows
      StreamTables.alter(c, "sa_alter", Optional.empty(), Optional.empty(), Optional.of(
          "SELECT o.cust, sum(l.qty)::numeric / 3 AS qty FROM sa_order o JOIN sa_line l ON l.order_id = o.id "
              + "GROUP BY o.cust"));
      Oracle.assertFresh(c, "sa_alter");
      exec(c, "INSERT INTO sa_line VALUES (5, 4, 1)");
      refresh(c, "sa_alter", true);
      List<String> after = sessionTables(c);
      assertTrue(after.containsAll(before) && after.size() > before.size(), before + " then " + after);
    }
  }

  /**
   * A program put together from the pieces of a larger one (three of four sources changed, catalog V29) has its
   * session form put together alike, and a later window of those sources runs it from the session's prepared
   * statements.
   */
  @Test
  void aProgramPutTogetherFromPiecesRunsItsSessionForm(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE sq_a (id int PRIMARY KEY, b_id int NOT NULL, v int NOT NULL)",
          "CREATE TABLE sq_b (id int PRIMARY KEY, c_id int NOT NULL)",
          "CREATE TABLE sq_c (id int PRIMARY KEY, d_id int NOT NULL)",
          "CREATE TABLE sq_d (id int PRIMARY KEY, name text NOT NULL)",
          "INSERT INTO sq_d SELECT g, 'd' || g FROM generate_series(1, 5) g",
          "INSERT INTO sq_c SELECT g, 1 + g % 5 FROM generate_series(1, 10) g",
          "INSERT INTO sq_b SELECT g, 1 + g % 10 FROM generate_series(1, 20) g",
          "INSERT INTO sq_a SELECT g, 1 + g % 20, g FROM generate_series(1, 60) g");
      create(c, "sq_sum", "SELECT d.name, sum(a.v) AS v, count(*) AS n FROM sq_a a JOIN sq_b b ON b.id = a.b_id "
          + "JOIN sq_c c ON c.id = b.c_id JOIN sq_d d ON d.id = c.d_id GROUP BY d.name", Mode.DIFFERENTIAL);
      for (int round = 0; round < 3; round++) {
        exec(c, "UPDATE sq_a SET v = v + 1 WHERE id = " + (3 + round), "UPDATE sq_b SET c_id = 1 + (c_id % 10) WHERE id = "
            + (4 + round), "UPDATE sq_c SET d_id = 1 + (d_id % 5) WHERE id = " + (5 + round));
        List<String> steps = refresh(c, "sq_sum", true);
        assertEquals(round == 0, steps.stream().anyMatch(s -> s.contains("put together from the pieces")),
            steps.toString());
      }
    }
  }

  /**
   * A session keeps at most {@code freshet.session_statements} statements prepared: the oldest half go when there are
   * more, and what is gone is prepared again when needed; a setting that is not a number fails the refresh, naming it.
   */
  @Test
  void aSessionKeepsAtMostTheStatementsItIsAllowed(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      setUp(c, "sc_");
      create(c, "sc_sum", QUERY.replace("ss_", "sc_"), Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO sc_line VALUES (3, 4, 1)");
      refresh(c, "sc_sum", true);
      String prepared = "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'freshet\\_s\\_%'";
      long oneRefresh = count(c, prepared);
      assertTrue(oneRefresh > 4, "statements of one refresh: " + oneRefresh);
      exec(c, "SET freshet.session_statements = 4");
      for (String change : List.of("UPDATE sc_line SET qty = qty + 1 WHERE order_id = 12",
          "DELETE FROM sc_line WHERE order_id = 2", "INSERT INTO sc_order VALUES (21, 1)",
          "INSERT INTO sc_line VALUES (3, 4, 1)")) {
        exec(c, change);
        refresh(c, "sc_sum", true);
        assertTrue(count(c, prepared) <= 2 + oneRefresh, "kept " + count(c, prepared));
      }
      exec(c, "SET freshet.session_statements = 'many'", "INSERT INTO sc_line VALUES (4, 4, 1)");
      SQLException typo = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "sc_sum"));
      assertTrue(typo.getMessage().contains("freshet.session_statements must be a number of statements"),
          typo.getMessage());
      exec(c, "SET freshet.session_statements = 0");
      refresh(c, "sc_sum", false);
    }
  }

  /**
   * A session table with a column of a type that is not built in would keep the type from being dropped while the
   * session lasts (its dependency): the refresh that made it drops it, and its stream table runs as printed since.
   */
  @Test
  void aSessionTableOfATypeNotBuiltInIsNotKept(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE ss_mood AS ENUM ('sad', 'ok', 'happy')",
          "CREATE TABLE ss_feel (who int, mood ss_mood, n int)",
          "INSERT INTO ss_feel SELECT g, (ARRAY['sad', 'ok', 'happy'])[1 + g % 3]::ss_mood, g FROM generate_series(1, 9) g");
      create(c, "ss_feel_sum", "SELECT mood, sum(n) AS n FROM ss_feel GROUP BY mood", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO ss_feel VALUES (10, 'ok', 3)");
      refresh(c, "ss_feel_sum", true);
      assertEquals(List.of(), sessionTables(c));
      assertEquals(0, count(c, "SELECT count(*) FROM freshet.refresh_programs p JOIN freshet.stream_tables s "
          + "ON s.id = p.stream_table_id WHERE s.table_name = 'ss_feel_sum' AND p.session_step_sql IS NOT NULL"));
      exec(c, "UPDATE ss_feel SET mood = 'happy' WHERE who = 10");
      refresh(c, "ss_feel_sum", false);
      StreamTables.drop(c, "ss_feel_sum", false);
      exec(c, "DROP TABLE ss_feel", "DROP TYPE ss_mood");
    }
  }

  @Test
  void aColumnNamedLikeATemporaryTableLeavesNoSessionForm(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ss_hostile (\"Δgroups\" int NOT NULL, \"Δrows\" text, v int NOT NULL)",
          "INSERT INTO ss_hostile SELECT g % 3, 'r' || g, g FROM generate_series(1, 9) g");
      create(c, "ss_hostile_sum", "SELECT \"Δgroups\", sum(v) AS v FROM ss_hostile GROUP BY \"Δgroups\"",
          Mode.DIFFERENTIAL);
      assertEquals(0, count(c, "SELECT count(*) FROM freshet.refresh_programs p JOIN freshet.stream_tables s "
          + "ON s.id = p.stream_table_id WHERE s.table_name = 'ss_hostile_sum' AND p.session_step_sql IS NOT NULL"));
      exec(c, "INSERT INTO ss_hostile VALUES (1, 'x', 10)", "UPDATE ss_hostile SET v = v + 1 WHERE \"Δgroups\" = 2");
      refresh(c, "ss_hostile_sum", false);

      // a plain join: its temporary table is "Δrows", which names a column here too
      exec(c, "CREATE TABLE ss_hostile_key (\"Δgroups\" int PRIMARY KEY, label text)",
          "INSERT INTO ss_hostile_key VALUES (0, 'zero'), (1, 'one'), (2, 'two')");
      create(c, "ss_hostile_join", "SELECT h.\"Δrows\", k.label FROM ss_hostile h "
          + "JOIN ss_hostile_key k ON k.\"Δgroups\" = h.\"Δgroups\"", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO ss_hostile VALUES (2, 'y', 11)");
      refresh(c, "ss_hostile_join", false);
    }
  }
}
