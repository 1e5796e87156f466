package dev.freshet.tests.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tpch.RefreshResult;
import dev.freshet.tpch.TpchRefresh;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RF1 and RF2 split into several transactions write the same rows as the one-transaction call of the same seed
 * on the same data ({@code bench --total} compares the two shapes on that promise), and
 * {@link TpchRefresh#nextRf2Keys} names the orders RF2 then deletes.
 */
@PostgresTest(tpch = 0.01)
class TpchRefreshSplitTest {

  private static final long SEED = 7;
  private static final int BATCH = 23;

  @Test
  void rf1InSeveralTransactionsInsertsTheSameRows(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      long max = scalar(c, "SELECT max(o_orderkey) FROM orders");
      RefreshResult one = new TpchRefresh("public", SEED, BATCH).rf1(c);
      List<String> inOne = rows(c, max);
      execute(c, "DELETE FROM lineitem WHERE l_orderkey > " + max);
      execute(c, "DELETE FROM orders WHERE o_orderkey > " + max);
      RefreshResult five = new TpchRefresh("public", SEED, BATCH).rf1(c, 5);
      // five transactions: the new rows carry five inserting transaction ids
      assertEquals(5, scalar(c, "SELECT count(DISTINCT xmin::text) FROM orders WHERE o_orderkey > " + max));
      assertEquals(5, scalar(c, "SELECT count(DISTINCT xmin::text) FROM lineitem WHERE l_orderkey > " + max));
      assertEquals(inOne, rows(c, max));
      assertEquals(one.statements(), five.statements());
      assertEquals(BATCH, one.rows("orders"));
    }
  }

  @Test
  void rf2InSeveralTransactionsDeletesTheOrdersNamedBeforehand(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      long orders = scalar(c, "SELECT count(*) FROM orders");
      TpchRefresh refresh = new TpchRefresh("public", SEED, BATCH);
      List<Long> keys = refresh.nextRf2Keys(c);
      assertEquals(keys, refresh.nextRf2Keys(c)); // naming them is not a call
      long present = scalar(c, "SELECT count(*) FROM orders WHERE o_orderkey IN (" + join(keys) + ")");
      assertEquals(keys.size(), present);
      RefreshResult result = refresh.rf2(c, 4);
      assertEquals(keys.size(), result.rows("orders"));
      assertEquals(0, scalar(c, "SELECT count(*) FROM orders WHERE o_orderkey IN (" + join(keys) + ")"));
      assertEquals(0, scalar(c, "SELECT count(*) FROM lineitem WHERE l_orderkey IN (" + join(keys) + ")"));
      assertEquals(orders - keys.size(), scalar(c, "SELECT count(*) FROM orders"));
    }
  }

  private static String join(List<Long> keys) {
    return String.join(", ", keys.stream().map(String::valueOf).toList());
  }

  /** The new orders and their line items, as text, in key order. */
  private static List<String> rows(Connection c, long above) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT o::text FROM orders o WHERE o_orderkey > " + above + " ORDER BY o_orderkey")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT l::text FROM lineitem l WHERE l_orderkey > " + above + " ORDER BY l_orderkey, l_linenumber")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
