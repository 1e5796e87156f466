package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.core.Oid;

/**
 * {@link InfixOperators} and {@link InfixOperator}: each operator (json's; {@code @>}, {@code <@}, {@code &&},
 * {@code <<}, {@code >>}, {@code <<=}, {@code >>=}, {@code &<}, {@code &>}, {@code -|-} on inet, arrays and
 * ranges) becomes a call over exactly the operands PostgreSQL gives it, is typed as PostgreSQL types it, and
 * prints back as the operator.
 */
class InfixOperatorsTest {

  private static final PgCatalog CATALOG = new PgCatalog(List.of("public"), List.of("public"), List.of(
      new PgTable("public", "d", PgTable.Kind.TABLE, 1, 0,
          List.of(new PgColumn("id", "integer", Oid.INT4, -1, true, 1), named("doc", "jsonb", Oid.JSONB, 2, true),
              named("j", "json", Oid.JSON, 3, false), new PgColumn("k", "text", Oid.TEXT, -1, false, 4)),
          List.of("id"), List.of(), List.of(), List.of()),
      new PgTable("public", "h", PgTable.Kind.TABLE, 2, 0,
          List.of(new PgColumn("id", "integer", Oid.INT4, -1, true, 1), named("addr", "inet", 869, 2, true),
              named("net", "cidr", 650, 3, true), named("tags", "text[]", Oid.TEXT_ARRAY, 4, true),
              named("ids", "integer[]", Oid.INT4_ARRAY, 5, true), named("r", "int4range", 3904, 6, true),
              named("mr", "int4multirange", 4451, 7, true), named("p", "point", Oid.POINT, 8, false),
              new PgColumn("n", "integer", Oid.INT4, -1, false, 9),
              new PgColumn("big", "bigint", Oid.INT8, -1, false, 10),
              new PgColumn("k", "text", Oid.TEXT, -1, false, 11)),
          List.of("id"), List.of(), List.of(), List.of())));

  private static PgColumn named(String name, String type, long oid, int ordinal, boolean equality) {
    return new PgColumn(name, type, oid, -1, false, ordinal, oid, -1, type, equality, equality);
  }

