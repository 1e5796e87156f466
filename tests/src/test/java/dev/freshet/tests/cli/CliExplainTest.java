package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code freshet explain}: plans, shapes and the delta plan and SQL per changed set, with pruned terms. */
@PostgresTest
class CliExplainTest {

  @BeforeAll
  static void tables(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE customers (id int PRIMARY KEY, region text NOT NULL)",
        "CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, amount int NOT NULL)",
        "INSERT INTO customers VALUES (1, 'north'), (2, 'south')",
        "INSERT INTO orders VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5)");
  }

  @Test
  void bagJoinShowsEachChangedSetWithPrunedTerms(TestDatabase db) {
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "order_regions", "--query",
        "SELECT o.id, c.region, o.amount FROM orders o JOIN customers c ON c.id = o.customer_id").exitCode());
    CliRun run = CliRun.run(url, "explain", "order_regions");
    assertEquals(0, run.exitCode(), run.transcript());
    String out = run.out();
    assertTrue(out.startsWith("stream table \"public\".\"order_regions\": DIFFERENTIAL\n"), run.transcript());
    assertTrue(out.contains("-- Logical plan\n"), run.transcript());
    assertTrue(out.contains("Join(condition=["), run.transcript());
    // no Calcite internals (LogicalJoin, EXPR$0, $f1, $0) in the plans, as in freshet plan (CliPlanTest)
    assertFalse(java.util.regex.Pattern.compile("Logical[A-Z]|EXPR\\$|\\$f|\\$\\d").matcher(out).find(),
        run.transcript());
    assertTrue(out.contains("-- Maintenance: DIFFERENTIAL, bag\n"), run.transcript());
    assertTrue(out.contains("-- Changed: \"public\".\"customers\"\n-- Pruned: the terms of \"public\".\"orders\" "),
        run.transcript());
    assertTrue(out.contains("-- Changed: \"public\".\"orders\"\n-- Pruned: the terms of \"public\".\"customers\" "),
        run.transcript());
    assertTrue(out.contains("-- Changed: \"public\".\"customers\", \"public\".\"orders\"\n-- Pruned: nothing"), run.transcript());
    assertEquals(3, count(out, "-- Delta plan"), run.transcript());
    assertEquals(3, count(out, "-- Delta SQL\nSELECT"), run.transcript());
    assertTrue(out.contains("__w"), run.transcript());

    CliRun one = CliRun.run(url, "explain", "order_regions", "--changed", "ORDERS");
    assertEquals(0, one.exitCode(), one.transcript());
    assertEquals(1, count(one.out(), "-- Changed: "), one.transcript());
    assertTrue(one.out().contains("-- Changed: \"public\".\"orders\"\n"), one.transcript());

    CliRun two = CliRun.run(url, "explain", "order_regions", "--changed", "public.customers,orders",
        "--changed", "customers");
    assertEquals(0, two.exitCode(), two.transcript());
    assertEquals(2, count(two.out(), "-- Changed: "), two.transcript());

    CliRun unknown = CliRun.run(url, "explain", "order_regions", "--changed", "lineitem");
    assertNotEquals(0, unknown.exitCode(), unknown.transcript());
    assertTrue(unknown.err().contains("lineitem is not a source of this stream table; its sources are "
        + "\"public\".\"customers\", \"public\".\"orders\""), unknown.transcript());
  }

  @Test
  void groupedShowsAggregateClasses(TestDatabase db) {
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "region_stats", "--query",
        "SELECT c.region, sum(o.amount) AS total, max(o.amount) AS biggest, count(*) AS n "
            + "FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.region").exitCode());
    CliRun run = CliRun.run(url, "explain", "region_stats", "--changed", "orders");
    assertEquals(0, run.exitCode(), run.transcript());
    String out = run.out();
    assertTrue(out.contains("-- Maintenance: DIFFERENTIAL, grouped\nOne stored row per group of (region)"),
        run.transcript());
    assertTrue(out.contains("  total = sum(amount): ALGEBRAIC"), run.transcript());
    assertTrue(out.contains("  biggest = max(amount): EXTREMUM"), run.transcript());
    assertTrue(out.contains("  n = count(*): ALGEBRAIC"), run.transcript());
    assertTrue(out.contains("-- Delta plan (of the aggregate's input"), run.transcript());

    // unnamed expressions are shown under the stream table's column names (PostgreSQL's), never Calcite's
    assertEquals(0, CliRun.run(url, "create", "unnamed_stats", "--query", "SELECT customer_id, sum(amount) + 1, "
        + "count(*), amount IS NULL AS nul, coalesce(amount, 0) FROM orders GROUP BY customer_id, amount IS NULL, "
        + "coalesce(amount, 0)").exitCode());
    CliRun unnamed = CliRun.run(url, "explain", "unnamed_stats", "--changed", "orders");
    String shape = unnamed.out().substring(unnamed.out().indexOf("-- Maintenance"), unnamed.out().indexOf("Row identity"));
    assertTrue(shape.contains("One stored row per group of (customer_id, nul, \"coalesce\")"), unnamed.transcript());
    assertTrue(shape.contains("\n  sum(amount): ALGEBRAIC") && shape.contains("\n  count = count(*): ALGEBRAIC"),
        unnamed.transcript());
    assertTrue(!shape.contains("EXPR$") && !shape.contains("$f"), shape);
  }

  /**
   * A state table of rows without aggregates says so, and what it is for when a join compares its rows by range with
   * a value that changes (the orders above the average, kept with an index on the amount: plan revision 2); each
   * state table names its indexes, as create made them.
   */
  @Test
  void storedComparedRowsAreNamedWithTheirIndexes(TestDatabase db) throws Exception {
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "above_average", "--query",
        "SELECT o.id, o.amount FROM orders o WHERE o.amount > (SELECT avg(amount) FROM orders)").exitCode());
    CliRun run = CliRun.run(url, "explain", "above_average");
    assertEquals(0, run.exitCode(), run.transcript());
    String out = run.out();
    assertTrue(out.contains("   One stored row per distinct row of (id, amount), with its number of copies in a hidden "
        + "column.\n   Rows a join compares by range (amount) with a value that changes: when it changes, the rows "
        + "between its old and new value are read from here through an index, not from the sources.\n   Indexed on: "
        + "amount, and the hash of each row's group.\n"), run.transcript());
    assertTrue(out.contains("   One stored row (an aggregate without GROUP BY).\n"), run.transcript());
    assertFalse(out.contains("(id, amount), with the aggregate state"), run.transcript());
    var stored = java.util.regex.Pattern.compile("-- State table \"freshet_state\"\\.\"([^\"]+)\": stored state of\n"
        + "Aggregate\\(group=\\[id, amount\\]\\)").matcher(out);
    assertTrue(stored.find(), run.transcript());
    String table = stored.group(1);
    assertEquals(1L, ((Number) db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'freshet_state' "
        + "AND tablename = '" + table + "' AND indexdef LIKE '%(amount)'")).longValue(), run.transcript());
  }

  /**
   * Whether a small window runs the session forms of the programs (catalog V37) is read from what is installed:
   * created now, it has them; without one program's, it has none, and explain says every window runs as printed.
   */
  @Test
  void sessionFormsAreNamedAsInstalled(TestDatabase db) throws Exception {
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "region_amounts", "--query",
        "SELECT c.region, sum(o.amount) AS total FROM orders o JOIN customers c ON c.id = o.customer_id "
            + "GROUP BY c.region").exitCode());
    CliRun with = CliRun.run(url, "explain", "region_amounts");
    assertEquals(0, with.exitCode(), with.transcript());
    assertTrue(with.out().contains("\nSmall windows: a window of at most freshet.small_window_rows changes (100 unless "
        + "set) runs the session form of the programs below: "), with.transcript());
    db.execute("UPDATE freshet.refresh_programs SET session_step_sql = NULL WHERE changed_mask <> 0 AND "
        + "stream_table_id = (SELECT id FROM freshet.stream_tables WHERE table_name = 'region_amounts') "
        + "AND changed_mask = (SELECT min(changed_mask) FROM freshet.refresh_programs p WHERE p.changed_mask <> 0 "
        + "AND p.stream_table_id = refresh_programs.stream_table_id)");
    CliRun without = CliRun.run(url, "explain", "region_amounts");
    assertEquals(0, without.exitCode(), without.transcript());
    assertTrue(without.out().contains("\nSmall windows: no session forms installed ("), without.transcript());
    assertTrue(without.out().contains("every window runs the programs as printed.\n"), without.transcript());
  }

  @Test
  void fullTableHasNoDeltaPlans(TestDatabase db) {
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "top_orders", "--query",
        "SELECT id, amount, rank() OVER (ORDER BY amount DESC) AS r FROM orders").exitCode());
    CliRun run = CliRun.run(url, "explain", "top_orders");
    assertEquals(0, run.exitCode(), run.transcript());
    assertTrue(run.out().startsWith("stream table \"public\".\"top_orders\": FULL\n  fallback: FR003 "),
        run.transcript());
    assertTrue(run.out().contains("-- Maintenance: FULL refresh"), run.transcript());
    assertFalse(run.out().contains("-- Delta plan"), run.transcript());
  }

  @Test
  void refreshProgramRunsStateTablesBottomUpThenTheStreamTable(TestDatabase db) {
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "big_customer_regions", "--query",
        "SELECT c.region, count(*) AS customers FROM (SELECT customer_id, sum(amount) AS total FROM orders "
            + "GROUP BY customer_id HAVING sum(amount) > 5) t JOIN customers c ON c.id = t.customer_id "
            + "GROUP BY c.region").exitCode());
    CliRun run = CliRun.run(url, "explain", "big_customer_regions", "--program", "--changed", "orders",
        "--changed", "customers");
    assertEquals(0, run.exitCode(), run.transcript());
    String out = run.out();
    assertTrue(out.contains("Row identity: one row per group, by __freshet_k0."), run.transcript());
    String[] sets = out.split("-- Changed: ");
    assertEquals(3, sets.length, run.transcript());
    String orders = sets[1];
    String customers = sets[2];
    assertTrue(orders.startsWith("\"public\".\"orders\"\n"), run.transcript());
    assertTrue(orders.contains("-- Refresh program for these changes"), run.transcript());
    // the state table's MERGE and its change table come before the stream table's MERGE
    int stateMerge = orders.indexOf("MERGE INTO \"freshet_state\".\"st_");
    int analyze = orders.indexOf("ANALYZE \"pg_temp\".\"Δfreshet_state.st_"); // its change table
    int topMerge = orders.indexOf("MERGE INTO \"public\".\"big_customer_regions\"");
    assertTrue(stateMerge > 0 && analyze > stateMerge && topMerge > analyze, run.transcript());
    assertEquals(1, count(orders, "-- rows inserted, updated, deleted, delta rows"), run.transcript());
    // customers feed no state table: the program is the stream table's alone
    assertTrue(customers.startsWith("\"public\".\"customers\"\n"), run.transcript());
    assertFalse(customers.contains("MERGE INTO \"freshet_state\""), run.transcript());
    assertEquals(1, count(customers, "MERGE INTO"), run.transcript());

    CliRun bag = CliRun.run(url, "explain", "order_regions_program", "--program");
    assertNotEquals(0, bag.exitCode(), bag.transcript());
    assertEquals(0, CliRun.run(url, "create", "order_regions_program", "--query",
        "SELECT o.id, c.region FROM orders o JOIN customers c ON c.id = o.customer_id").exitCode());
    bag = CliRun.run(url, "explain", "order_regions_program", "--program", "--changed", "orders");
    assertEquals(0, bag.exitCode(), bag.transcript());
    assertTrue(bag.out().contains("Row identity: a multiset: all columns, and an ordinal among equal rows"),
        bag.transcript());
    assertTrue(bag.out().contains("-- must be 0: refresh of \"public\".\"order_regions_program\" would delete "
        + "rows that are not there"), bag.transcript());
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }
}
