package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whether a filtered lookup of a change table is done once for the terms that share it ({@code SharedDeltaLookups})
 * follows the tables' sizes relative to the statement's largest, as PostgreSQL's statistics give them, so that a
 * query is planned alike at every scale: at TPC-H SF-10's sizes (2 million parts, 15 million orders, 60 million line
 * items) the parts of one type are looked up once, as at SF-1's, and the orders of a date range are not, as at SF-1
 * (a quarter of the line items' rows). The sizes are PostgreSQL's estimates, set here in {@code pg_class} before the
 * stream table is created; the rows are few, and the oracle checks every refresh.
 */
@PostgresTest
class SharedLookupScaleScenarioTest {

  @Test
  void aSmallFilteredTableIsSharedAtEveryScaleALargeOneAtNone(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE sl_part (p_partkey int PRIMARY KEY, p_type text NOT NULL)",
          "CREATE TABLE sl_orders (o_orderkey int PRIMARY KEY, o_date date NOT NULL)",
          "CREATE TABLE sl_line (l_orderkey int, l_linenumber int, l_partkey int NOT NULL, l_qty int NOT NULL, "
              + "PRIMARY KEY (l_orderkey, l_linenumber))",
          "INSERT INTO sl_part SELECT g, CASE WHEN g % 3 = 0 THEN 'STEEL' ELSE 'TIN' END FROM generate_series(1, 60) g",
          "INSERT INTO sl_orders SELECT g, date '2024-01-01' + g FROM generate_series(1, 40) g",
          "INSERT INTO sl_line SELECT o, n, 1 + (o * n) % 60, n FROM generate_series(1, 40) o, generate_series(1, 4) n",
          "ANALYZE sl_part, sl_orders, sl_line",
          // PostgreSQL's estimates at SF-10's sizes
          "UPDATE pg_catalog.pg_class SET reltuples = 2000000 WHERE oid = 'sl_part'::regclass",
          "UPDATE pg_catalog.pg_class SET reltuples = 15000000 WHERE oid = 'sl_orders'::regclass",
          "UPDATE pg_catalog.pg_class SET reltuples = 60000000 WHERE oid = 'sl_line'::regclass");
      long id = create(c, "sl_totals", """
          SELECT p.p_type, o.o_date, sum(l.l_qty) AS qty, count(*) AS n
          FROM sl_line l
          JOIN sl_part p ON p.p_partkey = l.l_partkey
          JOIN sl_orders o ON o.o_orderkey = l.l_orderkey
          WHERE p.p_type = 'STEEL' AND o.o_date >= date '2024-01-10'
          GROUP BY p.p_type, o.o_date""", Mode.DIFFERENTIAL).id();

      // the program for line items and orders changed together: both terms of the changed line items look up
      // their parts and their orders (once with the orders' new rows, once with their changes)
      String program = String.join("\n", rows(c, "SELECT s FROM freshet.refresh_programs p, unnest(p.step_sql) s "
          + "WHERE p.stream_table_id = " + id + " AND p.changed_mask = (SELECT sum(1::bigint << ordinal) "
          + "FROM freshet.refresh_sources WHERE stream_table_id = " + id
          + " AND source_relid IN ('sl_line'::regclass, 'sl_orders'::regclass))"));
      assertTrue(program.contains("\"Δsl_line ⋈ sl_part\""), "a thirtieth of the largest: shared\n" + program);
      assertTrue(program.contains("AS MATERIALIZED"), program);
      assertFalse(program.contains("\"Δsl_line ⋈ sl_orders\""), "a quarter of the largest: not shared\n" + program);

      exec(c, "INSERT INTO sl_line SELECT 41, n, n * 3, n FROM generate_series(1, 3) n",
          "INSERT INTO sl_orders VALUES (41, date '2024-03-01')",
          "UPDATE sl_line SET l_partkey = 9 WHERE l_orderkey = 12 AND l_linenumber = 2",
          "UPDATE sl_orders SET o_date = date '2024-01-02' WHERE o_orderkey IN (15, 16)",
          "DELETE FROM sl_line WHERE l_orderkey = 20");
      Oracle.refreshAndCheck(c, "sl_totals", Mode.DIFFERENTIAL);
      assertEquals(List.of("DIFFERENTIAL"), rows(c, "SELECT mode_used FROM freshet.refresh_history "
          + "WHERE stream_table_id = " + id + " ORDER BY id DESC LIMIT 1"));
    }
  }
}
