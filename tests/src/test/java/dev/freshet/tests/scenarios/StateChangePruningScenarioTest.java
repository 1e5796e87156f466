package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A refresh leaves out of its statements the delta terms that need a state table's change table that came out empty
 * (catalog V35): planned, they would find no row. An order's lines change and it still has a line the EXISTS
 * sub-query looks for: the sub-query's state (the orders that have one, with their counts) keeps its keys, its change
 * table comes out empty, and the terms that join it are left out; an order gaining its first such line, or losing
 * all: nothing is left out. The oracle runs after every refresh.
 */
@PostgresTest
class StateChangePruningScenarioTest {

  private static final String LEFT_OUT = " terms left out: their change tables are empty)";

  /** The profile steps of a differential refresh of {@code name} that left terms out, checked by the oracle. */
  private static List<String> leftOut(Connection c, String name) throws Exception {
    List<String> steps = Scenarios.profiledDifferentialSteps(c, name);
    assertTrue(steps.stream().anyMatch(s -> s.startsWith("program ")), steps.toString());
    return steps.stream().filter(s -> s.endsWith(LEFT_OUT)).toList();
  }

  @Test
  void termsThatNeedAnEmptyStateChangeAreLeftOut(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE sp_order (id int PRIMARY KEY, cust int NOT NULL)",
          "CREATE TABLE sp_line (order_id int NOT NULL, qty int NOT NULL)",
          "INSERT INTO sp_order SELECT g, g % 4 FROM generate_series(1, 20) g",
          // orders 1-10 four lines of 5 (each a line over 3), orders 11-20 four lines of 1 (none)
          "INSERT INTO sp_line SELECT 1 + g % 20, CASE WHEN 1 + g % 20 <= 10 THEN 5 ELSE 1 END "
              + "FROM generate_series(1, 80) g");
      create(c, "sp_big", "SELECT o.cust, sum(l.qty) AS qty, count(*) AS lines FROM sp_order o "
          + "JOIN sp_line l ON l.order_id = o.id "
          + "WHERE EXISTS (SELECT 1 FROM sp_line b WHERE b.order_id = o.id AND b.qty > 3) GROUP BY o.cust",
          Mode.DIFFERENTIAL);
      // a line of an order with other lines over 3: the EXISTS's counts change, its keys do not
      exec(c, "UPDATE sp_line SET qty = qty + 1 WHERE ctid = (SELECT min(ctid) FROM sp_line WHERE order_id = 1)");
      List<String> pruned = leftOut(c, "sp_big");
      assertFalse(pruned.isEmpty(), "terms of the keys' empty change table left out");

      // an order gains its first line over 3, another loses all of its lines: the keys change, nothing is left out
      exec(c, "INSERT INTO sp_line VALUES (11, 20)", "DELETE FROM sp_line WHERE order_id = 1");
      assertEquals(List.of(), leftOut(c, "sp_big"));

      // an order only (the sub-query reads lines): no state table changes
      exec(c, "UPDATE sp_order SET cust = cust + 1 WHERE id = 3");
      RefreshReport orders = StreamTables.refresh(c, "sp_big", true, false);
      Oracle.assertFresh(c, "sp_big");
      assertEquals(Mode.DIFFERENTIAL, orders.modeUsed());

      // again after the keys changed, and a mixed window of both tables
      exec(c, "UPDATE sp_line SET qty = qty + 1 WHERE order_id = 12",
          "INSERT INTO sp_order VALUES (21, 2)", "INSERT INTO sp_line VALUES (21, 1)");
      leftOut(c, "sp_big");
    }
  }
}
