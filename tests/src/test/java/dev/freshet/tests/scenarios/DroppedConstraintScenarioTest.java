package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A constraint the plan relied on, dropped after the stream table was compiled (found by a red-team session on
 * PostgreSQL 15, each a wrong result before catalog V45): a NOT NULL column (a filter on {@code price IS NULL} was
 * folded away, so the stream table read no table at all and said "no changes" for ever; {@code coalesce(price, 0)}
 * kept NULL), a primary key replaced by a wider one (a semi-join on it went on as if each key matched once, and the
 * stream table kept a row twice), a unique index dropped. The refresh of a DIFFERENTIAL stream table is now refused,
 * from the command line and from SQL, naming what was dropped and the fix, {@code freshet alter NAME --mode MODE},
 * which creates it again from its query; constraints added, and FULL stream tables, refuse nothing.
 */
@PostgresTest
class DroppedConstraintScenarioTest {

  private static final String ITEMS = "\"dc \"\"Ïtems\"\"\"";

  @Test
  void aDroppedNotNullRefusesTheRefreshUntilTheStreamTableIsCreatedAgain(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE " + ITEMS + " (id int PRIMARY KEY, price int NOT NULL, note text, spare int NOT NULL)",
          "INSERT INTO " + ITEMS + " VALUES (1, 10, 'a', 0)");
      create(c, "dc_unpriced", "SELECT id FROM " + ITEMS + " WHERE price IS NULL", Mode.DIFFERENTIAL);
      create(c, "dc_prices", "SELECT id, coalesce(price, 0) AS p FROM " + ITEMS, Mode.DIFFERENTIAL);
      create(c, "dc_full", "SELECT count(price) AS n FROM " + ITEMS, Mode.FULL);

      // a constraint added changes nothing, nor NOT NULL dropped from a column no query reads
      exec(c, "ALTER TABLE " + ITEMS + " ALTER COLUMN note SET NOT NULL", "ALTER TABLE " + ITEMS + " ALTER COLUMN spare "
          + "DROP NOT NULL", "INSERT INTO " + ITEMS + " VALUES (2, 20, 'b', NULL)");
      Oracle.refreshAndCheck(c, "dc_prices", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "dc_unpriced", Mode.DIFFERENTIAL);

      exec(c, "ALTER TABLE " + ITEMS + " ALTER COLUMN price DROP NOT NULL", "INSERT INTO " + ITEMS + " VALUES (3, NULL, 'c', 3)");
      String why = "column \"price\" of \"public\"." + ITEMS + " is no longer NOT NULL (ALTER TABLE ... DROP NOT NULL)";
      for (String name : List.of("dc_unpriced", "dc_prices")) {
        SQLException refused = assertThrows(SQLException.class, () -> StreamTables.refresh(c, name));
        assertEquals("FS012", refused.getSQLState(), refused.getMessage());
        assertTrue(refused.getMessage().contains("stream table \"public\".\"" + name + "\" must be created again from "
            + "its query: " + why), refused.getMessage());
        assertTrue(refused.getMessage().contains("freshet alter '\"public\".\"" + name + "\"' --mode DIFFERENTIAL"),
            refused.getMessage());
        SQLException fromSql = assertThrows(SQLException.class, () -> exec(c, "CALL freshet.refresh('" + name + "')"));
        assertEquals("FS012", fromSql.getSQLState(), fromSql.getMessage());
      }
      assertEquals(List.of(), rows(c, "SELECT id FROM dc_unpriced"), "nothing applied");
      // what status says of the next refresh
      assertEquals(Optional.of(why), StreamTables.constraintGone(c, StreamTables.list(c).stream()
          .filter(st -> st.name().name().equals("dc_unpriced")).findFirst().orElseThrow()));
      // a FULL stream table recomputes its query as written: not refused
      Oracle.refreshAndCheck(c, "dc_full", Mode.FULL);

