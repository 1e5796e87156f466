package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Columns, tables, aliases, WITH queries and types named by words PostgreSQL takes unquoted but Calcite's
 * parser reserves ({@code by}, {@code rows}, {@code values}, {@code date}, {@code time}, {@code range}, a table
 * {@code rows}, an enum {@code stream}) are maintained differentially: before, such a query was refused (FR008,
 * "syntax error at or near ", by"") and AUTO fell back to FULL. The stream table keeps the query as written,
 * and a refusal still points at its own token in that text.
 */
@PostgresTest
class CliKeywordNamesTest {

  private static final Map<String, String> QUERIES = new LinkedHashMap<>();

  static {
    QUERIES.put("kn_by_year", "SELECT by, year, count(*) AS n, sum(value) AS total FROM events\n"
        + "WHERE date >= date '2024-01-05' AND time < time '10:15:00' GROUP BY by, year");
    QUERIES.put("kn_join", "SELECT e.id, e.rows, r.by AS values, e.over + 1 AS range FROM events e "
        + "JOIN rows AS r ON r.next = e.next WHERE e.unknown OR e.partition = 'p1'");
    QUERIES.put("kn_with", "WITH current AS (SELECT id, timestamp, interval, row FROM events WHERE final > 2) "
        + "SELECT id, timestamp + interval AS at, row range FROM current");
    QUERIES.put("kn_enum", "SELECT next.id, next.kind, next.position FROM events next WHERE kind = 'a'::stream");
  }

  /** Whether the class's database has the sources (both tests read them). */
  private static boolean prepared;

  private static synchronized void prepare(TestDatabase db) throws Exception {
    if (prepared) {
      return;
    }
    prepared = true;
    db.execute("CREATE TYPE stream AS ENUM ('a', 'b')",
        "CREATE TABLE events (id int PRIMARY KEY, by text, value numeric, year int, rows int, date date, time time, "
            + "timestamp timestamp, interval interval, values int, row int, over int, partition text, next int, "
            + "unknown boolean, final int, position int, kind stream)",
        "INSERT INTO events SELECT g, 'u' || (g % 3), g * 1.5, 2020 + g % 2, g, date '2024-01-01' + g, "
            + "time '10:00' + g * interval '1 minute', timestamp '2024-01-01' + g * interval '1 hour', "
            + "g * interval '1 day', g % 4, g % 5, g, 'p' || (g % 2), g % 7, g % 2 = 0, g, g * 10, "
            + "(ARRAY['a', 'b'])[1 + g % 2]::stream FROM generate_series(1, 20) g",
        "CREATE TABLE rows (id int PRIMARY KEY, by text, next int)",
        "INSERT INTO rows SELECT g, 'r' || g, g % 7 FROM generate_series(1, 5) g");
  }

  @Test
  void queriesNamingSuchWordsAreMaintainedDifferentiallyAndKeptAsWritten(TestDatabase db) throws Exception {
    prepare(db);
    String url = db.jdbcUrl();
    for (Map.Entry<String, String> query : QUERIES.entrySet()) {
      CliRun create = CliRun.run(url, "create", query.getKey(), "--mode", "DIFFERENTIAL", "--query", query.getValue());
      assertEquals(0, create.exitCode(), create.transcript());
      assertTrue(create.out().startsWith("created stream table \"public\".\"" + query.getKey() + "\": DIFFERENTIAL\n"),
          create.transcript());
    }
    // AUTO takes them differentially too, rather than falling back to FULL
    CliRun auto = CliRun.run(url, "create", "kn_auto", "--query",
        "SELECT t.by, t.rows, t.date FROM events AS t WHERE t.values > 1");
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().startsWith("created stream table \"public\".\"kn_auto\": DIFFERENTIAL (requested AUTO)\n"),
        auto.transcript());
    // a star is written out into the stored query, at its place in the text as written
    CliRun star = CliRun.run(url, "create", "kn_star", "--mode", "DIFFERENTIAL", "--query",
        "SELECT * FROM rows AS next WHERE next.next > 1");
    assertEquals(0, star.exitCode(), star.transcript());

