package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code create} says about queries it cannot take, or takes otherwise than written, found by the docs
 * walkthrough (issue 15): PostgreSQL's own words for a syntax error, with nothing of Freshet's inside.
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
}
