package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code freshet plan} and {@code freshet explain --program} print, and the tables Freshet stores, name
 * nothing as Calcite does inside (issue 15), for the query shapes of a first hour: aggregates of unnamed
 * expressions, self-joins, LEFT JOIN, EXISTS, NOT EXISTS, scalar sub-queries, HAVING, DISTINCT, UNION ALL,
 * ORDER BY … LIMIT, casts to numeric(p,s), varchar(n) and timestamp(p). No {@code $f1} or {@code EXPR$0}
 * (in SQL, plans or a state table's columns), no type as Calcite spells it ({@code DECIMAL(13, 3)} where
 * PostgreSQL says {@code numeric(13,3)}), no name Calcite numbered apart ({@code "Δpublic.items0"},
 * {@code "items1"}, {@code "t4"}, {@code g=["g0"]}, {@code "__w0"}); every join condition says which side each
 * column is read from. Each stream table is refreshed after a change and checked by the oracle: the SQL with
 * the new names is the SQL that runs.
 */
@PostgresTest
class CliExplainNamesTest {

  /** A stream table's name and query, for each shape. */
  private static final Map<String, String> SHAPES = new LinkedHashMap<>();

  static {
    SHAPES.put("nm_unnamed", "select grp, sum(price * 2), avg(qty), count(*), max(price) - min(price) "
        + "from items join (select id as k from items) s on s.k = items.id group by grp");
    SHAPES.put("nm_self", "select a.id, b.grp from items a join items b on a.id = b.id + 1");
    SHAPES.put("nm_left", "select items.id, notes.body from items left join notes on notes.item_id = items.id");
    SHAPES.put("nm_exists", "select id, grp from items where exists (select 1 from notes where notes.item_id = items.id)");
    SHAPES.put("nm_not_exists", "select id, grp from items where not exists (select 1 from notes "
        + "where notes.item_id = items.id)");
    SHAPES.put("nm_scalar", "select id, (select count(*) from notes where notes.item_id = items.id) from items");
    SHAPES.put("nm_having", "select grp, count(*) from items group by grp having sum(price) > 1");
    SHAPES.put("nm_distinct", "select distinct grp, qty from items");
    SHAPES.put("nm_union", "select id, grp from items union all select item_id, body from notes");
    SHAPES.put("nm_top", "select grp, sum(price) from items group by grp order by 2 desc limit 2");
    SHAPES.put("nm_casts", "select id, price::numeric(8,3), cast(label as varchar(5)), at::timestamp(0) as at0, "
        + "cast(price * qty as numeric(13,3)) as total from items");
  }

  /** Calcite's made-up names and its spelling of types, wherever they appear. */
  private static final Pattern CALCITE_NAMES = Pattern.compile(
      "\\$f\\d|EXPR\\$|(DECIMAL|VARCHAR|INTEGER|BIGINT|BOOLEAN|TIMESTAMP|NUMERIC)\\b");

  /**
   * Names Calcite numbers apart: an alias {@code "t4"}, {@code "items1"}, a change table read under its own name
   * ({@code "Δpublic.items"."id"}), a join's second column ({@code g=["g0"]}, {@code "__w0"}).
   */
  private static final Pattern NUMBERED_APART = Pattern.compile(
      "\"(t|items|notes|Δitems|Δnotes)\\d+\"|\"Δpublic\\.[a-z]+\"\\.|=\\[\"[a-z_]+0\"\\]|\"__w\\d+\"");

  /** A join condition's column read with the name of its side: {@code "Δitems"."id"}. */
  private static final Pattern SIDE_AND_COLUMN = Pattern.compile("\"[^\"]+\"\\.\"[^\"]+\"");

  @BeforeAll
  static void tables(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE items (id int PRIMARY KEY, grp text, price numeric(10,2), qty numeric, "
            + "label varchar(20), at timestamp)",
        "CREATE TABLE notes (id int PRIMARY KEY, item_id int, body text)",
        "INSERT INTO items VALUES (1, 'a', 1.50, 2, 'one', '2024-01-01 10:00:00'), "
            + "(2, 'b', 3.00, 4, 'two', '2024-01-02 11:30:00'), (3, 'a', NULL, 5, NULL, NULL)",
        "INSERT INTO notes VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 3, 'z')");
  }

