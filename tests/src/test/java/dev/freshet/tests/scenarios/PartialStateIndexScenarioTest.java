package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A state table every read of which keeps only the rows meeting a condition (TPC-H Q18's orders whose quantities
 * sum above 300) is indexed for those rows only: {@code CREATE INDEX … WHERE <condition>}, the condition printed as
 * the delta terms print it, so that PostgreSQL proves their lookups may use the index. Asserted: the index and its
 * predicate, a lookup written as the delta terms write it planned through that index, and the stream table exact
 * after every refresh while orders cross the threshold both ways, are added above it, lose their line items and
 * change customers. The second query names the summed column with quotes, a space and a non-ASCII letter.
 */
@PostgresTest
class PartialStateIndexScenarioTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "sum|SELECT c.name, o.ok, sum(li.qty) AS total FROM c, o, li WHERE o.ok IN (SELECT ok FROM li GROUP BY ok "
          + "HAVING sum(qty) > 30) AND c.ck = o.ck AND o.ok = li.ok GROUP BY c.name, o.ok",
      "Tot \"q\" é|SELECT c.name, o.ok, li.qty FROM c JOIN o ON c.ck = o.ck JOIN li ON li.ok = o.ok WHERE o.ok IN "
          + "(SELECT ok FROM (SELECT ok, sum(qty) AS \"Tot \"\"q\"\" é\" FROM li GROUP BY ok) s "
          + "WHERE \"Tot \"\"q\"\" é\" > 30)"})
  void indexesOnlyTheRowsEveryReadKeeps(String column, String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS c, o, li",
          "CREATE TABLE c (ck int PRIMARY KEY, name text)",
          "CREATE TABLE o (ok int PRIMARY KEY, ck int)",
          "CREATE TABLE li (ok int, ln int, qty numeric, PRIMARY KEY (ok, ln))",
          "INSERT INTO c SELECT i, 'c' || i FROM generate_series(1, 20) i",
          "INSERT INTO o SELECT i, i % 20 + 1 FROM generate_series(1, 200) i",
          // order i has i % 7 + 1 line items of quantity i % 9 + 1: the sum is above 30 for a few of them
          "INSERT INTO li SELECT i, n, i % 9 + 1 FROM generate_series(1, 200) i, generate_series(1, 7) n "
              + "WHERE n <= i % 7 + 1");
      StreamTables.create(c, "st", sql, Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "st");

      String state = text(c, "SELECT format('%I.%I', 'freshet_state', 'st_' || id || '_0') FROM freshet.stream_tables "
          + "WHERE table_name = 'st'");
      List<String> indexes = rows(c, "SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = "
          + "'freshet_state' AND format('%I.%I', schemaname, tablename) = '" + state + "' AND indexdef LIKE '% WHERE %'");
      String quoted = "\"" + column.replace("\"", "\"\"") + "\"";
      assertEquals(1, indexes.size(), "one partial index on " + state + ": " + indexes);
      String asPrinted = text(c, "SELECT quote_ident('" + column.replace("'", "''") + "')"); // pg_get_indexdef's form
      assertTrue(indexes.getFirst().contains("(ok) WHERE (" + asPrinted + " > "), indexes.getFirst());
      String index = indexes.getFirst().substring(0, indexes.getFirst().indexOf(':'));

      // a lookup as the delta terms print it (the state table's visible columns in a sub-query, the condition above)
      exec(c, "SET enable_seqscan = off");
      String plan = String.join("\n", rows(c, "EXPLAIN SELECT * FROM o JOIN (SELECT * FROM (SELECT \"ok\", " + quoted
          + " FROM " + state + ") AS s WHERE " + quoted + " > CAST(30 AS numeric)) AS s ON o.ok = s.ok WHERE o.ok = 62"));
      exec(c, "RESET enable_seqscan");
      assertTrue(plan.contains(index), plan);

      // orders cross the threshold upwards and downwards; a new order above it
      exec(c, "UPDATE li SET qty = qty + 20 WHERE ok IN (3, 10) AND ln = 1",
          "UPDATE li SET qty = 1 WHERE ok IN (SELECT ok FROM li GROUP BY ok HAVING sum(qty) > 30 LIMIT 2)",
          "INSERT INTO o VALUES (201, 5)", "INSERT INTO li VALUES (201, 1, 40), (201, 2, 1)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      // an order above it loses its line items; another changes its customer; a customer is renamed
      exec(c, "DELETE FROM li WHERE ok = 201 AND ln = 1", "UPDATE o SET ck = 7 WHERE ok = 10",
          "UPDATE c SET name = 'renamed' WHERE ck = (SELECT ck FROM o WHERE ok = 3)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      // line items move between orders in one transaction: one order crosses upwards as the other crosses down
      inOneTransaction(c, "INSERT INTO o VALUES (202, 9)", "UPDATE li SET ok = 202 WHERE ok = 10",
          "INSERT INTO li VALUES (10, 1, 31)",
          "DELETE FROM o WHERE ok = 201");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      exec(c, "UPDATE li SET qty = 50");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      exec(c, "UPDATE li SET qty = 1");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertEquals(1, StreamTables.drop(c, "st", false).size());
    }
  }
}