  private static String rewrite(String sql) {
    return InfixOperators.rewrite(InfixCasts.rewrite(sql), sql).text();
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
    InfixCasts.Rewritten r = InfixOperators.rewrite(InfixCasts.rewrite(sql), sql);
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

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
      addr << '10.0.0.0/8'                 => "<<"(addr , '10.0.0.0/8')
      addr <<= ('10.0.0.0/8'::inet)        => "<<="(addr , (('10.0.0.0/8'::inet)))
      tags[1:2] && tags                    => "&&"(tags[1:2] , tags)
      addr << '10.0.0.0/8'::inet           => "<<"(addr , ('10.0.0.0/8'::inet))
      n.net >>= h.addr AND h.id > 1        => "&gt;&gt;="(n.net , h.addr) AND h.id > 1
      net>>addr                            => "&gt;&gt;"(net,addr)
      addr && net                          => "&&"(addr , net)
      tags && ARRAY['x']                   => "&&"(tags , ARRAY['x'])
      NOT tags @> '{a}' OR ids <@ ARRAY[1] => NOT "@>"(tags , '{a}') OR "<@"(ids , ARRAY[1])
      r -|- r                              => "-|-"(r , r)
      r-|-'[1,2)'                          => "-|-"(r,'[1,2)')
      r &< r AND r &> mr                   => "&<"(r , r) AND "&&gt;"(r , mr)
      r @> n = (3 <@ r)                    => "@>"(r , n) = ("<@"(3 , r))
      tags && ARRAY['a'] && tags           => "&&"("&&"(tags , ARRAY['a']) , tags)
      tags && k || 'x'                     => "&&"(tags , k) || 'x'
      r << -1                              => "<<"(r , -1)
      n << 2                               => "<<"(n , 2)
      n << 2 + 1                           => n << 2 + 1
      n + 1 << 2                           => n + 1 << 2
      """)
  void callsExactlyTheOperandsOfTheOtherFamilies(String sql, String expected) {
    assertEquals(expected.replace("&gt;", ">"), rewrite(sql));
  }

  /** As for json's: a neighbour binding as tight or tighter is refused (only {@code <<} is left to Calcite). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "a || b && tags", // PostgreSQL: (a || b) && tags
      "n >> 2 + 1", // PostgreSQL: n >> (2 + 1)
      "r -|- r + 1",
      "addr >>= net COLLATE \"C\"",
      "&& tags",
  })
  void refusesWhatItCannotBracketInTheOtherFamilies(String sql) {
    assertThrows(InvalidQueryException.class, () -> rewrite(sql));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", textBlock = """
      SELECT addr << '10.0.0.0/8' AS x FROM h              => BOOLEAN
      SELECT addr <<= net AS x FROM h                      => BOOLEAN
      SELECT net >> addr AS x FROM h                       => BOOLEAN
      SELECT '10.0.0.0/8' >>= addr AS x FROM h             => BOOLEAN
      SELECT addr && '10.0.0.0/8'::cidr AS x FROM h        => BOOLEAN
      SELECT tags && ARRAY['x', 'yy'] AS x FROM h          => BOOLEAN
      SELECT tags @> '{a}' AS x FROM h                     => BOOLEAN
      SELECT '{1,2}' @> ids AS x FROM h                    => BOOLEAN
      SELECT ids <@ ARRAY[1, 2] AS x FROM h                => BOOLEAN
      SELECT r @> n AS x FROM h                            => BOOLEAN
      SELECT n <@ r AS x FROM h                            => BOOLEAN
      SELECT mr @> r AS x FROM h                           => BOOLEAN
      SELECT r && '[1,5)' AS x FROM h                      => BOOLEAN
      SELECT r << mr AS x FROM h                           => BOOLEAN
      SELECT r >> '[1,5)'::int4range AS x FROM h           => BOOLEAN
      SELECT r &< r AS x FROM h                            => BOOLEAN
      SELECT mr &> r AS x FROM h                           => BOOLEAN
      SELECT r -|- '[1,5)' AS x FROM h                     => BOOLEAN
      SELECT '[1,5)'::int4range @> 2 AS x FROM h           => BOOLEAN
      SELECT n << 2 AS x FROM h                            => INTEGER
      SELECT big >> n AS x FROM h                          => BIGINT
      SELECT n << '1' AS x FROM h                          => INTEGER
      SELECT n << 2 + 1 AS x FROM h                        => INTEGER
      SELECT doc @> '{"a":1}' AS x FROM d                  => BOOLEAN
      SELECT '{"a":1}' <@ doc AS x FROM d                  => BOOLEAN
      """)
  void otherFamiliesTypedAsPostgresTypesThem(String sql, String type) {
    RelNode plan = plan(sql);
    assertEquals(type, plan.getRowType().getFieldList().get(0).getType().toString().replace(" NOT NULL", ""),
        () -> RelOptUtil.toString(plan));
  }

  /** Nullable as its operands are: each operator is strict, and true or false on values. */
  @Test
  void nullableAsItsOperands() {
    RelNode plan = plan("SELECT id <@ '[1,5)'::int4range AS a, tags && '{}' AS b FROM h");
    assertEquals(false, plan.getRowType().getFieldList().get(0).getType().isNullable());
    assertEquals(true, plan.getRowType().getFieldList().get(1).getType().isNullable());
  }

  /**
   * Operands outside the families are left for PostgreSQL's refusal, or Freshet's: {@code point << point} is a
   * boolean in PostgreSQL, but not one of these families; {@code text[] @> text} is no operator of PostgreSQL's.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", textBlock = """
      SELECT id FROM h WHERE p << p                  => operator point << point is not known to Freshet's planner
      SELECT id FROM h WHERE p && '((0,0),(1,1))'    => operator point && unknown is not known to Freshet's planner
      SELECT id FROM h WHERE p <@ r                  => operator point <@ int4range is not known to Freshet's planner
      SELECT id FROM h WHERE tags @> k               => operator text[] @> text is not known to Freshet's planner
      SELECT id FROM h WHERE addr << 1               => operator inet << integer is not known to Freshet's planner
      SELECT id FROM h WHERE r @> tags               => operator int4range @> text[] is not known to Freshet's planner
      SELECT id FROM h WHERE r -|- addr              => operator int4range -|- inet is not known to Freshet's planner
      SELECT id FROM h WHERE tags <<= tags           => operator text[] <<= text[] is not known to Freshet's planner
      SELECT id FROM h WHERE '1' << 2 = 4            => operator unknown << integer is not known to Freshet's planner
      SELECT id FROM h WHERE k && '{a}'              => operator text && unknown is not known to Freshet's planner
      """)
  void refusesOperandsOutsideTheFamilies(String sql, String message) {
    QueryException e = assertThrows(QueryException.class, () -> plan(sql));
    assertEquals(message, e.getMessage());
  }

  /** Printed back as the operator, bracketed, with its operands as written: PostgreSQL evaluates it. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
      SELECT id FROM h WHERE addr << '10.0.0.0/8'           => ("addr" << '10.0.0.0/8')
      SELECT id FROM h WHERE tags && ARRAY['a', 'bb']       => ("tags" && ARRAY['a', 'bb'])
      SELECT id FROM h WHERE NOT tags @> '{a}'              => NOT ("tags" @> '{a}')
      SELECT id FROM h WHERE r @> (n + 1)                   => `("r" @> ("n" + 1))`
      SELECT id FROM h WHERE (r -|- '[1,2)') = (n <@ r)     => ("r" -|- '[1,2)') = ("n" <@ "r")
      SELECT id FROM h WHERE mr &> r OR r &< '[1,2)'        => ("mr" &> "r") OR ("r" &< '[1,2)')
      SELECT id, n >> 1 AS s FROM h                         => ("n" >> 1) AS "s"
      SELECT id FROM h WHERE ARRAY[1, 2] && ARRAY[2]        => (ARRAY[1, 2] && ARRAY[2])
      SELECT id FROM h WHERE 1 << 2 = 4                     => (1 << 2) = 4
      """)
  void printedBackAsTheOperator(String sql, String expected) {
    RelNode plan = plan(sql);
    String printed = new RelToSqlConverter(PostgresqlSqlDialect.DEFAULT).visitRoot(plan).asStatement()
        .toSqlString(PostgresqlSqlDialect.DEFAULT).getSql();
    assertTrue(printed.contains(expected), printed);
    assertFalse(printed.contains("\"&&\"") || printed.contains("\"<<\"") || printed.contains("\"@>\""), printed);
  }

  /** A theta join on one: the condition stays on the join, as the operator. */
  @Test
  void aJoinConditionStaysTheOperator() {
    RelNode plan = plan("SELECT a.id, b.id AS bid FROM h a JOIN h b ON b.net >>= a.addr AND a.r && b.mr");
    String text = RelOptUtil.toString(plan);
    assertTrue(text.contains("AND(>>=($2, $13), &&($5, $18))") || text.contains(">>=(") && text.contains("&&("),
        text);
  }
}