  @Test
  void planAndExplainShowNoCalciteNames(TestDatabase db) throws Exception {
    String url = db.jdbcUrl();
    for (Map.Entry<String, String> shape : SHAPES.entrySet()) {
      CliRun plan = CliRun.run(url, "plan", "--query", shape.getValue());
      assertEquals(0, plan.exitCode(), plan.transcript());
      assertReadable(plan);
      CliRun create = CliRun.run(url, "create", shape.getKey(), "--mode", "DIFFERENTIAL", "--query", shape.getValue());
      assertEquals(0, create.exitCode(), create.transcript());
      CliRun explain = CliRun.run(url, "explain", shape.getKey(), "--program");
      assertEquals(0, explain.exitCode(), explain.transcript());
      assertReadable(explain);
    }
    // the stored tables: the stream tables' columns are PostgreSQL's names, the state tables' Freshet's
    List<List<Object>> madeUp = db.query("SELECT table_schema, table_name, column_name FROM information_schema.columns "
        + "WHERE (table_schema = 'freshet_state' OR table_name LIKE 'nm\\_%') AND column_name ~ '[$]'");
    assertEquals(List.of(), madeUp, "columns named by Calcite");

    db.execute("INSERT INTO items VALUES (4, 'b', 2.25, 1, 'four', '2024-01-03 09:15:00')",
        "UPDATE items SET price = price + 1, grp = 'c' WHERE id = 1",
        "INSERT INTO notes VALUES (4, 2, 'w')", "DELETE FROM notes WHERE id = 3");
    try (Connection c = db.connect()) {
      for (String name : SHAPES.keySet()) {
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
    }
  }

  /** The query: what the delta SQL and plan of a self-join with unnamed expressions look like now. */
  @Test
  void aSelfJoinNamesEachCopyAndEachSide(TestDatabase db) {
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "nm_issue", "--query", "select grp, sum(price * 2), avg(qty), count(*) "
        + "from items join (select id as k from items) s on s.k = items.id group by grp").exitCode());
    CliRun run = CliRun.run(url, "explain", "nm_issue");
    assertEquals(0, run.exitCode(), run.transcript());
    String out = run.out();
    assertTrue(out.contains("""
        -- Logical plan
        Aggregate(group=[grp], sum=[SUM("price" * 2)], avg=[AVG("qty")], count=[COUNT(*)])
          Project(grp, "price" * 2, qty)
            Join(condition=["items_2"."k" = "items"."id"], joinType=[inner])
              Project(id, grp, price, qty)
                Scan(table=[public.items])
              Project(k=["id"])
                Scan(table=[public.items], alias=[items_2])
        """), run.transcript());
    assertTrue(out.contains("  sum = sum(\"price\" * 2): ALGEBRAIC"), run.transcript());
    // each term of the delta names the change table Δitems and the table items alike; a second copy is _2
    assertTrue(out.contains("""
        SELECT "Δitems"."grp", "Δitems"."price" * 2 AS "expr", "Δitems"."qty", "Δitems"."__w" * - "Δitems_2"."__w" AS "__w"
        FROM "pg_temp"."Δpublic.items" AS "Δitems"
          INNER JOIN "pg_temp"."Δpublic.items" AS "Δitems_2" ON "Δitems"."id" = "Δitems_2"."id"
        """), run.transcript());
    assertTrue(out.contains("""
          Project("Δitems"."grp", expr=["Δitems"."price" * 2], "Δitems"."qty", __w=["Δitems"."__w" * - "Δitems_2"."__w"])
            Join(condition=["Δitems_2"."id" = "Δitems"."id"], joinType=[inner])
              Scan(table=[pg_temp.Δpublic.items], alias=[Δitems])
              Scan(table=[pg_temp.Δpublic.items], alias=[Δitems_2])
        """), run.transcript());
    CliRun casts = CliRun.run(url, "plan", "--query", SHAPES.get("nm_casts"));
    assertTrue(casts.out().contains("CAST(\"price\" AS numeric(8,3)) AS \"price\", CAST(\"label\" AS varchar(5)) AS "
        + "\"label\", CAST(\"at\" AS timestamp(0)) AS \"at0\", CAST(\"price\" * \"qty\" AS numeric(13,3)) AS \"total\""),
        casts.transcript());
  }

  /**
   * The result's columns are the stream table's, as PostgreSQL's CREATE TABLE AS names them: an unaliased
   * expression {@code ?column?}, a scalar sub-query's count {@code count}, a column of a union read in a join
   * {@code id}; the plan and its SQL said {@code expr}, {@code case} and {@code "union"."id"} (found by the
   * walkthrough). The same names in explain's delta plan and delta SQL, which is the SQL that runs.
   */
  @Test
  void theResultsColumnsAreTheStreamTablesNames(TestDatabase db) throws Exception {
    String url = db.jdbcUrl();
    String scalar = "select id, qty + 1, (select count(*) from notes where notes.item_id = items.id) from items";
    CliRun plan = CliRun.run(url, "plan", "--query", scalar);
    assertEquals(0, plan.exitCode(), plan.transcript());
    assertTrue(plan.out().startsWith("-- Logical plan\nProject(id, \"?column?\"=[\"qty\" + 1], count=[CASE WHEN \"case\""),
        plan.transcript());
    assertTrue(plan.out().contains("\n-- SQL printed back\nSELECT \"items\".\"id\", \"items\".\"qty\" + 1 AS \"?column?\", "
        + "CASE WHEN \"join\".\"case\" IS NULL THEN 0 ELSE \"join\".\"case\" END AS \"count\"\n"), plan.transcript());
    String union = "select s.id, items.grp from (select id from items union all select item_id from notes) s "
        + "join items on items.id = s.id";
    CliRun unionPlan = CliRun.run(url, "plan", "--query", union);
    assertEquals(0, unionPlan.exitCode(), unionPlan.transcript());
    assertTrue(unionPlan.out().startsWith("-- Logical plan\nProject(id=[\"union\".\"id\"], grp)\n"), unionPlan.transcript());
    String unnamedUnion = "select qty * 2 from items union all select id from notes";
    CliRun unnamed = CliRun.run(url, "plan", "--query", unnamedUnion);
    assertTrue(unnamed.out().contains("""
        Union(ALL)
          Project("?column?"=["qty" * 2])
        """), unnamed.transcript());
    assertTrue(unnamed.out().contains("SELECT \"qty\" * 2 AS \"?column?\"\n"), unnamed.transcript());

    Map<String, String> tables = new LinkedHashMap<>();
    tables.put("rn_scalar", scalar);
    tables.put("rn_union", union);
    tables.put("rn_unnamed", unnamedUnion);
    for (Map.Entry<String, String> table : tables.entrySet()) {
      CliRun create = CliRun.run(url, "create", table.getKey(), "--mode", "DIFFERENTIAL", "--query", table.getValue());
      assertEquals(0, create.exitCode(), create.transcript());
    }
    assertEquals(List.of(List.of("id"), List.of("?column?"), List.of("count")), db.query("SELECT column_name "
        + "FROM information_schema.columns WHERE table_name = 'rn_scalar' AND column_name NOT LIKE '\\_\\_%' "
        + "ORDER BY ordinal_position"));
    CliRun explain = CliRun.run(url, "explain", "rn_scalar");
    assertEquals(0, explain.exitCode(), explain.transcript());
    assertTrue(explain.out().contains("-- Logical plan\nProject(id, \"?column?\"=[\"qty\" + 1], count=[CASE WHEN \"case\""),
        explain.transcript());
    assertTrue(explain.out().contains("-- Delta SQL\nSELECT \"Δitems\".\"id\", \"Δitems\".\"qty\" + 1 AS \"?column?\", "),
        explain.transcript());
    assertFalse(explain.out().contains("AS \"expr\"") || explain.out().contains("AS \"case\", \"Δ"),
        explain.transcript());
    CliRun unnamedExplain = CliRun.run(url, "explain", "rn_unnamed");
    assertTrue(unnamedExplain.out().contains("""
        -- Delta plan (with weight __w)
        Project("?column?"=["qty" * 2], __w)
          Scan(table=[pg_temp.Δpublic.items], alias=[Δitems])
        -- Delta SQL
        SELECT "qty" * 2 AS "?column?", "__w"
        FROM "pg_temp"."Δpublic.items";
        """), unnamedExplain.transcript());

    db.execute("INSERT INTO items VALUES (10, 'z', 1.00, 7, 'ten', NULL)", "INSERT INTO notes VALUES (10, 10, 'n')",
        "UPDATE items SET qty = qty + 1 WHERE id = 2", "DELETE FROM notes WHERE id = 2");
    try (Connection c = db.connect()) {
      for (String name : tables.keySet()) {
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
    }
  }

  private static void assertReadable(CliRun run) {
    String out = run.out();
    Matcher calcite = CALCITE_NAMES.matcher(out);
    assertFalse(calcite.find(), () -> "Calcite's " + calcite.group() + " in\n" + run.transcript());
    Matcher numbered = NUMBERED_APART.matcher(out);
    assertFalse(numbered.find(), () -> "a name numbered apart, " + numbered.group() + ", in\n" + run.transcript());
    List<String> unnamedSides = new ArrayList<>();
    for (String line : out.lines().toList()) {
      int start = line.indexOf("Join(condition=[");
      if (start >= 0) {
        String condition = line.substring(start + "Join(condition=[".length(), line.lastIndexOf("], joinType="));
        if (SIDE_AND_COLUMN.matcher(condition).replaceAll("").contains("\"")) {
          unnamedSides.add(line.strip());
        }
      }
    }
    assertEquals(List.of(), unnamedSides, () -> "join conditions that do not name their sides in\n" + run.transcript());
  }
}