    try (Connection c = db.connect()) {
      assertEquals("SELECT \"id\", \"by\", \"next\" FROM rows AS next WHERE next.next > 1",
          definingQuery(c, "kn_star"));
      for (Map.Entry<String, String> query : QUERIES.entrySet()) {
        assertEquals(query.getValue(), definingQuery(c, query.getKey()), "stored as written");
        Oracle.assertFresh(c, query.getKey());
      }
      List<String> differential = List.of("kn_by_year", "kn_join", "kn_with", "kn_enum", "kn_star");
      List<List<String>> rounds = List.of(
          List.of("INSERT INTO events (id, by, value, year, rows, date, time, timestamp, interval, values, row, over, "
              + "partition, next, unknown, final, position, kind) VALUES (30, 'u1', 2, 2021, 30, '2024-01-02', "
              + "'10:01', '2024-02-01', '2 days', 9, 3, 4, 'p1', 2, true, 5, 300, 'a')",
              "INSERT INTO rows VALUES (6, 'r6', 2)"),
          List.of("UPDATE events SET by = 'zz', next = 3, kind = 'a' WHERE id IN (1, 5)",
              "UPDATE events SET rows = rows + 100, final = 1 WHERE id = 7", "UPDATE rows SET next = 4 WHERE id = 2"),
          List.of("DELETE FROM events WHERE id IN (2, 30)", "DELETE FROM rows WHERE id = 3"));
      for (List<String> round : rounds) {
        try (Statement s = c.createStatement()) {
          for (String sql : round) {
            s.execute(sql);
          }
        }
        for (String name : differential) {
          Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
        }
        StreamTables.refresh(c, "kn_auto"); // AUTO picks either way by cost at each refresh
        Oracle.assertFresh(c, "kn_auto");
      }
      assertEquals(1L, db.scalar("SELECT count(*) FROM kn_by_year WHERE by = 'zz'"), "the update of row 5 reached it");
    }

    CliRun status = CliRun.run(url, "status", "kn_by_year");
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().contains("  query:\n    SELECT by, year, count(*) AS n, sum(value) AS total FROM events\n"
        + "    WHERE date >= date '2024-01-05' AND time < time '10:15:00' GROUP BY by, year\n"), status.transcript());
  }

  @Test
  void aRefusalPointsAtItsTokenInTheTextAsWritten(TestDatabase db) throws Exception {
    prepare(db);
    CliRun unknownFunction = CliRun.run(db.jdbcUrl(), "create", "kn_bad", "--mode", "DIFFERENTIAL", "--query",
        "SELECT by, rows,\n  pg_size_pretty(rows::bigint) AS size FROM events");
    assertEquals(3, unknownFunction.exitCode(), unknownFunction.transcript());
    assertTrue(unknownFunction.err().endsWith("  --> query:2:3\n"
        + "   |   pg_size_pretty(rows::bigint) AS size FROM events\n"
        + "   |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"), unknownFunction.transcript());

    CliRun syntax = CliRun.run(db.jdbcUrl(), "create", "kn_bad", "--mode", "DIFFERENTIAL", "--query",
        "SELECT by, rows FROM events ORDER BY rows LIMIT (SELECT 2)");
    assertEquals(3, syntax.exitCode(), syntax.transcript());
    assertEquals("error: unsupported: FR008: Freshet's planner cannot read this query yet (syntax error at or near "
        + "\"LIMIT (\")\n"
        + "  fix: use --mode FULL or AUTO: PostgreSQL runs the query as written\n"
        + "  --> query:1:43\n"
        + "   | SELECT by, rows FROM events ORDER BY rows LIMIT (SELECT 2)\n"
        + "   |                                           ^^^^^\n", syntax.err(), syntax.transcript());
  }

  private static String definingQuery(Connection c, String name) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT defining_query FROM freshet.stream_tables WHERE table_name = '"
            + name + "'")) {
      assertTrue(rs.next(), name);
      return rs.getString(1);
    }
  }
}
