package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's boolean operators on inet and cidr ({@code << <<= >> >>= &&}), arrays ({@code @> <@ &&}) and
 * ranges and multiranges ({@code @> <@ && << >> &< &> -|-}, a range beside its element) are maintained
 * DIFFERENTIAL: in WHERE, in the select list, as the only condition of a join (a theta join, no equality), and
 * under an aggregate (an outer join on one alone is FR003, as on any condition other than equalities). PostgreSQL evaluates each (the delta SQL prints the operator back); the oracle
 * checks every query after every refresh, through inserts, updates of either side of a join, deletes, NULLs, empty
 * arrays, arrays holding NULL and empty or unbounded ranges.
 */
@PostgresTest
class InfixOperatorScenarioTest {

  @Test
  void inetAndCidrOperatorsAreMaintained(TestDatabase db) throws Exception {
    List<String> queries = List.of(
        "SELECT id, addr FROM io_hosts WHERE addr << '10.0.0.0/8'",
        "SELECT id, addr <<= '192.168.0.0/16' AS lan, addr && '10.1.0.0/16'::cidr AS ov, "
            + "'10.0.0.0/8'::cidr >> addr AS ten FROM io_hosts",
        "SELECT h.id, n.id AS nid, n.label FROM io_hosts h JOIN io_nets n ON n.net >>= h.addr",
        "SELECT n.id, h.id AS hid FROM io_nets n, io_hosts h WHERE h.addr << n.net AND n.label <> 'none'",
        "SELECT n.label, count(*) AS c FROM io_nets n JOIN io_hosts h ON n.net && h.addr GROUP BY n.label",
        "SELECT id FROM io_hosts WHERE NOT addr <<= '10.1.0.0/16' AND addr >>= '0.0.0.0/0'");
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE io_hosts (id int PRIMARY KEY, addr inet)",
          "CREATE TABLE io_nets (id int PRIMARY KEY, net cidr, label text)");
      run(c, "io", queries,
          List.of("INSERT INTO io_hosts VALUES (1, '10.1.2.3'), (2, '192.168.1.7'), (3, NULL), (4, '10.0.0.0/8'), "
                  + "(5, '::1'), (6, '10.1.0.0/16')",
              "INSERT INTO io_nets VALUES (1, '10.0.0.0/8', 'ten'), (2, '10.1.0.0/16', 'ten-one'), (3, NULL, 'none'), "
                  + "(4, '192.168.0.0/16', 'lan'), (5, '::/0', 'v6')"),
          List.of("UPDATE io_hosts SET addr = '10.200.0.1' WHERE id = 2", "UPDATE io_hosts SET addr = NULL WHERE id = 1",
              "UPDATE io_nets SET net = '10.1.2.0/24' WHERE id = 4", "INSERT INTO io_hosts VALUES (7, '10.1.2.200')"),
          List.of("DELETE FROM io_nets WHERE id = 1", "UPDATE io_hosts SET addr = '192.168.9.9' WHERE id = 3",
              "UPDATE io_nets SET net = '10.0.0.0/8', label = 'ten again' WHERE id = 3",
              "DELETE FROM io_hosts WHERE id = 6"),
          List.of("DELETE FROM io_hosts", "DELETE FROM io_nets"));
    }
  }

  @Test
  void arrayOperatorsAreMaintained(TestDatabase db) throws Exception {
    List<String> queries = List.of(
        "SELECT id FROM ia_docs WHERE tags && ARRAY['x', 'yy']",
        "SELECT id, tags @> '{a}' AS has_a, ids <@ ARRAY[1, 2, 3] AS small, '{}' <@ tags AS has_any FROM ia_docs",
        "SELECT d.id, w.id AS wid FROM ia_docs d JOIN ia_wanted w ON d.tags @> w.want",
        "SELECT w.id, count(d.id) AS c, sum(d.id) AS s FROM ia_wanted w JOIN ia_docs d ON w.want && d.tags "
            + "GROUP BY w.id",
        "SELECT id FROM ia_docs WHERE NOT tags <@ '{a,b}' OR ids && '{}'");
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ia_docs (id int PRIMARY KEY, tags text[], ids int[])",
          "CREATE TABLE ia_wanted (id int PRIMARY KEY, want text[])");
      run(c, "ia", queries,
          List.of("INSERT INTO ia_docs VALUES (1, '{a,b}', '{1,2}'), (2, '{x}', '{5}'), (3, NULL, NULL), "
                  + "(4, '{}', '{}'), (5, '{a,NULL}', '{1,NULL}'), (6, '{yy,a,b,c}', '{3,3}')",
              "INSERT INTO ia_wanted VALUES (1, '{a}'), (2, '{}'), (3, NULL), (4, '{a,b}'), (5, '{NULL}')"),
          List.of("UPDATE ia_docs SET tags = '{b}' WHERE id = 1", "UPDATE ia_docs SET tags = '{x,a}' WHERE id = 3",
              "UPDATE ia_wanted SET want = '{x}' WHERE id = 2", "INSERT INTO ia_docs VALUES (7, '{a,b,x}', '{2}')"),
          List.of("DELETE FROM ia_wanted WHERE id = 1", "UPDATE ia_docs SET tags = NULL, ids = '{}' WHERE id = 2",
              "UPDATE ia_docs SET tags = '{}' WHERE id = 6", "UPDATE ia_wanted SET want = '{}' WHERE id = 4"),
          List.of("DELETE FROM ia_docs", "DELETE FROM ia_wanted"));
    }
  }

  @Test
  void rangeOperatorsAreMaintained(TestDatabase db) throws Exception {
    List<String> queries = List.of(
        "SELECT id FROM ir_slots WHERE span && '[5,10)' OR span -|- '[20,30)'",
        "SELECT id, span @> at AS inside, at <@ span AS also, span << '[100,200)' AS bef, span >> '[0,1)' AS aft, "
            + "span &< '[0,50)' AS nr, span &> '[3,4)' AS nl, m @> span AS mcov, m && '{[0,3)}' AS mov FROM ir_slots",
        "SELECT s.id, e.id AS eid FROM ir_slots s JOIN ir_events e ON s.span @> e.at",
        "SELECT s.id, e.id AS eid FROM ir_slots s JOIN ir_events e ON s.span && e.rr OR s.m -|- e.rr",
        "SELECT e.id, count(s.id) AS c FROM ir_events e JOIN ir_slots s ON e.at <@ s.span GROUP BY e.id",
        "SELECT id FROM ir_slots WHERE '[0,10)'::int4range @> at AND span <@ m OR m &< '{[1,2)}'::int4multirange");
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ir_slots (id int PRIMARY KEY, span int4range, m int4multirange, at int)",
          "CREATE TABLE ir_events (id int PRIMARY KEY, at int, rr int4range)");
      run(c, "ir", queries,
          List.of("INSERT INTO ir_slots VALUES (1, '[1,5)', '{[1,5),[8,9)}', 3), "
                  + "(2, '[5,20)', '{[0,30)}', 25), (3, NULL, NULL, NULL), "
                  + "(4, 'empty', '{}', 1), (5, '[30,)', '{[30,)}', 40), "
                  + "(6, '(,0)', '{(,0)}', -5)",
              "INSERT INTO ir_events VALUES (1, 3, '[3,4)'), (2, 30, '[20,30)'), (3, NULL, NULL), (4, 100, 'empty'), "
                  + "(5, -1, '(,1)')"),
          List.of("UPDATE ir_slots SET span = '[2,3)' WHERE id = 1", "UPDATE ir_slots SET span = 'empty' WHERE id = 2",
              "UPDATE ir_events SET at = 4, rr = '[0,2)' WHERE id = 1", "INSERT INTO ir_slots VALUES "
                  + "(7, '[3,31)', '{[3,31)}', 10)"),
          List.of("DELETE FROM ir_events WHERE id = 2", "UPDATE ir_slots SET span = NULL, m = '{[1,2)}' WHERE id = 5",
              "UPDATE ir_slots SET span = '[1,200)', at = 7 WHERE id = 3",
              "UPDATE ir_events SET rr = '[200,300)', at = 150 WHERE id = 4"),
          List.of("DELETE FROM ir_slots", "DELETE FROM ir_events"));
    }
  }

  /** The generated SQL writes the operators as PostgreSQL does, bracketed, never the internal call name. */
  @Test
  void printedAsOperators(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ip_print (id int PRIMARY KEY, addr inet, tags text[], span int4range, n int)",
          "INSERT INTO ip_print VALUES (1, '10.1.2.3', '{a,b}', '[1,5)', 3), (2, '192.168.0.1', '{}', 'empty', 8)");
      String sql = QuerySqlPrinter.print(QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(
          "SELECT id, n << 2 AS s FROM ip_print WHERE addr << '10.0.0.0/8' AND tags && ARRAY['a', 'zz'] "
              + "AND span @> n AND NOT span -|- '[6,7)' AND ARRAY[1] <@ ARRAY[1, 2]").rel());
      for (String operator : List.of("(\"addr\" << '10.0.0.0/8')", "(\"tags\" && ARRAY['a', 'zz'])",
          "(\"span\" @> \"n\")", "NOT (\"span\" -|- '[6,7)')", "(\"n\" << 2)", "(ARRAY[1] <@ ARRAY[1, 2])")) {
        assertTrue(sql.contains(operator), operator + " in " + sql);
      }
      assertFalse(sql.contains("\"<<\"") || sql.contains("\"&&\"") || sql.contains("\"-|-\""), sql);
      assertEquals(1L, count(c, "SELECT count(*) FROM (" + sql + ") AS q"));
    }
  }

  /**
   * Creates each query DIFFERENTIAL on the empty tables, then runs each round (one transaction) and refreshes
   * every stream table, with the oracle after each refresh.
   */
  @SafeVarargs
  private static void run(Connection c, String prefix, List<String> queries, List<String>... rounds)
      throws Exception {
    for (int i = 0; i < queries.size(); i++) {
      create(c, prefix + i, queries.get(i), Mode.DIFFERENTIAL);
    }
    for (List<String> round : rounds) {
      inOneTransaction(c, round.toArray(String[]::new));
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, prefix + i, Mode.DIFFERENTIAL);
      }
    }
    for (int i = 0; i < queries.size(); i++) {
      assertEquals(0L, count(c, "SELECT count(*) FROM " + prefix + i), queries.get(i));
    }
  }
}
