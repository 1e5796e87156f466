package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.SuggestedCommand;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTableException;
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
 * FS007 (refresh_window, catalog V25): before a FULL program the columns the query reads now must be those it read
 * at create. No rename or drop explains the change here (so FS008, which names renamed and dropped columns, does
 * not fire): a column added to the sub-query's table takes over a name the query read from the outer table.
 * {@code price} in {@code SELECT id FROM p WHERE id IN (SELECT pid FROM promo WHERE price < 15)} is {@code p.price}
 * (promo has none) until {@code ALTER TABLE promo ADD COLUMN price}; run again, the text reads {@code promo.price}.
 * Without the check the FULL refresh would store that other query's rows and report success.
 */
@PostgresTest
class AddedColumnCaptureScenarioTest {

  private static final String QUERY = "SELECT id FROM ac_p WHERE id IN (SELECT pid FROM ac_promo WHERE price < 15)";
  private static final String REFUSED = "cannot be refreshed: its query now reads other columns than when it was "
      + "created";

  @Test
  void aFullRefreshWhoseNameNowReadsAnAddedColumnIsRefused(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ac_p (id int PRIMARY KEY, price numeric(12,2))", "CREATE TABLE ac_promo (pid int)",
          "INSERT INTO ac_p VALUES (1, 10), (2, 20), (3, 5), (4, NULL)",
          "INSERT INTO ac_promo VALUES (1), (2), (3), (NULL)");
      create(c, "ac_cheap", QUERY, Mode.FULL);
      assertEquals(List.of("1", "3"), rows(c, "SELECT id::text FROM ac_cheap ORDER BY id"));
      exec(c, "INSERT INTO ac_p VALUES (5, 1)", "INSERT INTO ac_promo VALUES (5)");
      Oracle.refreshAndCheck(c, "ac_cheap", Mode.FULL);
      assertEquals(List.of("1", "3", "5"), rows(c, "SELECT id::text FROM ac_cheap ORDER BY id"));

      // promo gets a price of its own: the query's text now reads promo.price (no row of promo is cheap, so it
      // would select nothing), a view of it would keep reading p.price
      exec(c, "ALTER TABLE ac_promo ADD COLUMN price numeric", "UPDATE ac_promo SET price = 100",
          "INSERT INTO ac_p VALUES (6, 2)", "INSERT INTO ac_promo VALUES (6, 100)");
      assertEquals(List.of(), rows(c, "SELECT id::text FROM (" + QUERY + ") q"), "the text now means another query");
      StreamTableException e = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "ac_cheap"));
      assertTrue(e.getMessage().contains(REFUSED), e.getMessage());
      assertEquals(Optional.of("FS007"), e.sqlState());
      // the command to edit holds the query as stored
      assertTrue(e.hint().orElseThrow().endsWith("; edit the query in this command (its query as stored), then run "
          + "it: freshet alter '\"public\".\"ac_cheap\"' --query " + SuggestedCommand.shellWord(QUERY)),
          e.hint().toString());
      assertEquals(List.of("1", "3", "5"), rows(c, "SELECT id::text FROM ac_cheap ORDER BY id"), "nothing applied");
      SQLException call = assertThrows(SQLException.class, () -> exec(c, "CALL freshet.refresh('ac_cheap')"));
      assertEquals("FS007", call.getSQLState(), call.getMessage());
      assertTrue(call.getMessage().contains(REFUSED), call.getMessage());
      assertEquals(List.of("1", "3", "5"), rows(c, "SELECT id::text FROM ac_cheap ORDER BY id"), "nothing applied");

      // the fix the hint gives: every column named with its table
      StreamTables.alter(c, "ac_cheap", Optional.empty(), Optional.empty(),
          Optional.of("SELECT id FROM ac_p WHERE id IN (SELECT pid FROM ac_promo WHERE ac_p.price < 15)"));
      Oracle.assertFresh(c, "ac_cheap");
      assertEquals(List.of("1", "3", "5", "6"), rows(c, "SELECT id::text FROM ac_cheap ORDER BY id"));
      exec(c, "INSERT INTO ac_p VALUES (7, 3)", "INSERT INTO ac_promo VALUES (7, 1)", "DELETE FROM ac_promo WHERE pid = 1",
          "UPDATE ac_p SET price = NULL WHERE id = 3");
      Oracle.refreshAndCheck(c, "ac_cheap", Mode.FULL);
      assertEquals(List.of("5", "6", "7"), rows(c, "SELECT id::text FROM ac_cheap ORDER BY id"));
    }
  }

  /**
   * The same query requested AUTO or DIFFERENTIAL. DIFFERENTIAL refuses it at create (FR005: the sub-query computes
   * on the outer {@code p.price}), so no differential program reads it; AUTO falls back to FULL, and its refresh is
   * refused FS007 after the column is added, like FULL's.
   */
  @Test
  void theSameQueryRequestedAutoOrDifferential(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ad_p (id int PRIMARY KEY, price numeric(12,2))", "CREATE TABLE ad_promo (pid int)",
          "INSERT INTO ad_p VALUES (1, 10), (2, 20), (3, 5), (4, NULL)",
          "INSERT INTO ad_promo VALUES (1), (2), (3), (NULL)");
      String q = QUERY.replace("ac_", "ad_");
      Exception refused = assertThrows(Exception.class, () -> StreamTables.create(c, "ad_diff", q, Mode.DIFFERENTIAL,
          null));
      assertTrue(refused.getMessage().contains("FR005"), refused.getMessage());
      var auto = StreamTables.create(c, "ad_auto", q, Mode.AUTO, null);
      assertEquals(Mode.FULL, auto.effectiveMode());
      Oracle.assertFresh(c, "ad_auto");
      exec(c, "INSERT INTO ad_p VALUES (5, 1)", "INSERT INTO ad_promo VALUES (5)");
      Oracle.refreshAndCheck(c, "ad_auto", Mode.FULL);
      assertEquals(List.of("1", "3", "5"), rows(c, "SELECT id::text FROM ad_auto ORDER BY id"));

      exec(c, "ALTER TABLE ad_promo ADD COLUMN price numeric", "UPDATE ad_promo SET price = 100",
          "INSERT INTO ad_p VALUES (6, 2)", "INSERT INTO ad_promo VALUES (6, 100)");
      SQLException call = assertThrows(SQLException.class, () -> exec(c, "CALL freshet.refresh('ad_auto')"));
      assertEquals("FS007", call.getSQLState(), call.getMessage());
      assertTrue(call.getMessage().contains(REFUSED), call.getMessage());
      assertEquals(List.of("1", "3", "5"), rows(c, "SELECT id::text FROM ad_auto ORDER BY id"), "nothing applied");
    }
  }
}
