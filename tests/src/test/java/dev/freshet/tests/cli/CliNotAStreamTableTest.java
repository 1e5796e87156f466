package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Naming a table that is not a stream table gets the same message from every command as from drop. */
@PostgresTest
class CliNotAStreamTableTest {

  /**
   * A table (or view) that is not a stream table is said to be one, by every command as by drop, not reported
   * missing as if its name were misspelt (verify said "there is no stream table", found by the walkthrough); on a
   * database Freshet has never touched and on one with its catalog.
   */
  @Test
  void everyCommandSaysATableIsNotAStreamTable(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE nt_orders (id int PRIMARY KEY, v int)", "CREATE VIEW nt_view AS SELECT 1 AS x");
    String url = db.jdbcUrl();
    List<List<String>> commands = List.of(List.of("verify", "nt_orders"), List.of("explain", "nt_orders"),
        List.of("status", "nt_orders"), List.of("refresh", "nt_orders"), List.of("drop", "nt_orders"),
        List.of("alter", "nt_orders", "--schedule", "1 minute"), List.of("alter", "nt_orders", "--mode", "FULL"),
        List.of("resume", "nt_orders"));
    for (boolean catalog : List.of(false, true)) {
      if (catalog) {
        CliRun create = CliRun.run(url, "create", "nt_st", "--query", "SELECT id, v FROM nt_orders");
        assertEquals(0, create.exitCode(), create.transcript());
      }
      for (List<String> args : commands) {
        CliRun run = CliRun.run(url, args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), args + ": " + run.transcript());
        assertTrue(run.err().startsWith("error: \"public\".\"nt_orders\" is a table, not a stream table; "),
            args + " (catalog " + catalog + "): " + run.transcript());
        assertEquals("", run.out(), args + ": " + run.transcript());
      }
      CliRun view = CliRun.run(url, "verify", "nt_view");
      assertEquals("error: \"public\".\"nt_view\" is a view, not a stream table; 'freshet list' shows the stream "
          + "tables\n", view.err(), view.transcript());
    }
    // CALL freshet.refresh says the same (catalog V27), where it said "there is no stream table"
    try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
      for (String[] relation : new String[][] {{"nt_orders", "a table"}, {"nt_view", "a view"}}) {
        java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
            () -> s.execute("CALL freshet.refresh('" + relation[0] + "')"));
        assertEquals("42809", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("\"public\".\"" + relation[0] + "\" is " + relation[1]
            + ", not a stream table"), e.getMessage());
      }
      java.sql.SQLException missing = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
          () -> s.execute("CALL freshet.refresh('nt_nothing')"));
      assertEquals("42P01", missing.getSQLState(), missing.getMessage());
    }
  }
}
