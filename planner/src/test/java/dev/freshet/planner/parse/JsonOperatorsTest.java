package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.InvalidQueryException;
import dev.freshet.planner.QueryException;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.PgColumn;
import dev.freshet.planner.catalog.PgTable;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.core.Oid;

/** {@link JsonOperators}: each json operator becomes a call over exactly the operands PostgreSQL gives it. */
class JsonOperatorsTest {

  private static final PgCatalog CATALOG = new PgCatalog(List.of("public"), List.of("public"), List.of(
      new PgTable("public", "d", PgTable.Kind.TABLE, 1, 0,
          List.of(new PgColumn("id", "integer", Oid.INT4, -1, true, 1), named("doc", "jsonb", Oid.JSONB, 2, true),
              named("j", "json", Oid.JSON, 3, false), new PgColumn("k", "text", Oid.TEXT, -1, false, 4)),
          List.of("id"), List.of(), List.of(), List.of())));

  private static PgColumn named(String name, String type, long oid, int ordinal, boolean equality) {
    return new PgColumn(name, type, oid, -1, false, ordinal, oid, -1, type, equality, equality);
  }

  private static String rewrite(String sql) {
    return JsonOperators.rewrite(InfixCasts.rewrite(sql), sql).text();
  }

  private static RelNode plan(String sql) {
    return QueryPlanner.forCatalog(CATALOG).plan(sql).rel();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
      doc ->> 'a'                          => "->>"(doc , 'a')
      doc->>'a'                            => "->>"(doc,'a')
      t.doc -> 0                           => "->"(t.doc , 0)
      doc -> -1                            => "->"(doc , -1)
      doc->-1                              => "->"(doc,-1)
      doc -> 'a' ->> 'b'                   => "->>"("->"(doc , 'a') , 'b')
      doc #>> '{a,b}'                      => "#>>"(doc , '{a,b}')
      doc #> ARRAY['a', 'b']               => "#>"(doc , ARRAY['a', 'b'])
      (doc ->> 'n')::int                   => (("->>"(doc , 'n'))::int)
      doc ->> 'n'::text                    => "->>"(doc , ('n'::text))
      doc::jsonb ->> 'n'                   => "->>"((doc::jsonb) , 'n')
      f(doc) -> lower(k)                   => "->"(f(doc) , lower(k))
      doc -> CASE WHEN a THEN 'x' END      => "->"(doc , CASE WHEN a THEN 'x' END)
      doc ->> 'a' = 'x'                    => "->>"(doc , 'a') = 'x'
      'x' < doc ->> 'a'                    => 'x' < "->>"(doc , 'a')
      doc ->> 'a' || 'x'                   => "->>"(doc , 'a') || 'x'
      NOT doc ? 'a' AND doc @> '{}'        => NOT "?"(doc , 'a') AND "@>"(doc , '{}')
      doc <@ x.y                           => "<@"(doc , x.y)
      doc <@ doc -> 'a'                    => "->"("<@"(doc , doc) , 'a')
      doc ->> 'a' LIKE 'x%'                => "->>"(doc , 'a') LIKE 'x%'
      doc ->> 'a' IS NULL                  => "->>"(doc , 'a') IS NULL
      sum((doc ->> 'n')::numeric)          => sum((("->>"(doc , 'n'))::numeric))
      select doc ->> 'a' name, doc -> 'b' "B" from t => select "->>"(doc , 'a') name, "->"(doc , 'b') "B" from t
      'a->>b' || x                         => 'a->>b' || x
      "a->>b"                              => "a->>b"
      x /* doc ->> 'a' */ + 1              => x /* doc ->> 'a' */ + 1
      a - -1                               => a - -1
      a <= b                               => a <= b
      """)
  void callsExactlyTheOperands(String sql, String expected) {
    assertEquals(expected, rewrite(sql));
  }

  @Test
  void commentsAreLeftAlone() {
    assertEquals("select a -- doc ->> 'a'\n  , \"->>\"(doc , 'a') from t",
        rewrite("select a -- doc ->> 'a'\n  , doc ->> 'a' from t"));
  }

  /** A neighbour binding as tight or tighter would take part of an operand: PostgreSQL's reading is unclear. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "'x' || doc ->> 'a'", // PostgreSQL: ('x' || doc) ->> 'a'
      "doc ->> 'a' || doc ->> 'b'", // PostgreSQL: ((doc ->> 'a') || doc) ->> 'b'
      "doc -> 'a' + 1", // PostgreSQL: doc -> ('a' + 1)
      "1 + doc -> 'a'",
      "- doc -> 'a'",
      "doc ->> 'a' COLLATE \"C\"",
      "doc -> a[1]",
      "doc ->> 'a' * 2",
      "doc ->>",
      "->> 'a'",
      "doc ->> 'a' @@ b",
  })
  void refusesWhatItCannotBracket(String sql) {
    assertThrows(InvalidQueryException.class, () -> rewrite(sql));
  }

  @Test
  void positionsMapBackToTheUsersText() {
    String sql = "select doc ->> 'a', doc -> 'b' -> 'c',\n  doc #>> '{x}' || zz from d";
    InfixCasts.Rewritten r = JsonOperators.rewrite(InfixCasts.rewrite(sql), sql);
    int column = r.text().split("\n")[1].indexOf("zz") + 1;
    assertEquals(new SourcePosition(2, 20, 2, 21), r.original(new SourcePosition(2, column, 2, column + 1)));
    QueryException e = assertThrows(QueryException.class,
        () -> plan("select doc ->> 'a', (doc -> 'b')::text,\n  doc ->> 'x' || nosuch from d"));
    assertEquals(new SourcePosition(2, 18, 2, 23), e.position());
    QueryException unclear = assertThrows(QueryException.class, () -> plan("select id,\n 'x' || doc ->> 'a' from d"));
    assertEquals(2, unclear.position().line());
    assertEquals(13, unclear.position().column());
    assertTrue(unclear.getMessage().contains("->>"), unclear.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT doc -> 'a' AS x FROM d                      | POSTGRES(jsonb)
      SELECT j -> 'a' AS x FROM d                        | POSTGRES(json, no equality)
      SELECT doc #> '{a,b}' AS x FROM d                  | POSTGRES(jsonb)
      SELECT doc ->> 'a' AS x FROM d                     | VARCHAR
      SELECT j #>> ARRAY['a', 'b'] AS x FROM d           | VARCHAR
      SELECT doc -> 'a' ->> 0 AS x FROM d                | VARCHAR
      SELECT (doc ->> 'n')::int AS x FROM d              | INTEGER
      SELECT doc @> '{"a":1}' AS x FROM d                | BOOLEAN
      SELECT doc ? k AS x FROM d                         | BOOLEAN
      SELECT doc <@ (doc -> 'a') AS x FROM d             | BOOLEAN
      """)
  void typedAsPostgresTypesThem(String sql, String type) {
    RelNode plan = plan(sql);
    assertEquals(type, plan.getRowType().getFieldList().get(0).getType().toString().replace(" NOT NULL", ""),
        () -> RelOptUtil.toString(plan));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT id ->> 'a' FROM d",
      "SELECT k -> 'a' FROM d",
      "SELECT j ? 'a' FROM d",
      "SELECT doc -> 1.5 FROM d",
  })
  void refusesOtherOperandTypes(String sql) {
    assertThrows(InvalidQueryException.class, () -> plan(sql));
  }

  /** Calcite never evaluates them: the constant comparison stays for PostgreSQL. */
  @Test
  void constantsAreLeftToPostgres() {
    RelNode plan = plan("SELECT doc ->> 'b' AS b, count(*) AS n FROM d "
        + "WHERE '{\"a\":1}'::jsonb ->> 'a' = '1' AND doc ->> 'a' = 'x' GROUP BY doc ->> 'b'");
    String text = RelOptUtil.toString(plan);
    assertTrue(text.contains("=(->>(jsonb('{\"a\":1}'), 'a'), '1')") && text.contains("->>($0, 'b')"), text);
  }
}
