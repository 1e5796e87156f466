package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code freshet plan} shows the plan as users read it (issue 15): operators named as in SQL, expressions
 * over column names in PostgreSQL's syntax, the result's columns under PostgreSQL's names ({@code count},
 * {@code sum}), and none of Calcite's internals ({@code EXPR$2}, {@code $f3}, {@code LogicalMinus},
 * {@code id = 14}).
 */
@PostgresTest
class CliPlanTest {

  @BeforeAll
  static void tables(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE pt (id int PRIMARY KEY, s text, n numeric)",
        "CREATE TABLE other (id int PRIMARY KEY, pt_id int, amount int)");
  }

  /** {@code create --dry-run} on a database without Freshet's catalog says what it would do and creates nothing. */
  @Test
  void aDryRunNeedsNoCatalog(TestDatabase db) throws Exception {
    db.execute("DROP DATABASE IF EXISTS fr_no_catalog WITH (FORCE)", "CREATE DATABASE fr_no_catalog");
    String url = db.jdbcUrl().replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1fr_no_catalog");
    try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement()) {
      s.execute("CREATE TABLE dr (id int PRIMARY KEY, v int)");
    }
    CliRun run = CliRun.run(url, "create", "dr_counts", "--dry-run", "--query",
        "SELECT v, count(*) AS n FROM dr GROUP BY v");
    assertEquals(0, run.exitCode(), run.transcript());
    assertTrue(run.out().contains("DIFFERENTIAL"), run.transcript());
    try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'freshet%'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "a dry run created Freshet's schemas");
    }
  }

  @Test
  void aggregateColumnsHavePostgresNames(TestDatabase db) {
    CliRun run = CliRun.run(db.jdbcUrl(), "plan", "--query",
        "select id, coalesce(s,'x') as c, count(*), sum(n) from pt group by id, coalesce(s,'x')");
    assertEquals(0, run.exitCode(), run.transcript());
    String plan = logicalPlan(run);
    assertTrue(plan.startsWith("Aggregate(group=[id, c], count=[COUNT(*)], sum=[SUM(\"n\")])\n"), run.transcript());
    assertTrue(plan.contains("\n  Project(id, c=[CASE WHEN \"s\" IS NOT NULL "), run.transcript());
    assertTrue(plan.contains("\n    Scan(table=[public.pt])\n"), run.transcript());
    assertTrue(run.out().contains("-- SQL printed back\nSELECT "), run.transcript());
    assertNoCalciteInternals(run);
  }

  /** Unnamed expressions inside the plan are shown by what they compute, wherever they are read. */
  @Test
  void unnamedExpressionsAreShownByWhatTheyCompute(TestDatabase db) {
    for (String query : List.of(
        "select s, count(*), avg(id), sum(n * 2) from pt group by s having count(*) > 1",
        "select id from pt except select id + 1 from pt",
        "select p.s, sum(o.amount) + 1, count(*) from pt p join other o on o.pt_id = p.id group by p.s",
        "select id, n * 2 from pt where s || 'y' = 'ay' union all select pt_id, amount from other",
        "select * from (values (1, 'a'), (2, 'b')) v",
        "select s, count(*) from pt where id in (select pt_id from other) group by s order by 2 desc limit 3")) {
      CliRun run = CliRun.run(db.jdbcUrl(), "plan", "--plan-only", "--query", query);
      assertEquals(0, run.exitCode(), run.transcript());
      assertNoCalciteInternals(run);
      assertFalse(run.out().contains("-- SQL printed back"), run.transcript());
    }
    CliRun having = CliRun.run(db.jdbcUrl(), "plan", "--plan-only", "--query",
        "select s, count(*), avg(id), sum(n * 2) from pt group by s having count(*) > 1");
    assertTrue(logicalPlan(having).equals("""
        Filter(condition=[COUNT(*) > 1])
          Aggregate(group=[s], count=[COUNT(*)], avg=[AVG("id")], sum=[SUM("n" * 2)])
            Project(s, id, "n" * 2)
              Scan(table=[public.pt])
        """), having.transcript());
    CliRun top = CliRun.run(db.jdbcUrl(), "plan", "--plan-only", "--query",
        "select s, count(*) from pt group by s order by 2 desc, s nulls first limit 3 offset 1");
    assertEquals("""
        Sort(order=[count DESC, s NULLS FIRST], limit=[3], offset=[1])
          Aggregate(group=[s], count=[COUNT(*)])
            Project(s)
              Scan(table=[public.pt])
        """, logicalPlan(top), top.transcript());
    CliRun inner = CliRun.run(db.jdbcUrl(), "plan", "--plan-only", "--query",
        "select x from (select id + 1 as x from pt order by id + 1 desc nulls last, n limit 2) t, (values (1, 'a'), "
            + "(2, null)) v(k, l) where k = x");
    assertTrue(logicalPlan(inner).contains("Sort(order=[x DESC NULLS LAST, n], limit=[2])\n"),
        inner.transcript());
    assertTrue(logicalPlan(inner).contains("Values(rows=[(1, 'a'), (2, NULL)])\n"), inner.transcript());
    CliRun except = CliRun.run(db.jdbcUrl(), "plan", "--plan-only", "--query",
        "select id from pt except select id + 1 from pt");
    assertTrue(logicalPlan(except).startsWith("Except(DISTINCT)\n  Project(id)\n"), except.transcript());
    assertTrue(logicalPlan(except).contains("\n  Project(\"id\" + 1)\n"), except.transcript());
  }

  /**
   * A name outside an expression is printed as PostgreSQL's quote_ident writes it: bare where the bare word reads as
   * that name, else quoted. The walkthrough saw {@code Project(Größe, USER, x y, order)}, where {@code USER} reads
   * as the function and {@code x y} as two words. Likewise in group and sort keys, the name before {@code =[…]},
   * and explain's maintenance lines.
   */
  @Test
  void oddNamesArePrintedUnambiguously(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE odd (id int PRIMARY KEY, \"Größe\" int, \"user\" text, \"x y\" int, \"order\" int, "
        + "\"select\" int, \"current_user\" int, plain int, \"Upper\" int)");
    CliRun project = CliRun.run(db.jdbcUrl(), "plan", "--plan-only", "--query",
        "select \"Größe\", \"user\", \"x y\", \"order\" from odd");
    assertEquals(0, project.exitCode(), project.transcript());
    assertEquals("""
        Project("Größe", "user", "x y", "order")
          Scan(table=[public.odd])
        """, logicalPlan(project), project.transcript());
    CliRun grouped = CliRun.run(db.jdbcUrl(), "plan", "--plan-only", "--query",
        "select \"user\", \"select\", count(*), sum(\"x y\") as \"Total\" from odd group by \"user\", \"select\" "
            + "order by \"select\"");
    assertEquals("""
        Sort(order=["select"])
          Aggregate(group=["user", "select"], count=[COUNT(*)], "Total"=[SUM("x y")])
            Project("user", "x y", "select")
              Scan(table=[public.odd])
        """, logicalPlan(grouped), grouped.transcript());
    CliRun filtered = CliRun.run(db.jdbcUrl(), "plan", "--plan-only", "--query",
        "select \"user\" as u, \"current_user\", \"order\" + 1 as \"order\", plain, \"Upper\" from odd "
            + "where \"user\" = 'a' and \"x y\" > 1");
    assertEquals("""
        Project(u=["user"], "current_user", "order"=["order" + 1], plain, "Upper")
          Filter(condition=["user" = 'a' AND "x y" > 1])
            Project("user", "x y", "order", "current_user", plain, "Upper")
              Scan(table=[public.odd])
        """, logicalPlan(filtered), filtered.transcript());

    CliRun create = CliRun.run(db.jdbcUrl(), "create", "odd_st", "--query",
        "select \"user\", \"select\", count(*), sum(\"x y\") as \"Total\" from odd group by \"user\", \"select\"");
    assertEquals(0, create.exitCode(), create.transcript());
    CliRun explain = CliRun.run(db.jdbcUrl(), "explain", "odd_st");
    assertEquals(0, explain.exitCode(), explain.transcript());
    assertTrue(explain.out().contains("One stored row per group of (\"user\", \"select\"), "), explain.transcript());
    assertTrue(explain.out().contains("\n  \"Total\" = sum(\"x y\"): ALGEBRAIC"), explain.transcript());
    assertTrue(explain.out().contains("\nProject(\"user\", \"x y\", \"select\", __w)\n"), explain.transcript());
    assertFalse(explain.out().contains("USER"), explain.transcript());
  }

  /** The bare-or-quoted rule is PostgreSQL's quote_ident, for every keyword of the server and other names. */
  @Test
  void namesAreShownAsQuoteIdentWritesThem(TestDatabase db) throws Exception {
    List<List<Object>> rows = db.query("SELECT w, quote_ident(w) FROM (SELECT word FROM pg_get_keywords() UNION ALL "
        + "SELECT unnest(ARRAY['amount', 'o_custkey', '_x1', '1x', 'Upper', 'x y', 'Größe', 'a\"b', 'count', "
        + "'expr', '__w', 'Δorders', 'x$'])) AS k(w)");
    assertTrue(rows.size() > 400, rows.toString());
    for (List<Object> row : rows) {
      assertEquals(row.get(1), dev.freshet.planner.sql.Quoting.bareOrQuoted((String) row.get(0)), row.toString());
    }
  }

  private static String logicalPlan(CliRun run) {
    String out = run.out();
    assertTrue(out.startsWith("-- Logical plan\n"), run.transcript());
    int end = out.indexOf("\n-- SQL printed back");
    return out.substring("-- Logical plan\n".length(), end < 0 ? out.length() : end + 1);
  }

  /** Calcite's names, node classes ({@code LogicalMinus}; the caption "-- Logical plan" is ours), ids, refs. */
  private static void assertNoCalciteInternals(CliRun run) {
    for (String internal : List.of("EXPR$", "$f", "id = ", "$0", "$1", "$2", "sort0=", "dir0=", "fetch=", "tuples=")) {
      assertFalse(run.out().contains(internal), () -> internal + " in " + run.transcript());
    }
    assertFalse(Pattern.compile("Logical[A-Z]").matcher(run.out()).find(), run.transcript());
  }
}
