package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A FULL refresh runs the stored query text again (catalog V25). After a column of a source is renamed, a name
 * in the query may stand for another table's column: {@code price} in the sub-query below read the outer
 * {@code p.price} once {@code promo.price} was renamed, and the FULL refresh stored that query's rows, reporting
 * success (found by a first-hour walkthrough; a view keeps reading {@code promo}'s column). The refresh now
 * compares the columns the query reads with those it read at create and refuses (FS007), applying nothing.
 */
@PostgresTest
class FullQueryColumnsScenarioTest {

  @Test
  void aRenameThatMakesANameReadAnotherColumnIsRefused(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE fq_p (id int PRIMARY KEY, price numeric(12,2))",
          "CREATE TABLE fq_promo (pid int, price numeric(12,2))",
          "INSERT INTO fq_p VALUES (1, 10), (2, 20), (3, 30)", "INSERT INTO fq_promo VALUES (1, 50), (2, 5)");
      create(c, "fq_cheap", "SELECT id FROM fq_p WHERE id IN (SELECT pid FROM fq_promo WHERE price < 15)",
          Mode.FULL);
      assertEquals(List.of("2"), rows(c, "SELECT id::text FROM fq_cheap"));

      // a column the query does not name, added, and another's type changed: nothing it reads moved
      exec(c, "ALTER TABLE fq_promo ADD COLUMN note text", "ALTER TABLE fq_p ALTER COLUMN price TYPE numeric(14,2)",
          "INSERT INTO fq_promo VALUES (3, 1, 'x')");
      Oracle.refreshAndCheck(c, "fq_cheap", Mode.FULL);
      assertEquals(List.of("2", "3"), rows(c, "SELECT id::text FROM fq_cheap ORDER BY id"));

      exec(c, "ALTER TABLE fq_promo RENAME COLUMN price TO promo_price", "INSERT INTO fq_p VALUES (4, 1)");
      // refused naming the rename (catalog V26; V25 said "its query now reads other columns than when it was
      // created", FS007, which still refuses what no rename or drop explains)
      String renamed = "stream table \"public\".\"fq_cheap\" cannot be refreshed: its source column "
          + "\"public\".\"fq_promo\".\"price\" was renamed to \"promo_price\" (ALTER TABLE ... RENAME COLUMN)";
      Exception e = assertThrows(Exception.class, () -> StreamTables.refresh(c, "fq_cheap"));
      assertTrue(e.getMessage().contains(renamed), e.getMessage());
      assertEquals(List.of("2", "3"), rows(c, "SELECT id::text FROM fq_cheap ORDER BY id"), "nothing applied");
      SQLException call = assertThrows(SQLException.class, () -> exec(c, "CALL freshet.refresh('fq_cheap')"));
      assertEquals("FS008", call.getSQLState(), call.getMessage());
      assertTrue(call.getMessage().contains(renamed), call.getMessage());

      // the fix the hint gives: the query with the names as they are now
      StreamTables.alter(c, "fq_cheap", Optional.empty(), Optional.empty(),
          Optional.of("SELECT id FROM fq_p WHERE id IN (SELECT pid FROM fq_promo WHERE promo_price < 15)"));
      exec(c, "INSERT INTO fq_promo VALUES (4, 2, NULL)");
      Oracle.refreshAndCheck(c, "fq_cheap", Mode.FULL);
      assertEquals(List.of("2", "3", "4"), rows(c, "SELECT id::text FROM fq_cheap ORDER BY id"));
    }
  }

  /**
   * The same rename under a DIFFERENTIAL stream table: its query now plans only as FULL, and the refusal names
   * the stream table in the command it gives and says why (it said "recreate it with 'freshet alter --query'"),
   * naming the rename (it said the query now compiled to FULL, with refusal FR005 about sub-queries).
   */
  @Test
  void aDifferentialStreamTableWhoseQueryNowPlansAsFullSaysWhyAndHowToFixIt(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE fd_p (id int PRIMARY KEY, price numeric(12,2))",
          "CREATE TABLE fd_promo (pid int, price numeric(12,2))",
          "INSERT INTO fd_p VALUES (1, 10), (2, 20)", "INSERT INTO fd_promo VALUES (1, 50), (2, 5)");
      assertEquals(Mode.DIFFERENTIAL, StreamTables.create(c, "fd_cheap",
          "SELECT id FROM fd_p WHERE id IN (SELECT pid FROM fd_promo WHERE price < 15)", Mode.AUTO, null)
          .effectiveMode());
      exec(c, "ALTER TABLE fd_promo RENAME COLUMN price TO promo_price", "INSERT INTO fd_p VALUES (3, 1)");
      StreamTableException e = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "fd_cheap"));
      // the rename, not what the query now compiles to (FULL, FR005: "price" reads the outer fd_p.price)
      assertTrue(e.getMessage().contains("its source column \"public\".\"fd_promo\".\"price\" was renamed to "
          + "\"promo_price\""), e.getMessage());
      assertFalse(e.getMessage().contains("FR005"), e.getMessage());
      assertEquals(Optional.of("give it the new name (this recreates it); edit the query in this command (its query "
          + "as stored), then run it: freshet alter '\"public\".\"fd_cheap\"' --query 'SELECT id FROM fd_p WHERE id IN "
          + "(SELECT pid FROM fd_promo WHERE price < 15)'"), e.hint());
      assertEquals(List.of("2"), rows(c, "SELECT id::text FROM fd_cheap"), "nothing applied");
    }
  }
}
