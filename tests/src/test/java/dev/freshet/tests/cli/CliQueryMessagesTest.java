package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code create} says about queries it cannot take, or takes otherwise than written, found by the docs
 * walkthrough (issue 15): PostgreSQL's own words for a syntax error, with nothing of Freshet's inside; a
 * data-modifying WITH refused as such; a clock function named as written and why it is refused; a column
 * name longer than PostgreSQL keeps cut as PostgreSQL cuts it; {@code SELECT *} over a stream table, which
 * takes its hidden columns; composite values grouped or their fields selected. And what a refresh says
 * when a source's column changed type: that, not that a source was truncated.
 */
@PostgresTest
class CliQueryMessagesTest {

  @Test
  void anUnterminatedStringIsReportedAsPostgresReportsIt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_t (id int PRIMARY KEY, a text)");
    for (String mode : List.of("AUTO", "FULL", "DIFFERENTIAL")) {
      CliRun run = CliRun.run(db.jdbcUrl(), "create", "msg_bad", "--mode", mode, "--query", "SELECT 'abc FROM msg_t");
      assertEquals(3, run.exitCode(), run.transcript());
      assertEquals("error: unterminated quoted string at or near \"'abc FROM msg_t\"\n"
          + "  --> query:1:8\n"
          + "   | SELECT 'abc FROM msg_t\n"
          + "   |        ^\n", run.err(), run.transcript());
    }
  }

  /**
   * A text that is no statement reads as psql says it, PostgreSQL's syntax error (SQLSTATE 42601) at the word:
   * {@code SELEC 1} was "a defining query must be SELECT, VALUES, WITH or TABLE (a query), not SELEC", Freshet's
   * words for a statement that is not a query (found by the first-hour walkthrough, issue 15). A second statement
   * after it is not run. {@code create} and {@code plan} alike.
   */
  @Test
  void aMisspelledQueryIsPostgresSyntaxError(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_keep (id int PRIMARY KEY)");
    for (List<String> command : List.of(List.of("create", "msg_syntax"), List.of("plan"))) {
      java.util.function.Function<String, CliRun> run = query -> {
        List<String> args = new java.util.ArrayList<>(command);
        args.addAll(List.of("--query", query));
        return CliRun.run(db.jdbcUrl(), args.toArray(String[]::new));
      };
      CliRun misspelled = run.apply("SELEC 1");
      assertEquals(3, misspelled.exitCode(), misspelled.transcript());
      assertEquals("error: syntax error at or near \"SELEC\"\n"
          + "  --> query:1:1\n"
          + "   | SELEC 1\n"
          + "   | ^\n", misspelled.err(), misspelled.transcript());
      CliRun second = run.apply("selec id FROM msg_keep; DROP TABLE msg_keep");
      assertEquals("error: syntax error at or near \"selec\"\n"
          + "  --> query:1:1\n"
          + "   | selec id FROM msg_keep; DROP TABLE msg_keep\n"
          + "   | ^\n", second.err(), second.transcript());
      CliRun noFrom = run.apply("SELECT FROM");
      assertEquals("error: syntax error at end of input\n"
          + "  --> query:1:12\n"
          + "   | SELECT FROM\n"
          + "   |            ^\n", noFrom.err(), noFrom.transcript());
      CliRun operand = run.apply("SELECT 1 +");
      assertEquals(3, operand.exitCode(), operand.transcript());
      assertEquals("error: syntax error at end of input\n"
          + "  --> query:1:11\n"
          + "   | SELECT 1 +\n"
          + "   |           ^\n", operand.err(), operand.transcript());
      // a statement that is not a query is still said in Freshet's words, which say what a query may be
      CliRun delete = run.apply("DELETE FROM msg_keep");
      assertTrue(delete.err().startsWith("error: a defining query must be SELECT, VALUES, WITH or TABLE (a query), "
          + "not DELETE\n"), delete.transcript());
    }
    assertEquals(0L, db.scalar("SELECT count(*) FROM msg_keep"), "the table the second statement dropped is there");
  }

  /**
   * A name the query gets wrong reads as psql says it ({@code column "nosuch" does not exist}), where create
   * printed {@code error: invalid: column ...}, a word of Freshet's inside (found by the first-hour walkthrough).
   */
  @Test
  void anUnknownColumnIsNamedAsPostgresNamesIt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_u (id int PRIMARY KEY)");
    CliRun run = CliRun.run(db.jdbcUrl(), "create", "msg_unknown", "--query", "SELECT nosuch FROM msg_u");
    assertEquals(3, run.exitCode(), run.transcript());
    assertEquals("error: column \"nosuch\" does not exist\n"
        + "  --> query:1:8\n"
        + "   | SELECT nosuch FROM msg_u\n"
        + "   |        ^\n", run.err(), run.transcript());
  }

  @Test
  void aDataModifyingWithIsRefusedAsSuch(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_w (id int PRIMARY KEY)", "INSERT INTO msg_w VALUES (1), (2)");
    for (String query : List.of("WITH d AS (DELETE FROM msg_w RETURNING *) SELECT * FROM d",
        "with d as materialized (\n  delete from msg_w returning *) select id from d",
        "SELECT * FROM (WITH d AS (DELETE FROM msg_w RETURNING *) SELECT * FROM d) x")) {
      CliRun run = CliRun.run(db.jdbcUrl(), "create", "msg_mod", "--query", query);
      assertEquals(3, run.exitCode(), run.transcript());
      assertTrue(run.err().startsWith("error: a defining query cannot modify data, and this one has a "
          + "WITH query that runs DELETE"), run.transcript());
      assertFalse(run.err().contains("view"), run.transcript());
      assertTrue(run.err().contains("^^^^^^\n"), run.transcript());
    }
    assertEquals(2L, db.scalar("SELECT count(*) FROM msg_w"));
  }

  @Test
  void aClockFunctionIsNamedAsWrittenWithTheReasonAndAFixThatWorks(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_ev (id int PRIMARY KEY, at timestamptz)",
        "INSERT INTO msg_ev VALUES (1, now() - interval '2 hours'), (2, now())");
    CliRun refused = CliRun.run(db.jdbcUrl(), "create", "msg_recent", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id FROM msg_ev WHERE at > NOW() - interval '1 hour'");
    assertEquals(3, refused.exitCode(), refused.transcript());
    assertTrue(refused.err().startsWith("error: unsupported: FR004: now() reads the clock: its result changes as "
        + "time passes, without any change to the tables the query reads"), refused.transcript());
    assertTrue(refused.err().contains("fix: use --mode FULL or AUTO: the stream table is then recomputed at every "
        + "refresh, whether its tables changed or not"), refused.transcript());
    assertFalse(refused.err().lines().findFirst().orElseThrow().contains("NOW()"), refused.transcript());
    CliRun random = CliRun.run(db.jdbcUrl(), "create", "msg_random", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id, random() AS r FROM msg_ev");
    assertTrue(random.err().startsWith("error: unsupported: FR004: random() returns another value each time it runs"),
        random.transcript());

    // the advice holds: AUTO creates it FULL, recomputed at every refresh with no table changed (the
    // recompute itself: FullModeScenarioTest)
    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "msg_recent", "--query",
        "SELECT id FROM msg_ev WHERE at > NOW() - interval '1 hour'");
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().contains("FR004 volatile_function at line 1, column 34: now() reads the clock"),
        auto.transcript());
    assertTrue(auto.out().contains("recomputed at every refresh: its query calls now() (stable)"), auto.transcript());
    CliRun refresh = CliRun.run(db.jdbcUrl(), "refresh", "msg_recent");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().contains("FULL"), refresh.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "msg_recent");
    }

    // and so does the other: a time kept in a table is maintained differentially
    db.execute("CREATE TABLE msg_clock (t timestamptz)", "INSERT INTO msg_clock VALUES (now() - interval '1 hour')");
    CliRun clock = CliRun.run(db.jdbcUrl(), "create", "msg_kept", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id FROM msg_ev WHERE at > (SELECT max(t) FROM msg_clock)");
    assertEquals(0, clock.exitCode(), clock.transcript());
  }

  @Test
  void aColumnNameLongerThanPostgresKeepsIsCutAsPostgresCutsIt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_l (id int PRIMARY KEY, g text, v int)",
        "INSERT INTO msg_l VALUES (1, 'a', 1), (2, 'a', 2), (3, 'b', 3)");
    String longName = "total_" + "x".repeat(60) + "_of_v"; // 71 bytes
    String kept = longName.substring(0, 63);
    String multibyte = "Ü".repeat(40); // 80 bytes: PostgreSQL keeps 31 letters (62 bytes)
    CliRun run = CliRun.run(db.jdbcUrl(), "create", "msg_long", "--mode", "DIFFERENTIAL", "--query",
        "SELECT g AS \"" + multibyte + "\", sum(v) AS " + longName + " FROM msg_l GROUP BY 1 HAVING sum(v) > 0");
    assertEquals(0, run.exitCode(), run.transcript());
    assertTrue(run.out().contains("note:         column name \"" + longName + "\" is longer than PostgreSQL keeps (63 "
        + "bytes): the column is named \"" + kept + "\""), run.transcript());
    assertEquals(List.of(List.of("Ü".repeat(31)), List.of(kept)), db.query("SELECT attname::text FROM pg_attribute "
        + "WHERE attrelid = 'msg_long'::regclass AND attnum > 0 AND attname NOT LIKE '\\_\\_freshet%' ORDER BY attnum"));
    db.execute("INSERT INTO msg_l VALUES (4, 'b', 4), (5, 'c', 5)", "DELETE FROM msg_l WHERE id = 1");
    try (Connection c = db.connect()) {
      Oracle.refreshAndCheck(c, "msg_long", dev.freshet.runtime.streamtable.Mode.DIFFERENTIAL);
    }

    CliRun twice = CliRun.run(db.jdbcUrl(), "create", "msg_twice", "--query",
        "SELECT g AS " + longName + "_g, v AS " + longName + "_v FROM msg_l");
    assertEquals(3, twice.exitCode(), twice.transcript());
    assertTrue(twice.err().startsWith("error: the names \"" + longName + "_g\" and \"" + longName
        + "_v\" are both \"" + kept + "\" to PostgreSQL, which keeps the first 63 bytes of a name, so the query has "
        + "two columns of that name; give them names that differ in their first 63 bytes\n  --> query:1:"),
        twice.transcript());
  }

  @Test
  void selectStarOverAStreamTableNamesItsHiddenColumns(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_s (id int PRIMARY KEY, g text, v int)", "INSERT INTO msg_s VALUES (1, 'a', 1)");
    CliRun grouped = CliRun.run(db.jdbcUrl(), "create", "msg_groups", "--query",
        "SELECT g, sum(v) AS total FROM msg_s GROUP BY g");
    assertEquals(0, grouped.exitCode(), grouped.transcript());
    for (String query : List.of("SELECT * FROM msg_groups", "SELECT m.*, s.id FROM msg_groups m JOIN msg_s s USING (g)")) {
      CliRun star = CliRun.run(db.jdbcUrl(), "create", "msg_star", "--query", query);
      assertEquals(3, star.exitCode(), star.transcript());
      assertTrue(star.err().startsWith("error: the query of \"public\".\"msg_star\" selects __freshet_hash, a hidden "
          + "column of stream table \"public\".\"msg_groups\" (SELECT * takes every column of the table, and a stream "
          + "table also has hidden ones"), star.transcript());
      assertTrue(star.err().contains("name the columns it needs instead of * (those of \"public\".\"msg_groups\" are "
          + "\"g\", \"total\")"), star.transcript());
      assertFalse(star.err().contains("alias it"), star.transcript());
    }
    CliRun named = CliRun.run(db.jdbcUrl(), "create", "msg_star", "--query", "SELECT g, total FROM msg_groups");
    assertEquals(0, named.exitCode(), named.transcript());
  }

  @Test
  void compositeValuesGroupedOrTheirFieldsSelected(TestDatabase db) throws Exception {
    db.execute("CREATE TYPE msg_addr AS (street text, zip text)",
        "CREATE TABLE msg_p (id int PRIMARY KEY, a msg_addr, n int)",
        "INSERT INTO msg_p VALUES (1, ('x', '1'), 1), (2, ('y', '2'), 2), (3, ('x', '1'), 5)");
    CliRun grouped = CliRun.run(db.jdbcUrl(), "create", "msg_by_addr", "--mode", "DIFFERENTIAL", "--query",
        "SELECT a, count(*) AS c FROM msg_p GROUP BY a");
    assertEquals(3, grouped.exitCode(), grouped.transcript());
    assertTrue(grouped.err().contains("FR002: a value of type msg_addr is grouped on (GROUP BY or DISTINCT), but "
        + "msg_addr is a composite type (or an array of one), whose values Freshet does not compare yet: PostgreSQL "
        + "compares them field by field"), grouped.transcript());
    assertFalse(grouped.err().contains("no equality operator"), grouped.transcript());

    CliRun field = CliRun.run(db.jdbcUrl(), "create", "msg_zip", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id, (a).zip AS zip FROM msg_p");
    assertEquals(3, field.exitCode(), field.transcript());
    assertTrue(field.err().startsWith("error: unsupported: FR008: Freshet's planner does not read a field of a "
        + "composite value ((a).zip) yet\n"), field.transcript());
    assertTrue(field.err().contains("GENERATED ALWAYS AS ((a).zip) STORED"), field.transcript());
    assertTrue(field.err().contains("   | SELECT id, (a).zip AS zip FROM msg_p\n   |            ^^^^^^^\n"),
        field.transcript());

    // AUTO runs it FULL, and a FULL refresh recomputes when msg_p changes, not at every refresh
    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "msg_zip", "--query", "SELECT id, (a).zip AS zip FROM msg_p");
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertFalse(auto.out().contains("recomputed at every refresh"), auto.transcript());
    assertFalse(auto.out().contains("a system or Freshet table"), auto.transcript());
    CliRun idle = CliRun.run(db.jdbcUrl(), "refresh", "msg_zip");
    assertTrue(idle.out().contains("no changes"), idle.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "msg_zip");
    }
    db.execute("UPDATE msg_p SET a = ('z', '9') WHERE id = 2");
    CliRun changed = CliRun.run(db.jdbcUrl(), "refresh", "msg_zip");
    assertTrue(changed.out().contains("changed \"public\".\"msg_p\""), changed.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "msg_zip");
    }
  }

  @Test
  void aRefreshAfterAColumnChangedTypeSaysSo(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_r (id int PRIMARY KEY, g text, v int)", "INSERT INTO msg_r VALUES (1, 'a', 1)");
    CliRun create = CliRun.run(db.jdbcUrl(), "create", "msg_sums", "--mode", "DIFFERENTIAL", "--query",
        "SELECT g, sum(v) AS s FROM msg_r GROUP BY g");
    assertEquals(0, create.exitCode(), create.transcript());
    db.execute("ALTER TABLE msg_r ALTER COLUMN v TYPE bigint", "INSERT INTO msg_r VALUES (2, 'a', 2)");
    CliRun refresh = CliRun.run(db.jdbcUrl(), "refresh", "msg_sums");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    String reason = "(column \"v\" of \"public\".\"msg_r\" changed type (ALTER TABLE): recomputed)";
    assertTrue(refresh.out().contains(reason), refresh.transcript());
    assertFalse(refresh.out().contains("truncated"), refresh.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "msg_sums");
    }
    CliRun status = CliRun.run(db.jdbcUrl(), "status", "msg_sums");
    assertTrue(status.out().contains("changed \"public\".\"msg_r\"  " + reason), status.transcript());

    db.execute("TRUNCATE msg_r");
    CliRun truncated = CliRun.run(db.jdbcUrl(), "refresh", "msg_sums");
    assertTrue(truncated.out().contains("(\"public\".\"msg_r\" was truncated: recomputed)"), truncated.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "msg_sums");
    }
  }
}
