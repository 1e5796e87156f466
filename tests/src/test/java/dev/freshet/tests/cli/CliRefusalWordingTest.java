package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * Refusals found by a new user's walkthrough of the docs (issue 15): they name the construct as the
 * query wrote it (never Calcite's {@code LogicalMinus}), point at its keyword, and give a fix that works.
 */
@PostgresTest
class CliRefusalWordingTest {

  @Test
  void exceptAndIntersectAreNamedAsWrittenNotByCalcitesOperator(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_a (id int PRIMARY KEY)", "CREATE TABLE rw_b (id int PRIMARY KEY)");
    CliRun except = CliRun.run(db.jdbcUrl(), "create", "rw_x", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id FROM rw_a EXCEPT SELECT id FROM rw_b");
    assertEquals(3, except.exitCode(), except.transcript());
    assertEquals("error: unsupported: FR003: EXCEPT is not maintained differentially yet\n"
        + "  fix: use --mode FULL or AUTO; or, where it means the same (EXCEPT removes duplicates and holds NULLs "
        + "equal), NOT EXISTS, which is maintained\n"
        + "  --> query:1:21\n"
        + "   | SELECT id FROM rw_a EXCEPT SELECT id FROM rw_b\n"
        + "   |                     ^^^^^^\n", except.err(), except.transcript());

    CliRun intersect = CliRun.run(db.jdbcUrl(), "create", "rw_x", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id FROM rw_a INTERSECT ALL SELECT id FROM rw_b");
    assertEquals(3, intersect.exitCode(), intersect.transcript());
    assertTrue(intersect.err().startsWith("error: unsupported: FR003: INTERSECT ALL is not maintained "
        + "differentially yet\n"), intersect.transcript());
    for (CliRun run : new CliRun[] {except, intersect}) {
      assertFalse(run.err().contains("Logical"), run.transcript());
    }

    // AUTO's fallback line says the same
    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "rw_x", "--dry-run", "--query",
        "SELECT id FROM rw_a EXCEPT SELECT id FROM rw_b");
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().contains("fallback:     FR003 unsupported_construct at line 1, column 21: EXCEPT is not "
        + "maintained differentially yet"), auto.transcript());
  }

  /** DISTINCT ON is named, not Calcite's parser's "syntax error at or near ON" (found by a walkthrough). */
  @Test
  void distinctOnIsNamed(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_ev (id int PRIMARY KEY, aid int, at int)", "INSERT INTO rw_ev VALUES (1, 1, 5)");
    CliRun refused = CliRun.run(db.jdbcUrl(), "create", "rw_last", "--mode", "DIFFERENTIAL", "--query",
        "SELECT DISTINCT ON (aid) aid, at FROM rw_ev ORDER BY aid, at DESC");
    assertEquals(3, refused.exitCode(), refused.transcript());
    assertTrue(refused.err().startsWith("error: unsupported: FR008: DISTINCT ON is not read by Freshet's planner "
        + "yet\n"), refused.transcript());
    assertTrue(refused.err().contains("  --> query:1:17\n"), refused.transcript());
    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "rw_last", "--query",
        "SELECT DISTINCT ON (aid) aid, at FROM rw_ev ORDER BY aid, at DESC");
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().contains("DISTINCT ON is not read by Freshet's planner yet"), auto.transcript());
    assertEquals(0, CliRun.run(db.jdbcUrl(), "verify", "rw_last").exitCode());
  }

  /**
   * A recursive query says so and points at WITH RECURSIVE (it was 'a construct of this query (a set operation,
   * window or sub-query) is not maintained differentially yet', pointing at the UNION ALL inside); in AUTO it
   * is FULL with that reason, and refreshes as PostgreSQL runs it.
   */
  @Test
  void withRecursiveIsNamedAndPointedAt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_edge (src int, dst int, PRIMARY KEY (src, dst))",
        "INSERT INTO rw_edge VALUES (1, 2), (2, 3), (5, 6)");
    String query = "WITH RECURSIVE reach (n) AS (SELECT 1 UNION SELECT e.dst FROM rw_edge e JOIN reach r ON e.src = r.n)\n"
        + "SELECT n FROM reach";
    CliRun refused = CliRun.run(db.jdbcUrl(), "create", "rw_reach", "--mode", "DIFFERENTIAL", "--query", query);
    assertEquals(3, refused.exitCode(), refused.transcript());
    assertEquals("error: unsupported: FR003: WITH RECURSIVE is not maintained incrementally yet: Freshet has no "
        + "delta rule for a query that reads its own result\n"
        + "  fix: use --mode FULL or AUTO: PostgreSQL runs the query as written\n"
        + "  --> query:1:1\n"
        + "   | WITH RECURSIVE reach (n) AS (SELECT 1 UNION SELECT e.dst FROM rw_edge e JOIN reach r ON e.src = r.n)\n"
        + "   | ^^^^^^^^^^^^^^\n", refused.err(), refused.transcript());

    // nested, lower case, under an aggregate and a join: the same, pointed at its own words
    CliRun nested = CliRun.run(db.jdbcUrl(), "create", "rw_reach", "--mode", "DIFFERENTIAL", "--query",
        "SELECT e.src, count(*) AS n FROM rw_edge e JOIN (with  recursive r(n) AS (SELECT 1 UNION ALL "
            + "SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r) k ON k.n = e.src GROUP BY e.src");
    assertEquals(3, nested.exitCode(), nested.transcript());
    assertTrue(nested.err().startsWith("error: unsupported: FR003: WITH RECURSIVE is not maintained incrementally"),
        nested.transcript());
    assertTrue(nested.err().contains("  --> query:1:50\n"), nested.transcript());
    assertTrue(nested.err().contains("\n   | " + " ".repeat(49) + "^".repeat("with  recursive".length()) + "\n"),
        nested.transcript());

    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "rw_reach", "--query", query);
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().contains("fallback:     FR003 unsupported_construct at line 1, column 1: WITH RECURSIVE is "
        + "not maintained incrementally yet"), auto.transcript());
    db.execute("INSERT INTO rw_edge VALUES (3, 4)");
    CliRun refresh = CliRun.run(db.jdbcUrl(), "refresh", "rw_reach");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    CliRun verified = CliRun.run(db.jdbcUrl(), "verify", "rw_reach");
    assertEquals(0, verified.exitCode(), verified.transcript());
    assertEquals(4L, db.scalar("SELECT count(*) FROM rw_reach"));
  }

  @Test
  void aLimitInsideTheQueryIsPointedAtByItsKeywordNotItsCount(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_o (id int PRIMARY KEY, c int, amount numeric)",
        "CREATE TABLE rw_c (id int PRIMARY KEY, name text)");
    CliRun limit = CliRun.run(db.jdbcUrl(), "create", "rw_top", "--mode", "DIFFERENTIAL", "--query",
        "SELECT s.id, k.name FROM (SELECT id, c FROM rw_o ORDER BY amount DESC LIMIT 2) s JOIN rw_c k ON k.id = s.c");
    assertEquals(3, limit.exitCode(), limit.transcript());
    assertTrue(limit.err().endsWith(""
        + "  --> query:1:71\n"
        + "   | SELECT s.id, k.name FROM (SELECT id, c FROM rw_o ORDER BY amount DESC LIMIT 2) s JOIN rw_c k ON "
        + "k.id = s.c\n"
        + "   |                                                                       ^^^^^\n"), limit.transcript());

    // OFFSET before FETCH, on a line of its own: the first keyword, whole
    CliRun fetch = CliRun.run(db.jdbcUrl(), "create", "rw_top", "--mode", "DIFFERENTIAL", "--query",
        "SELECT s.id FROM (SELECT id FROM rw_o ORDER BY amount\n  OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY) s "
            + "JOIN rw_c k ON k.id = s.id");
    assertEquals(3, fetch.exitCode(), fetch.transcript());
    assertTrue(fetch.err().contains("  --> query:2:3\n"
        + "   |   OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY) s JOIN rw_c k ON k.id = s.id\n"
        + "   |   ^^^^^^\n"), fetch.transcript());
  }

  @Test
  void anUnsupportedTypeOrAViewIsRefusedWithAFixThatWorks(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_r (id int PRIMARY KEY, r timetz[])", "INSERT INTO rw_r VALUES (1, '{01:00+02,02:00}')",
        "CREATE VIEW rw_v AS SELECT id, r::text AS r FROM rw_r");
    CliRun range = CliRun.run(db.jdbcUrl(), "create", "rw_range", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id, r FROM rw_r");
    assertEquals(3, range.exitCode(), range.transcript());
    assertTrue(range.err().contains("  fix: leave the column out of the query (a view cannot carry change capture, "
        + "so casting it in one does not help), or use --mode AUTO or FULL: PostgreSQL runs the query as written\n"),
        range.transcript());
    assertFalse(range.err().contains("in a view of your own"), range.transcript());

    // the view the old advice suggested is refused in DIFFERENTIAL, and its fix says what does work
    CliRun view = CliRun.run(db.jdbcUrl(), "create", "rw_range", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id, r FROM rw_v");
    assertEquals(3, view.exitCode(), view.transcript());
    assertTrue(view.err().contains("is a view, which cannot carry change capture\n"
        + "  fix: read the tables it is built from, or use --mode FULL or AUTO: PostgreSQL runs the query as "
        + "written\n"), view.transcript());

    // and both fixes work
    for (String query : new String[] {"SELECT id, r FROM rw_r", "SELECT id, r FROM rw_v"}) {
      String name = query.endsWith("rw_r") ? "rw_range_a" : "rw_range_b";
      CliRun auto = CliRun.run(db.jdbcUrl(), "create", name, "--mode", "AUTO", "--query", query);
      assertEquals(0, auto.exitCode(), auto.transcript());
      assertTrue(auto.out().contains(": FULL (requested AUTO)"), auto.transcript());
    }
  }

  @Test
  void anInvalidNameSaysHowToWriteOneWithoutPostgresqlsErrorPrefix(TestDatabase db) throws Exception {
    // one line: the name as given once (PostgreSQL's parse_ident message named it again), and how to write it
    CliRun run = CliRun.run(db.jdbcUrl(), "create", "Sales Dept.x", "--query", "SELECT 1 AS one");
    assertEquals(2, run.exitCode(), run.transcript());
    assertEquals("error: not a valid table name: 'Sales Dept.x'; write it as in SQL (NAME or SCHEMA.NAME), a part "
        + "with spaces, capitals or other characters in double quotes, the whole in single quotes for the shell: "
        + "'\"Sales Dept\".\"x\"'\n", run.err(), run.transcript());
    CliRun space = CliRun.run(db.jdbcUrl(), "create", "x y", "--query", "SELECT 1 AS one");
    assertEquals(2, space.exitCode(), space.transcript());
    assertEquals("error: not a valid table name: 'x y'; write it as in SQL (NAME or SCHEMA.NAME), a part with "
        + "spaces, capitals or other characters in double quotes, the whole in single quotes for the shell: "
        + "'\"x y\"'\n", space.err(), space.transcript());
    // a text that is no name in one or two parts: an example instead
    for (String text : new String[] {"\"x", "x.", "it's"}) {
      CliRun other = CliRun.run(db.jdbcUrl(), "status", text);
      assertEquals(2, other.exitCode(), other.transcript());
      assertEquals("error: not a valid table name: '" + text + "'; write it as in SQL (NAME or SCHEMA.NAME), a part "
          + "with spaces, capitals or other characters in double quotes, the whole in single quotes for the shell: "
          + "e.g. '\"Sales Dept\".\"Region Revenue\"'\n", other.err(), other.transcript());
    }

    // the advice works
    db.execute("CREATE SCHEMA \"Sales Dept\"");
    CliRun quoted = CliRun.run(db.jdbcUrl(), "create", "\"Sales Dept\".\"x\"", "--query", "SELECT 1 AS one");
    assertEquals(0, quoted.exitCode(), quoted.transcript());
    assertTrue(quoted.out().startsWith("created stream table \"Sales Dept\".\"x\""), quoted.transcript());
    CliRun spaced = CliRun.run(db.jdbcUrl(), "create", "\"x y\"", "--query", "SELECT 1 AS one");
    assertEquals(0, spaced.exitCode(), spaced.transcript());
    assertTrue(spaced.out().startsWith("created stream table \"public\".\"x y\""), spaced.transcript());
    for (String name : new String[] {"\"Sales Dept\".\"x\"", "\"x y\""}) {
      CliRun verified = CliRun.run(db.jdbcUrl(), "verify", name);
      assertEquals(0, verified.exitCode(), verified.transcript());
    }
  }

  @Test
  void theDemoNeverDropsATableOfTheUsersThatMerelyHasATpchName(TestDatabase db) throws Exception {
    // a database named by PGHOST/PGDATABASE (here --jdbc-url) with the tables of docs/stream-tables.md
    db.execute("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, region text NOT NULL)",
        "CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, "
            + "amount numeric(10,2) NOT NULL)",
        "INSERT INTO customers VALUES (1, 'Ann', 'east')", "INSERT INTO orders VALUES (1, 1, 10.50)");
    for (String command : new String[] {"demo", "bench"}) {
      CliRun run = CliRun.run(db.jdbcUrl(), command, "--rounds", "1");
      assertEquals(3, run.exitCode(), run.transcript());
      assertTrue(run.err().startsWith("error: table \"public\".\"orders\" is not a TPC-H table (it has no column "
          + "o_orderkey), and loading TPC-H replaces the tables of TPC-H's names in schema \"public\"; nothing was "
          + "dropped."), run.transcript());
      assertEquals(1L, db.scalar("SELECT count(*) FROM orders WHERE amount = 10.50"), run.transcript());
    }
    // so does tpch load --replace
    CliRun load = CliRun.run(db.jdbcUrl(), "tpch", "load", "--sf", "0.01", "--replace");
    assertEquals(3, load.exitCode(), load.transcript());
    assertEquals(1L, db.scalar("SELECT count(*) FROM orders"), load.transcript());
  }

  @Test
  void anAggregateOverATypeCarriedByNameIsNamedAsWrittenWithACastThatWorks(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_m (id int PRIMARY KEY, region text, m money, doc jsonb)",
        "INSERT INTO rw_m VALUES (1, 'east', 1.50, '{}'), (2, 'east', 2, '[]')");
    for (String sum : new String[] {"sum(m)", "sum(m)::money"}) {
      CliRun refused = CliRun.run(db.jdbcUrl(), "create", "rw_sum", "--mode", "DIFFERENTIAL", "--query",
          "SELECT region, " + sum + " AS total FROM rw_m GROUP BY region");
      assertEquals(3, refused.exitCode(), refused.transcript());
      assertTrue(refused.err().startsWith("error: unsupported: FR001: the aggregate sum(…) over a column of a type "
          + "Freshet's planner carries by name"), refused.transcript());
      assertTrue(refused.err().contains("  fix: aggregate the value cast to a type Freshet reads (e.g. "
          + "sum(m::numeric), max(doc::text)), or use --mode FULL or AUTO\n"), refused.transcript());
      assertFalse(refused.err().contains("`"), refused.transcript());
    }
    CliRun function = CliRun.run(db.jdbcUrl(), "create", "rw_cat", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id, doc || '{}' AS d FROM rw_m");
    assertEquals(3, function.exitCode(), function.transcript());
    assertTrue(function.err().startsWith("error: unsupported: FR001: the operator || over"), function.transcript());

    // the fix works
    CliRun cast = CliRun.run(db.jdbcUrl(), "create", "rw_sum", "--mode", "DIFFERENTIAL", "--query",
        "SELECT region, sum(m::numeric) AS total FROM rw_m GROUP BY region");
    assertEquals(0, cast.exitCode(), cast.transcript());
    assertEquals(3.5, ((Number) db.scalar("SELECT total FROM rw_sum")).doubleValue());
  }

  /**
   * FR001 for a subscript of an array of a type carried by name points at the subscript, as every other refusal
   * points at its construct (the walkthrough's {@code GROUP BY tags[1]} had no caret), also after a name the
   * planner quotes ({@code by}) shifted the text it parsed; AUTO's fallback line gives the position too.
   */
  @Test
  void aSubscriptOfAnArrayCarriedByNameIsPointedAt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_tagged (id int PRIMARY KEY, tags text[], n int)",
        "INSERT INTO rw_tagged VALUES (1, '{a,b}', 1), (2, '{a}', 2)");
    CliRun grouped = CliRun.run(db.jdbcUrl(), "create", "rw_first", "--mode", "DIFFERENTIAL", "--query",
        "SELECT tags[1] AS t, count(*) FROM rw_tagged GROUP BY tags[1]");
    assertEquals(3, grouped.exitCode(), grouped.transcript());
    assertEquals("error: unsupported: FR001: the subscript […] over a column of a type Freshet's planner carries by "
        + "name (jsonb, an enum, inet, money, an array...): its result type is PostgreSQL's to decide, and Freshet "
        + "cannot tell it\n"
        + "  fix: cast the result to the type PostgreSQL gives it (e.g. (doc || '{}')::jsonb, upper(m::text)), or use "
        + "--mode FULL or AUTO\n"
        + "  --> query:1:55\n"
        + "   | SELECT tags[1] AS t, count(*) FROM rw_tagged GROUP BY tags[1]\n"
        + "   |                                                       ^^^^^^^\n", grouped.err(), grouped.transcript());

    CliRun shifted = CliRun.run(db.jdbcUrl(), "create", "rw_first", "--mode", "DIFFERENTIAL", "--query",
        "SELECT v.by, n, tags[2] AS second FROM rw_tagged, (SELECT 1 AS by) v");
    assertEquals(3, shifted.exitCode(), shifted.transcript());
    assertTrue(shifted.err().contains("  --> query:1:17\n   | SELECT v.by, n, tags[2] AS second FROM rw_tagged, "
        + "(SELECT 1 AS by) v\n   |                 ^^^^^^^\n"), shifted.transcript());

    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "rw_first", "--query",
        "SELECT tags[1] AS t, count(*) FROM rw_tagged GROUP BY tags[1]");
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().contains("fallback:     FR001 unsupported_function at line 1, column 55: the subscript"),
        auto.transcript());
    db.execute("INSERT INTO rw_tagged VALUES (3, '{b}', 3)");
    assertEquals(0, CliRun.run(db.jdbcUrl(), "refresh", "rw_first").exitCode());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "rw_first");
    }
  }

  @Test
  void aFunctionFreshetCannotReadIsNamedWithoutCalcitesTypeFamilies(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_arr (id int PRIMARY KEY, tags int[])", "INSERT INTO rw_arr VALUES (1, '{1,2}')");
    CliRun run = CliRun.run(db.jdbcUrl(), "create", "rw_len", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id, array_length(tags, 1) AS l FROM rw_arr");
    assertEquals(3, run.exitCode(), run.transcript());
    assertTrue(run.err().startsWith("error: unsupported: FR008: Freshet's planner cannot read this query yet (function "
        + "array_length(integer[], integer) is not known to Freshet's planner)\n"), run.transcript());
    assertFalse(run.err().contains("<ANY>") || run.err().contains("<NUMERIC>") || run.err().contains("does not exist"),
        run.transcript());
    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "rw_len", "--query",
        "SELECT id, array_length(tags, 1) AS l FROM rw_arr");
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().contains(": FULL (requested AUTO)"), auto.transcript());
  }

  /**
   * An operator Freshet's planner does not know is named with PostgreSQL's types and pointed at (found by the
   * walkthrough: it said {@code Cannot apply '<<' to arguments of type '<POSTGRES(INET)> << <CHAR(10)>'.
   * Supported form(s): '<INTEGER> << <INTEGER>'}, and {@code syntax error at or near "& &"} for {@code &&}; those
   * on inet, arrays and ranges are read now, InfixOperatorScenarioTest); in AUTO the stream table is FULL with that
   * reason, and refreshes as PostgreSQL runs the query.
   */
  @Test
  void anOperatorFreshetCannotReadIsNamedWithPostgresqlsTypes(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_hosts (id int PRIMARY KEY, addr inet, net cidr, tags text[], r int4range, p point, "
        + "b box)", "INSERT INTO rw_hosts VALUES (1, '10.1.2.3', '10.0.0.0/8', '{x}', '[1,5)', '(1,1)', '((0,0),(2,2))'), "
        + "(2, '192.168.0.1', '192.168.0.0/16', '{y}', '[7,9)', '(5,5)', '((0,0),(1,1))')");
    CliRun inet = CliRun.run(db.jdbcUrl(), "create", "rw_net", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id FROM rw_hosts WHERE p << '(3,3)'");
    assertEquals(3, inet.exitCode(), inet.transcript());
    assertEquals("error: unsupported: FR008: Freshet's planner cannot read this query yet (operator point << unknown "
        + "is not known to Freshet's planner)\n"
        + "  fix: use --mode FULL or AUTO: PostgreSQL runs the query as written\n"
        + "  --> query:1:31\n"
        + "   | SELECT id FROM rw_hosts WHERE p << '(3,3)'\n"
        + "   |                               ^^^^^^^^^^^^\n", inet.err(), inet.transcript());
    String[][] others = {
        {"b && b", "operator box && box is not known to Freshet's planner", "  --> query:1:31\n"},
        {"b <<| b", "operator <<| is not known to Freshet's planner", "  --> query:1:33\n"},
        {"b @> p", "operator box @> point is not known to Freshet's planner", "  --> query:1:31\n"},
        {"tags @> ARRAY['x'] AND r @> 3 AND addr <<= net AND b >> b",
            "operator box >> box is not known to Freshet's planner", "  --> query:1:82\n"},
        {"p <@ b", "operator point <@ box is not known to Freshet's planner", "  --> query:1:31\n"},
        {"host(addr) = '10.1.2.3'", "function host(inet) is not known to Freshet's planner", "  --> query:1:31\n"}};
    for (String[] other : others) {
      CliRun run = CliRun.run(db.jdbcUrl(), "create", "rw_net", "--mode", "DIFFERENTIAL", "--query",
          "SELECT id FROM rw_hosts WHERE " + other[0]);
      assertEquals(3, run.exitCode(), run.transcript());
      assertTrue(run.err().startsWith("error: unsupported: FR008: Freshet's planner cannot read this query yet ("
          + other[1] + ")\n"), run.transcript());
      assertTrue(run.err().contains(other[2]), run.transcript());
      for (String calcite : new String[] {"POSTGRES(", "CHAR(", "Cannot apply", "Supported form", "& &", "<< ="}) {
        assertFalse(run.err().contains(calcite), run.transcript());
      }
    }

    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "rw_net", "--query",
        "SELECT id FROM rw_hosts WHERE p << '(3,3)'");
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().contains("fallback:     FR008 unreadable_query at line 1, column 31: Freshet's planner "
        + "cannot read this query yet (operator point << unknown is not known to Freshet's planner)"), auto.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "rw_net");
    }
    db.execute("INSERT INTO rw_hosts VALUES (3, '10.9.9.9', '10.0.0.0/8', '{z}', '[1,2)', '(0,0)', '((0,0),(1,1))')",
        "UPDATE rw_hosts SET p = '(9,9)' WHERE id = 1");
    CliRun refresh = CliRun.run(db.jdbcUrl(), "refresh", "rw_net");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "rw_net");
    }
    assertEquals(3L, ((Number) db.scalar("SELECT min(id) FROM rw_net")).longValue());
  }

  /**
   * A scalar sub-query that may return two rows is pointed at (the refusal had no position, and the query's other
   * scalar sub-query, an aggregate, is not the one) and says why: PostgreSQL fails such a query when it does. In
   * AUTO it is FULL, and a refresh when it returns two rows fails with PostgreSQL's error, the stored rows as they
   * were; once it returns one again, the refresh succeeds.
   */
  @Test
  void aScalarSubQueryOfManyRowsIsPointedAtAndFailsAsPostgresqlDoes(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_sqc (id int PRIMARY KEY, k int, name text)",
        "CREATE TABLE rw_sqo (id int PRIMARY KEY, k int, amount int)",
        "INSERT INTO rw_sqc VALUES (1, 1, 'a'), (2, 2, 'b')", "INSERT INTO rw_sqo VALUES (1, 1, 10), (2, 2, 20)");
    String query = "SELECT o.id, o.amount FROM rw_sqo o WHERE o.amount >= (SELECT min(amount) FROM rw_sqo)\n"
        + "  AND o.k = (SELECT c.k FROM rw_sqc c WHERE c.name = 'a')";
    CliRun refused = CliRun.run(db.jdbcUrl(), "create", "rw_sq", "--mode", "DIFFERENTIAL", "--query", query);
    assertEquals(3, refused.exitCode(), refused.transcript());
    assertEquals("error: unsupported: FR006: a scalar sub-query that may return more than one row is not maintained "
        + "differentially: PostgreSQL fails the query when it does (\"more than one row returned by a subquery used "
        + "as an expression\"), which applying changes cannot tell\n"
        + "  fix: make it return one row at most: an aggregate (SELECT max(k) FROM …), or correlate it on a primary "
        + "key or unique column (WHERE c.id = o.cid); or use --mode FULL or AUTO: PostgreSQL runs the query as "
        + "written, and a refresh fails as it does when the sub-query returns more than one row\n"
        + "  --> query:2:13\n"
        + "   |   AND o.k = (SELECT c.k FROM rw_sqc c WHERE c.name = 'a')\n"
        + "   |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n", refused.err(), refused.transcript());
    // correlated on the key, it returns one row at most: maintained
    CliRun keyed = CliRun.run(db.jdbcUrl(), "create", "rw_keyed", "--mode", "DIFFERENTIAL", "--query",
        "SELECT o.id, (SELECT c.name FROM rw_sqc c WHERE c.id = o.k) AS name FROM rw_sqo o");
    assertEquals(0, keyed.exitCode(), keyed.transcript());

    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "rw_sq", "--query", query);
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().contains("fallback:     FR006 unsupported_aggregate at line 2, column 13: a scalar sub-query "
        + "that may return more than one row"), auto.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "rw_sq");
      Oracle.assertFresh(c, "rw_keyed");
    }
    db.execute("INSERT INTO rw_sqc VALUES (3, 2, 'a')", "INSERT INTO rw_sqo VALUES (3, 2, 30)");
    CliRun twoRows = CliRun.run(db.jdbcUrl(), "refresh", "rw_sq");
    assertEquals(4, twoRows.exitCode(), twoRows.transcript());
    assertTrue(twoRows.err().startsWith("error: \"public\".\"rw_sq\": more than one row returned by a subquery used "
        + "as an expression\n"), twoRows.transcript());
    assertEquals(1L, db.scalar("SELECT count(*) FROM rw_sq"), "the stored rows are as they were");
    db.execute("DELETE FROM rw_sqc WHERE id = 1");
    CliRun oneRow = CliRun.run(db.jdbcUrl(), "refresh", "rw_sq", "rw_keyed");
    assertEquals(0, oneRow.exitCode(), oneRow.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "rw_sq");
      Oracle.assertFresh(c, "rw_keyed");
    }
    assertEquals(2L, db.scalar("SELECT count(*) FROM rw_sq"));
  }

  @Test
  void validPostgresqlFreshetsParserCannotReadIsASyntaxErrorInPostgresqlsWords(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_l (id int PRIMARY KEY)");
    CliRun limit = CliRun.run(db.jdbcUrl(), "create", "rw_lim", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id FROM rw_l LIMIT (SELECT 2)");
    assertEquals(3, limit.exitCode(), limit.transcript());
    assertEquals("error: unsupported: FR008: Freshet's planner cannot read this query yet (syntax error at or near "
        + "\"LIMIT\")\n"
        + "  fix: use --mode FULL or AUTO: PostgreSQL runs the query as written\n"
        + "  --> query:1:21\n"
        + "   | SELECT id FROM rw_l LIMIT (SELECT 2)\n"
        + "   |                     ^^^^^\n", limit.err(), limit.transcript());
    CliRun distinctOn = CliRun.run(db.jdbcUrl(), "create", "rw_lim", "--mode", "DIFFERENTIAL", "--query",
        "SELECT DISTINCT ON (id) id FROM rw_l");
    assertEquals(3, distinctOn.exitCode(), distinctOn.transcript());
    assertTrue(distinctOn.err().startsWith("error: unsupported: FR008: DISTINCT ON is not read by Freshet's planner "
        + "yet\n"), distinctOn.transcript()); // named (it said: syntax error at or near "ON")
    for (CliRun run : new CliRun[] {limit, distinctOn}) {
      assertFalse(run.err().contains("Incorrect syntax") || run.err().contains("Encountered"), run.transcript());
    }
  }

  @Test
  void fromOnlyIsNamedAsSuchNotAsATableCalledOnly(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE rw_parent (id int PRIMARY KEY)", "INSERT INTO rw_parent VALUES (1)");
    CliRun run = CliRun.run(db.jdbcUrl(), "create", "rw_only", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id FROM ONLY rw_parent");
    assertEquals(3, run.exitCode(), run.transcript());
    assertTrue(run.err().startsWith("error: unsupported: FR008: Freshet's planner cannot read this query yet (FROM ONLY: "
        + "a table without its inheritance children)\n"), run.transcript());
    assertFalse(run.err().contains("relation \"only\""), run.transcript());
    CliRun auto = CliRun.run(db.jdbcUrl(), "create", "rw_only", "--query", "SELECT id FROM ONLY rw_parent");
    assertEquals(0, auto.exitCode(), auto.transcript());
  }
}
