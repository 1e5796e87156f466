package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code char(n)} constants ({@code 'ab '::char(3)}) are PostgreSQL's {@code bpchar}: trailing blanks are
 * insignificant in comparisons, {@code max}/{@code min}, {@code length()}, and dropped by {@code ||} and a
 * cast to text. Calcite folds the cast into its CHAR literal {@code 'ab '}, which Freshet printed bare, as
 * PostgreSQL's {@code unknown}: {@code text} in a select list, a {@code VALUES} row, a union or an aggregate's
 * argument, with its trailing blanks significant. A top-k over a union stored and ranked {@code 'ab '} as text
 * (stale right after the create), and plans returning text where the query returns bpchar were refused
 * FR009 (property soaks 211 and 223, 2026-12-05).
 */
@PostgresTest
class CharConstantScenarioTest {

  @Test
  void charConstantsInAggregatesCaseConcatenationAndComparisons(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ch (id int PRIMARY KEY, l char(3), s text, n int)",
          "INSERT INTO ch VALUES (1, 'a', 'a', 1), (2, 'ab ', 'ab ', 2), (3, 'A', 'b', 3), (4, NULL, 'ab', 1),"
              + " (5, '', '', 2)");
      List<String> queries = List.of(
          // property soak 223
          "SELECT COALESCE(avg(0), 0) AS a1, max('ab '::char(3)) AS a2, sum(-1) AS a3 FROM ch a"
              + " WHERE a.l >= 'a  '::char(3)",
          "SELECT max(l) AS mx, min(l) AS mn, max('a'::char(3)) AS k, min('ab '::char(3)) AS k2,"
              + " max(COALESCE(l, 'ab '::char(3))) AS k3 FROM ch",
          "SELECT n, max(CASE WHEN id > 2 THEN l ELSE 'b'::char(3) END) AS mx, min(COALESCE(l, 'a'::char(3))) AS mn,"
              + " max(CASE WHEN id > 2 THEN 'ab '::char(3) ELSE 'a  '::char(3) END) AS k FROM ch GROUP BY n",
          "SELECT id, CASE WHEN n > 1 THEN 'a'::char(3) ELSE 'ab '::char(3) END AS x,"
              + " CASE WHEN n > 2 THEN l ELSE 'b'::char(3) END AS y FROM ch",
          "SELECT id, l || 'x' AS a, 'a'::char(3) || 'x' AS b, 'a'::char(3) || s AS c, length(l) AS d,"
              + " length('ab '::char(3)) AS e, 'ab '::char(3)::text AS t FROM ch",
          "SELECT id FROM ch WHERE s = 'a '::char(3) OR s = 'ab '::char(3)",
          "SELECT id, s = 'a  '::char(3) AS eq, l = 'a'::char(3) AS eq2, s < 'ab '::char(3) AS lt FROM ch",
          "SELECT 'ab '::char(3) AS k, count(*) AS n FROM ch GROUP BY 1");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "cc" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO ch VALUES (6, 'ab', 'ab  ', 5), (7, 'b', NULL, 1)",
          "UPDATE ch SET l = 'ab ', s = 'a ' WHERE id = 1", "DELETE FROM ch WHERE id = 3");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "cc" + i, Mode.DIFFERENTIAL);
      }
      exec(c, "DELETE FROM ch WHERE l >= 'ab'", "INSERT INTO ch VALUES (8, 'abc', 'a', 2)",
          "UPDATE ch SET s = 'ab' WHERE id = 5");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "cc" + i, Mode.DIFFERENTIAL);
      }
      // bpchar to text drops the padding: in ||, in a cast, and min('ab '::char(3)) is 'ab ' = 'ab'
      assertEquals(List.of("ab|abc"), rows(c, "SELECT k2 || '|' || k3 FROM cc1"));
      assertEquals(List.of("4|-|ax|aab|-1|2|ab", "5|x|ax|aab|0|2|ab", "8|abcx|ax|aa|3|2|ab"),
          rows(c, "SELECT id || '|' || coalesce(a, '-') || '|' || b || '|' || coalesce(c, '-') || '|'"
              + " || coalesce(d, -1) || '|' || e || '|' || t FROM cc4 ORDER BY id"));
      // text = bpchar compares as text, the constant's padding dropped: s < 'ab' for s = 'a'
      assertEquals(List.of("4|false|null|false", "5|false|false|false", "8|true|false|true"),
          rows(c, "SELECT id || '|' || coalesce(eq::text, 'null') || '|' || coalesce(eq2::text, 'null') || '|'"
              + " || coalesce(lt::text, 'null') FROM cc6 ORDER BY id"));
    }
  }

  @Test
  void charConstantsInUnionsAndTopRows(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE cu (id int PRIMARY KEY, l char(3))", "CREATE TABLE cv (id int PRIMARY KEY, i int)",
          "INSERT INTO cu VALUES (1, 'ab'), (2, 'a  ')");
      List<String> queries = List.of(
          "SELECT id, l AS x FROM cu UNION ALL VALUES (10, 'ab'::char(3)), (11, 'a  '::char(3))",
          // property soak 211, on an empty source
          "SELECT 2 AS c1, 'ab '::char(3) AS c2 FROM cv a UNION ALL VALUES (-1, 'ab'::char(3)), (2, 'ab '::char(3))"
              + " ORDER BY 2 DESC LIMIT 2 OFFSET 1",
          // property soak 223, shrunk again
          "SELECT b.i AS c1, 'ab '::char(3) AS c2 FROM cu a CROSS JOIN cv b UNION ALL SELECT 2 AS c1,"
              + " 'ab'::char(3) AS c2 FROM cu a ORDER BY 1 LIMIT 1",
          "SELECT id, l AS x FROM cu UNION ALL VALUES (10, 'ab'::char(3)), (11, 'a  '::char(3)) ORDER BY 2 DESC, 1"
              + " LIMIT 3",
          "SELECT 'A'::char(3) AS k, id FROM cu UNION ALL VALUES ('a'::char(3), 0), ('ab '::char(3), 1)",
          "SELECT x, count(*) AS n FROM (SELECT l AS x FROM cu UNION ALL SELECT 'a'::char(3) FROM cv) u GROUP BY x",
          "SELECT max(x) AS mx, min(x) AS mn FROM (SELECT l AS x FROM cu UNION ALL VALUES ('ab '::char(3))) u");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "cu" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO cv VALUES (1, 3), (2, -5)", "INSERT INTO cu VALUES (3, 'b'), (4, 'ab ')",
          "UPDATE cu SET l = 'a' WHERE id = 1");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "cu" + i, Mode.DIFFERENTIAL);
      }
      exec(c, "DELETE FROM cu WHERE id IN (3, 4)", "DELETE FROM cv WHERE id = 2", "UPDATE cu SET l = 'abc' WHERE id = 2");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "cu" + i, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("2|ab", "2|ab"), rows(c, "SELECT c1 || '|' || c2 FROM cu1"));
      assertEquals(List.of("abc|a"), rows(c, "SELECT mx || '|' || mn FROM cu6"));
    }
  }
  /**
   * A sub-query's column of string constants alone is text in PostgreSQL (unknown literals resolve to text there),
   * though Calcite types it CHAR: a COALESCE or CASE of it with other strings is no char(n) mix, and is maintained
   * (property soak 739 refused {@code COALESCE(u.c2, 'ab')} over such a union), nor is a CASE of constants alone
   * (soaks 557 and 709: one first in a union column beside {@code 'B'}) or an aggregate of one ({@code min('a')},
   * soak 743); a char(n) column of a sub-query is still one.
   */
  @Test
  void aSubQueryColumnOfConstantsIsText(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE cq (id int PRIMARY KEY, n int, l char(3))",
          "INSERT INTO cq VALUES (1, 1, 'a'), (2, 2, 'ab '), (3, 3, NULL)", "CREATE TABLE ct (t text NOT NULL)",
          "INSERT INTO ct VALUES ('u  ')");
      List<String> queries = List.of(
          // property soak 739, over this table
          "SELECT DISTINCT COALESCE(u.c2, 'ab') AS c1 FROM (SELECT a.id AS c1, 'B ' AS c2 FROM cq a, cq b "
              + "WHERE a.id = b.id AND NOT (a.n > b.n) UNION ALL VALUES (-1, 'a')) u WHERE u.c1 <= 2",
          "SELECT u.id, COALESCE(u.c2, 'zz') AS c, CASE WHEN u.id > 2 THEN u.c2 ELSE 'yyy' END AS d "
              + "FROM (SELECT id, 'q ' AS c2 FROM cq WHERE n > 1) u",
          // property soak 709: a CASE of constants first in a union column, beside another constant
          "SELECT u.id, u.c3 FROM (SELECT id, CASE WHEN n < 2 THEN '' ELSE '' END AS c3 FROM cq "
              + "UNION ALL SELECT -id, 'B' FROM cq WHERE n > 2) u",
          "SELECT id, COALESCE(CASE WHEN n > 1 THEN 'x' END, 'yy') AS c FROM cq",
          // a CASE of constants and NULL is text in PostgreSQL: it keeps the blank ('x ' was stored 'x'), and
          // compares as text ('x' equalled 'x ' as char(1))
          "SELECT id, COALESCE(CASE WHEN n > 1 THEN 'x ' END, 'yy') AS c, length(CASE WHEN n > 2 THEN 'ab ' END) AS l "
              + "FROM cq",
          "SELECT id FROM cq WHERE CASE WHEN n > 1 THEN 'x' END = 'x ' OR CASE WHEN n > 3 THEN 'y ' END = 'y '",
          // property soak 743: an aggregate of a constant first in a union column, text in PostgreSQL
          "SELECT u.k, u.a2 FROM (SELECT x.n AS k, min('a ') AS a2 FROM cq x GROUP BY x.n) u "
              + "UNION ALL VALUES (CAST(NULL AS int), CAST(NULL AS text)), (-1, '')",
          // property soak 822: a CASE of a constant whose condition always holds (id is the key), simplified to the
          // constant, first in a union beside text: the text keeps its trailing blank ('v ' was stored 'v')
          "SELECT CASE WHEN id IS NOT NULL THEN 'B' END AS c FROM cq UNION ALL SELECT t FROM ct",
          "SELECT CASE WHEN id IS NOT NULL THEN 'ab ' END AS c FROM cq UNION ALL SELECT t FROM ct");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "cq" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      exec(c, "INSERT INTO cq VALUES (4, 0, 'b'), (5, 5, 'c')", "DELETE FROM cq WHERE id = 2",
          "UPDATE cq SET n = 0 WHERE id = 3", "INSERT INTO ct VALUES ('v '), ('ab ')");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "cq" + i, Mode.DIFFERENTIAL);
      }
      // the constant's trailing blank is kept, as text keeps it
      assertEquals(List.of("5|q |q "), rows(c, "SELECT id || '|' || c || '|' || d FROM cq1 ORDER BY id"));
      assertEquals(List.of("1|yy|-1", "3|yy|-1", "4|yy|-1", "5|x |3"),
          rows(c, "SELECT id || '|' || c || '|' || coalesce(l, -1) FROM cq4 ORDER BY id"));
      assertEquals(List.of("5"), rows(c, "SELECT id::text FROM cq5"));
      assertEquals(List.of("'ab '", "'u  '", "'v '"),
          rows(c, "SELECT quote_literal(c) FROM cq7 WHERE c <> 'B' ORDER BY 1"));
      // a char(3) column of a sub-query beside a constant is still a char(n) mix
      String column = "SELECT COALESCE(u.l, 'zz') AS x FROM (SELECT l FROM cq) u";
      UnsupportedQueryException e = assertThrows(UnsupportedQueryException.class,
          () -> QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(column), column);
      assertEquals("FR003", e.refusal().reason().code(), e.getMessage());
    }
  }

  /**
   * A char(n) value beside strings of other lengths or before text (a union column, CASE, COALESCE, GREATEST)
   * is PostgreSQL's {@code character}, which Calcite would type text: refused in DIFFERENTIAL (the soak-211 union ranked
   * {@code 'a '} above {@code 'a'}); AUTO runs it FULL and stays fresh. Mixes typed alike by both (with text,
   * constants of the column's length, constants alone, casts as advised) stay maintained.
   */
  @Test
  void charValuesBesideStringsOfOtherLengthsAreRefusedNotMistyped(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE cw (id int PRIMARY KEY, l char(3), m char(5), s text)",
          "INSERT INTO cw VALUES (1, 'ab', 'ab', 'ab'), (2, 'a  ', 'a', 'a '), (3, 'a', 'b', 'b'), (4, NULL, NULL, NULL)");
      List<String> refused = List.of(
          "SELECT id, l FROM cw UNION ALL SELECT id, 'a ' FROM cw ORDER BY 2 DESC, 1 LIMIT 3",
          "SELECT l FROM cw UNION ALL VALUES ('a '), ('b')",
          "SELECT l FROM cw UNION SELECT m FROM cw",
          "SELECT id, CASE WHEN id > 2 THEN l ELSE 'a ' END AS x FROM cw",
          "SELECT id, COALESCE(l, 'zz') AS x FROM cw",
          "SELECT max(GREATEST(l, 'a ')) AS x FROM cw",
          // PostgreSQL types these character too (the first value that is not a constant decides), Calcite text
          "SELECT id, l FROM cw UNION ALL SELECT id, s FROM cw ORDER BY 2 DESC, 1 LIMIT 3",
          "SELECT id, COALESCE(l, s) AS y FROM cw",
          "SELECT id, CASE WHEN id > 2 THEN s ELSE l END AS y FROM cw");
      for (String query : refused) {
        UnsupportedQueryException e = assertThrows(UnsupportedQueryException.class,
            () -> QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(query), query);
        assertEquals("FR003", e.refusal().reason().code(), e.getMessage());
        assertTrue(e.refusal().message().contains("char(n)") && e.refusal().fix().contains("::char(3)"),
            e.getMessage());
      }
      List<String> maintained = List.of(
          "SELECT id, s FROM cw UNION ALL SELECT id, l FROM cw ORDER BY 2 DESC, 1 LIMIT 3",
          "SELECT id, l FROM cw UNION ALL SELECT id, 'a  ' FROM cw ORDER BY 2 DESC, 1 LIMIT 3",
          "SELECT id, l FROM cw UNION ALL SELECT id, 'a '::char(3) FROM cw ORDER BY 2 DESC, 1 LIMIT 3",
          "SELECT id, l::text AS l FROM cw UNION ALL SELECT id, 'a ' FROM cw ORDER BY 2 DESC, 1 LIMIT 3",
          "SELECT id, CASE WHEN id > 2 THEN 'a' ELSE 'ab ' END AS x, COALESCE(s, l) AS y,"
              + " CASE WHEN id > 2 THEN l ELSE s END AS z FROM cw",
          "SELECT 'a' AS x FROM cw UNION ALL SELECT 'ab ' FROM cw");
      for (int i = 0; i < maintained.size(); i++) {
        create(c, "cw" + i, maintained.get(i), Mode.DIFFERENTIAL);
      }
      StoredStreamTable auto = StreamTables.create(c, "cw_auto", refused.get(0), Mode.AUTO, null);
      assertEquals(Mode.FULL, auto.effectiveMode());
      assertTrue(auto.fallbackReason().orElse("").contains("FR003"), auto.fallbackReason().toString());
      Oracle.assertFresh(c, "cw_auto");
      exec(c, "INSERT INTO cw VALUES (5, 'a ', 'a    ', 'a'), (6, 'b', 'bb', 'a  ')", "UPDATE cw SET l = 'a' WHERE id = 1",
          "DELETE FROM cw WHERE id = 3");
      for (int i = 0; i < maintained.size(); i++) {
        Oracle.refreshAndCheck(c, "cw" + i, Mode.DIFFERENTIAL);
      }
      Oracle.refreshAndCheck(c, "cw_auto", Mode.FULL);
    }
  }
}
