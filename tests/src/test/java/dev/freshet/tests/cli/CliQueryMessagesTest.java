package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code create} says about queries it cannot take, or takes otherwise than written, found by the docs
 * walkthrough (issue 15): PostgreSQL's own words for a syntax error, with nothing of Freshet's inside; a
 * data-modifying WITH refused as such.
 */
@PostgresTest
class CliQueryMessagesTest {

  @Test
  void anUnterminatedStringIsReportedAsPostgresReportsIt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_t (id int PRIMARY KEY, a text)");
    for (String mode : List.of("AUTO", "FULL", "DIFFERENTIAL")) {
      CliRun run = CliRun.run(db.jdbcUrl(), "create", "msg_bad", "--mode", mode, "--query", "SELECT 'abc FROM msg_t");
      assertEquals(3, run.exitCode(), run.transcript());
      assertEquals("error: syntax: unterminated quoted string at or near \"'abc FROM msg_t\"\n"
          + "  --> query:1:8\n"
          + "   | SELECT 'abc FROM msg_t\n"
          + "   |        ^\n", run.err(), run.transcript());
    }
  }

  @Test
  void aDataModifyingWithIsRefusedAsSuch(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE msg_w (id int PRIMARY KEY)", "INSERT INTO msg_w VALUES (1), (2)");
    for (String query : List.of("WITH d AS (DELETE FROM msg_w RETURNING *) SELECT * FROM d",
        "with d as materialized (\n  delete from msg_w returning *) select id from d",
        "SELECT * FROM (WITH d AS (DELETE FROM msg_w RETURNING *) SELECT * FROM d) x")) {
      CliRun run = CliRun.run(db.jdbcUrl(), "create", "msg_mod", "--query", query);
      assertEquals(3, run.exitCode(), run.transcript());
      assertTrue(run.err().startsWith("error: invalid: a defining query cannot modify data, and this one has a "
          + "WITH query that runs DELETE"), run.transcript());
      assertFalse(run.err().contains("view"), run.transcript());
      assertTrue(run.err().contains("^^^^^^\n"), run.transcript());
    }
    assertEquals(2L, db.scalar("SELECT count(*) FROM msg_w"));
  }
}