      for (String name : List.of("dc_unpriced", "dc_prices")) {
        StreamTables.alter(c, name, Optional.of(Mode.DIFFERENTIAL), Optional.empty(), Optional.empty());
        Oracle.assertFresh(c, name);
      }
      assertEquals(List.of("3"), rows(c, "SELECT id FROM dc_unpriced"));
      exec(c, "INSERT INTO " + ITEMS + " VALUES (4, NULL, 'd', 4)", "UPDATE " + ITEMS + " SET price = NULL WHERE id = 1");
      Oracle.refreshAndCheck(c, "dc_unpriced", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "dc_prices", Mode.DIFFERENTIAL);
      assertEquals(List.of("1", "3", "4"), rows(c, "SELECT id FROM dc_unpriced ORDER BY id"));

      for (String name : List.of("dc_unpriced", "dc_prices", "dc_full")) {
        StreamTables.drop(c, name, false);
      }
    }
  }

  /** A primary key replaced by a wider one, a unique index dropped: semi-joins on them are refused until created again. */
  @Test
  void aDroppedKeyOrUniqueIndexRefusesTheRefreshUntilTheStreamTableIsCreatedAgain(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE dc_customers (id int PRIMARY KEY, region text)",
          "CREATE TABLE dc_accounts (code int NOT NULL, owner text)",
          "CREATE UNIQUE INDEX dc_accounts_code ON dc_accounts (code)",
          "CREATE TABLE dc_orders (id int PRIMARY KEY, cid int)",
          "INSERT INTO dc_customers VALUES (1, 'eu')", "INSERT INTO dc_accounts VALUES (1, 'x')",
          "INSERT INTO dc_orders VALUES (10, 1)");
      create(c, "dc_sj", "SELECT o.id FROM dc_orders o WHERE o.cid IN (SELECT id FROM dc_customers)", Mode.DIFFERENTIAL);
      create(c, "dc_ex", "SELECT o.id FROM dc_orders o WHERE EXISTS (SELECT 1 FROM dc_accounts a WHERE a.code = o.cid)",
          Mode.DIFFERENTIAL);

      exec(c, "ALTER TABLE dc_customers DROP CONSTRAINT dc_customers_pkey, ADD PRIMARY KEY (id, region)",
          "INSERT INTO dc_customers VALUES (1, 'us')", "DROP INDEX dc_accounts_code",
          "INSERT INTO dc_accounts VALUES (1, 'y')");
      SQLException refused = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "dc_sj"));
      assertEquals("FS012", refused.getSQLState(), refused.getMessage());
      assertTrue(refused.getMessage().contains("a unique index or key of \"public\".\"dc_customers\" was dropped"),
          refused.getMessage());
      refused = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "dc_ex"));
      assertTrue(refused.getMessage().contains("a unique index or key of \"public\".\"dc_accounts\" was dropped"),
          refused.getMessage());
      assertEquals(List.of("10"), rows(c, "SELECT id FROM dc_sj"), "nothing applied");
      // verify says so too, where it compiled another plan and failed on a state table the stream table lacks
      SQLException unverified = assertThrows(SQLException.class,
          () -> dev.freshet.runtime.streamtable.StreamTableVerifier.verify(c, "dc_sj"));
      assertEquals("FS012", unverified.getSQLState(), unverified.getMessage());
      assertTrue(unverified.getMessage().startsWith("stream table \"public\".\"dc_sj\" cannot be verified: a unique "
          + "index or key of \"public\".\"dc_customers\" was dropped"), unverified.getMessage());

      for (String name : List.of("dc_sj", "dc_ex")) {
        StreamTables.alter(c, name, Optional.of(Mode.DIFFERENTIAL), Optional.empty(), Optional.empty());
        Oracle.assertFresh(c, name);
        exec(c, "INSERT INTO dc_orders VALUES (" + (name.equals("dc_sj") ? 11 : 12) + ", 1)");
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("10", "11", "12"), rows(c, "SELECT id FROM dc_ex ORDER BY id"));

      StreamTables.drop(c, "dc_sj", false);
      StreamTables.drop(c, "dc_ex", false);
    }
  }
}
