package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A joined source's change table is written in the order of its key (the first primary key column a join reads),
 * whatever order the changes were made in, so that a delta term's lookups from it outward meet the index and the
 * table in order ({@code ChangeTablePrinter.keyOrder}). Checked for a window of one kind of change (written as it is)
 * and one of both (consolidated), by the order the rows lie in the change table, and by the oracle after each refresh.
 */
@PostgresTest
class ChangeTableKeyOrderScenarioTest {

  @Test
  void changesMadeInDescendingKeyOrderAreReadInKeyOrder(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE \"ko Order\" (\"order Key\" bigint PRIMARY KEY, region text NOT NULL)",
          "CREATE TABLE ko_line (\"order Key\" bigint, line int, qty int NOT NULL, PRIMARY KEY (\"order Key\", line))",
          "INSERT INTO \"ko Order\" SELECT g, 'r' || (g % 4) FROM generate_series(1, 1000) g",
          "INSERT INTO ko_line SELECT o, l, o % 7 + l FROM generate_series(1, 1000) o, generate_series(1, 3) l");
      long id = create(c, "ko_totals", "SELECT o.region, sum(l.qty) AS qty, count(*) AS n FROM ko_line l "
          + "JOIN \"ko Order\" o ON o.\"order Key\" = l.\"order Key\" GROUP BY o.region", Mode.DIFFERENTIAL).id();
      // no session form: it is for windows of a few rows, whose order does not matter
      exec(c, "SET freshet.small_window_rows = 0");

      // inserts only, newest key first, one statement each
      List<String> inserts = new ArrayList<>();
      for (int o = 1400; o > 1000; o--) {
        inserts.add("INSERT INTO ko_line VALUES (" + o + ", 1, " + (o % 5) + ")");
      }
      exec(c, inserts.toArray(String[]::new));
      assertEquals(ascending(1001, 1400), changeTableKeys(c, id, "Δpublic.ko_line"));
      Oracle.refreshAndCheck(c, "ko_totals", Mode.DIFFERENTIAL);

      // both kinds, in descending key order: deletes and updates of lines, orders moved between regions
      List<String> mixed = new ArrayList<>();
      for (int o = 900; o > 500; o--) {
        mixed.add(o % 2 == 0 ? "DELETE FROM ko_line WHERE \"order Key\" = " + o + " AND line = 2"
            : "UPDATE ko_line SET qty = qty + 1 WHERE \"order Key\" = " + o + " AND line = 3");
        if (o % 3 == 0) {
          mixed.add("UPDATE \"ko Order\" SET region = 'r9' WHERE \"order Key\" = " + o);
        }
      }
      exec(c, mixed.toArray(String[]::new));
      List<Long> lines = changeTableKeys(c, id, "Δpublic.ko_line");
      assertEquals(lines.stream().sorted().toList(), lines, "consolidated, in key order");
      assertEquals(600, lines.size(), "200 deleted lines, 200 updated ones (old and new)");
      List<Long> orders = changeTableKeys(c, id, "Δpublic.ko Order");
      assertEquals(orders.stream().sorted().toList(), orders);
      assertEquals(268, orders.size(), "134 orders moved (old and new)");
      Oracle.refreshAndCheck(c, "ko_totals", Mode.DIFFERENTIAL);
      exec(c, "RESET freshet.small_window_rows");
    }
  }

  /**
   * The first column of change table {@code table}'s rows in the order they lie in it, as stream table {@code id}'s
   * refresh wrote it (rolled back: the refresh is done by the caller).
   */
  private static List<Long> changeTableKeys(Connection c, long id, String table) throws Exception {
    c.setAutoCommit(false);
    try {
      exec(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      rows(c, "SELECT mode_used FROM freshet.refresh_window(" + id + ", true)");
      return rows(c, "SELECT \"order Key\" FROM pg_temp.\"" + table + "\" ORDER BY ctid").stream()
          .map(Long::valueOf).toList();
    } finally {
      c.rollback();
      c.setAutoCommit(true);
    }
  }

  private static List<Long> ascending(long from, long to) {
    List<Long> keys = new ArrayList<>();
    for (long k = from; k <= to; k++) {
      keys.add(k);
    }
    return keys;
  }
}
