package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Naming a stream table that does not exist gives the same clear message from every command, on a
 * database Freshet has never touched and on one with its catalog.
 */
@PostgresTest
class CliUnknownStreamTableTest {

  @Test
  void everyCommandSaysThereIsNoSuchStreamTable(TestDatabase db) throws Exception {
    String url = db.jdbcUrl();
    CliRun list = CliRun.run(url, "list");
    assertEquals(0, list.exitCode(), list.transcript());
    assertEquals("no stream tables; 'freshet create' makes one\n", list.out());

    List<List<String>> commands = List.of(List.of("verify", "ghost"), List.of("explain", "ghost"),
        List.of("status", "ghost"), List.of("refresh", "ghost"), List.of("drop", "ghost"),
        List.of("alter", "ghost", "--schedule", "1 minute"), List.of("verify", "ghost"),
        List.of("explain", "ghost"));
    for (List<String> args : commands) {
      CliRun run = CliRun.run(url, args.toArray(String[]::new));
      assertNotEquals(0, run.exitCode(), args + ": " + run.transcript());
      assertTrue(run.err().contains("there is no stream table \"public\".\"ghost\"; 'freshet list' shows"),
          args + ": " + run.transcript());
      assertEquals("", run.out(), args + ": " + run.transcript());
    }
    CliRun badName = CliRun.run(url, "status", "a.b.c");
    assertNotEquals(0, badName.exitCode(), badName.transcript());
    assertTrue(badName.err().contains("NAME or SCHEMA.NAME"), badName.transcript());
  }
}
