package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.QueryException;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.SourcePosition;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.Litmus;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every word PostgreSQL takes as a name is read as that name, wherever PostgreSQL takes it, and every keyword
 * stays a keyword. The words: PostgreSQL 15's keywords (postgres-15-keywords.txt, from {@code pg_get_keywords()})
 * and every token of Calcite's parser, so a Calcite upgrade that reserves a new word fails here.
 */
class KeywordIdentifiersTest {

  /** Where PostgreSQL takes an unreserved or column-name keyword, or any other word, as a name ({@code ColId}). */
  private static final List<String> NAME_PLACES = List.of(
      "SELECT @ FROM kt",
      "SELECT kt.@, a, @ FROM kt",
      "SELECT a FROM kt WHERE @ = 1 AND NOT @ = 2 OR @ IS NULL OR @ IN (1, 2) OR @ BETWEEN 1 AND 2",
      "SELECT a FROM kt WHERE a = @ OR a IS NOT DISTINCT FROM @",
      "SELECT @ + 1, 1 + @, -@, (@), abs(@), count(DISTINCT @), COALESCE(@, 0) FROM kt",
      "SELECT @::text, CAST(@ AS bigint), ARRAY[@] FROM kt",
      "SELECT @, count(*) FROM kt GROUP BY @ HAVING max(@) > 0",
      "SELECT a FROM kt GROUP BY ROLLUP (a, @)",
      "SELECT a FROM kt ORDER BY @ DESC NULLS FIRST, @",
      "SELECT CASE WHEN @ = 1 THEN @ ELSE @ END, CASE @ WHEN 1 THEN 2 END FROM kt",
      "SELECT sum(a) OVER (PARTITION BY @ ORDER BY @ ROWS UNBOUNDED PRECEDING) FROM kt",
      "SELECT sum(a) OVER (PARTITION BY a, @ ORDER BY a RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM kt",
      "SELECT count(*) OVER @ FROM kt WINDOW @ AS (ORDER BY a)",
      "SELECT count(*) FILTER (WHERE @ > 0) FROM kt",
      "SELECT a AS @ FROM kt",
      "SELECT @.a FROM @",
      "SELECT @.a FROM kt @",
      "SELECT a FROM kt AS @",
      "SELECT x.@ FROM kt AS x(@)",
      "SELECT * FROM kt AS @(a)",
      "SELECT * FROM kt @(a)",
      "SELECT * FROM (SELECT 1) @",
      "WITH @ AS (SELECT 1 AS a) SELECT a FROM @",
      "WITH @(a) AS (SELECT 1) SELECT a FROM @",
      "WITH x(@) AS (SELECT 1), @ AS (SELECT 2 AS a) SELECT @ FROM x",
      "SELECT x.a FROM kt x JOIN kt y USING (@)",
      "SELECT x.a FROM kt x JOIN kt y ON x.@ = y.@ JOIN kt @ ON @.a = y.a",
      "SELECT x.a FROM kt x, kt @",
      "SELECT @ FROM kt WHERE EXISTS (SELECT 1 FROM kt k2 WHERE k2.@ = kt.@)",
      "SELECT @ FROM kt UNION ALL SELECT @ FROM kt",
      "SELECT @ FROM kt ORDER BY a OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY",
      "SELECT @ FROM kt LIMIT 1");

  /** Where PostgreSQL takes any word as a name, reserved ones too ({@code ColLabel}). */
  private static final List<String> LABEL_PLACES = List.of(
      "SELECT kt.@ FROM kt",
      "SELECT a AS @ FROM kt",
      "SELECT x.@ FROM kt AS x",
      "SELECT x.a FROM kt x JOIN kt y ON x.@ = y.@");

  /** An alias without AS, for the words PostgreSQL takes there ({@code BareColLabel}). */
  private static final String BARE_LABEL_PLACE = "SELECT a @, (SELECT 1) @ FROM kt";

  private record Keyword(String word, char category, boolean bareLabel) {
  }

  private static final Map<String, Keyword> POSTGRES = new LinkedHashMap<>();

  /** The words of Calcite's parser (upper case). */
  private static final Set<String> CALCITE = new TreeSet<>();

  /** Calcite's words that are no keyword of PostgreSQL 15 (upper case). */
  private static final Set<String> CALCITE_ONLY = new TreeSet<>();

  @BeforeAll
  static void readKeywords() throws IOException {
    try (InputStream in = KeywordIdentifiersTest.class.getResourceAsStream("postgres-15-keywords.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] f = line.split(" ");
          POSTGRES.put(f[0], new Keyword(f[0], f[1].charAt(0), f[2].equals("t")));
        }
      }
    }
    assertEquals(460, POSTGRES.size());
    for (String token : SqlBabelParserImpl.FACTORY.getParser(new StringReader("")).getMetadata().getTokens()) {
      if (token.matches("[A-Z_][A-Z0-9_]*")) {
        CALCITE.add(token);
        if (!POSTGRES.containsKey(token.toLowerCase(Locale.ROOT))) {
          CALCITE_ONLY.add(token);
        }
      }
    }
    assertTrue(CALCITE_ONLY.size() > 300, CALCITE_ONLY::toString);
  }

  /**
   * The words PostgreSQL 15 takes as a name anywhere, lower case, that are tokens of Calcite's parser (any other
   * word is a name to it).
   */
  private static List<String> names() {
    List<String> words = new ArrayList<>();
    POSTGRES.values().stream().filter(k -> k.category() == 'U' || k.category() == 'C')
        .filter(k -> CALCITE.contains(k.word().toUpperCase(Locale.ROOT))).forEach(k -> words.add(k.word()));
    // a function from PostgreSQL 16 on (see KeywordIdentifiers): a name only where no function stands
    CALCITE_ONLY.stream().filter(w -> !w.equals("SYSTEM_USER")).forEach(w -> words.add(w.toLowerCase(Locale.ROOT)));
    return words;
  }

  /** Each place read with an ordinary name in it. */
  private static final Map<String, SqlNode> ORDINARY = new java.util.HashMap<>();

  /** {@code sql} as Calcite's parser reads it after the planner's rewrites; null if it cannot. */
  private static SqlNode read(String sql) {
    String text = InfixCasts.rewrite(KeywordIdentifiers.rewrite(sql).text()).text();
    try {
      return SqlParser.create(text, PostgresSqlConfig.parser()).parseQuery();
    } catch (SqlParseException e) {
      return null;
    }
  }

  private static String print(SqlNode node) {
    return node == null ? "a syntax error" : node.toSqlString(PostgresqlSqlDialect.DEFAULT).getSql().replace('\n', ' ');
  }

  /**
   * Whether {@code place} with {@code word} in it reads as it does with an ordinary name there: the same
   * tree, the name being the word in lower case. Null if so, else what differs.
   */
  private static String misread(String place, String word) {
    SqlNode got = read(place.replace("@", word));
    SqlNode ordinary = ORDINARY.computeIfAbsent(place, p -> read(p.replace("@", "zz_name")));
    String name = word.toLowerCase(Locale.ROOT);
    SqlNode expected = ordinary.accept(new SqlShuttle() {
      @Override
      public SqlNode visit(SqlIdentifier id) {
        return new SqlIdentifier(id.names.stream().map(n -> n.equals("zz_name") ? name : n).toList(),
            id.getParserPosition());
      }
    });
    return got != null && got.equalsDeep(expected, Litmus.IGNORE) ? null
        : place.replace("@", word) + "\n    read:     " + print(got) + "\n    expected: " + print(expected);
  }

  @Test
  void everyWordPostgresTakesAsANameIsReadAsThatNameWhereverItTakesIt() {
    List<String> failures = new ArrayList<>();
    for (String word : names()) {
      for (String place : NAME_PLACES) {
        String m = misread(place, word);
        if (m != null) {
          failures.add(m);
        }
      }
      String upper = misread(NAME_PLACES.get(0), word.toUpperCase(Locale.ROOT));
      if (upper != null) {
        failures.add(upper);
      }
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " misread:\n" + String.join("\n", failures));
  }

  @Test
  void everyKeywordIsReadAsANameAfterADotOrAsAndAsAnAliasWherePostgresTakesOne() {
    List<String> failures = new ArrayList<>();
    for (Keyword k : POSTGRES.values()) {
      List<String> places = new ArrayList<>(LABEL_PLACES);
      if (k.bareLabel() && !Set.of("isnull", "notnull").contains(k.word())) {
        places.add(BARE_LABEL_PLACE);
      }
      for (String place : places) {
        String m = misread(place, k.word());
        if (m != null) {
          failures.add(m);
        }
      }
    }
    for (String place : List.of("SELECT kt.system_user FROM kt", "SELECT system_user.a FROM system_user",
        "SELECT system_user.a FROM kt system_user", "SELECT a AS system_user FROM kt",
        "SELECT x.a FROM kt x JOIN system_user ON true",
        "WITH system_user AS (SELECT 1 AS a) SELECT a FROM system_user")) {
      String m = misread(place.replace("system_user", "@"), "system_user");
      if (m != null) {
        failures.add(m);
      }
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " misread:\n" + String.join("\n", failures));
  }

  /** Each case: the text, and what the planner's parser is given (the same when nothing is a name to quote). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      SELECT by FROM t GROUP BY by ORDER BY by                  | SELECT "by" FROM t GROUP BY "by" ORDER BY "by"
      SELECT BY, Value, YEAR FROM t                             | SELECT "by", Value, YEAR FROM t
      SELECT sum(x) OVER (PARTITION BY by ORDER BY rows ROWS BETWEEN rows PRECEDING AND CURRENT ROW) FROM t | SELECT sum(x) OVER (PARTITION BY "by" ORDER BY "rows" ROWS BETWEEN "rows" PRECEDING AND CURRENT ROW) FROM t
      SELECT sum(x) OVER (ORDER BY x DESC RANGE UNBOUNDED PRECEDING EXCLUDE CURRENT ROW) FROM t | SELECT sum(x) OVER (ORDER BY x DESC RANGE UNBOUNDED PRECEDING EXCLUDE CURRENT ROW) FROM t
      SELECT sum(x) OVER (ROWS 2 PRECEDING), sum(x) OVER (ORDER BY range) FROM t | SELECT sum(x) OVER (ROWS 2 PRECEDING), sum(x) OVER (ORDER BY "range") FROM t
      SELECT count(*) OVER over FROM t WINDOW over AS (PARTITION BY partition) | SELECT count(*) OVER "over" FROM t WINDOW "over" AS (PARTITION BY "partition")
      SELECT x FROM t ORDER BY x OFFSET 1 ROW FETCH FIRST 2 ROWS ONLY | SELECT x FROM t ORDER BY x OFFSET 1 ROW FETCH FIRST 2 ROWS ONLY
      SELECT x FROM t OFFSET rows ROWS FETCH NEXT next ROWS ONLY  | SELECT x FROM t OFFSET "rows" ROWS FETCH NEXT "next" ROWS ONLY
      SELECT ROW(a, row), row FROM t WHERE EXISTS (SELECT exists FROM u) | SELECT ROW(a, "row"), "row" FROM t WHERE EXISTS (SELECT "exists" FROM u)
      VALUES (1), (2)                                           | VALUES (1), (2)
      SELECT values FROM (VALUES (1)) AS v(values)              | SELECT "values" FROM (VALUES (1)) AS v("values")
      SELECT values FROM (VALUES (1)) values(values)            | SELECT "values" FROM (VALUES (1)) "values"("values")
      SELECT a FROM t GROUP BY ROLLUP (a), GROUPING SETS ((a), ()) | SELECT a FROM t GROUP BY ROLLUP (a), GROUPING SETS ((a), ())
      SELECT grouping(a), rollup FROM t GROUP BY rollup, grouping | SELECT grouping(a), "rollup" FROM t GROUP BY "rollup", "grouping"
      SELECT date, date '2020-01-01', date::date, CAST(date AS date), date_part('year', date) FROM t | SELECT "date", date '2020-01-01', "date"::date, CAST("date" AS date), date_part('year', "date") FROM t
      SELECT time AT TIME ZONE 'UTC', timestamp::timestamp with time zone, timestamp without time zone '2020-01-01' FROM t | SELECT "time" AT TIME ZONE 'UTC', "timestamp"::timestamp with time zone, timestamp without time zone '2020-01-01' FROM t
      SELECT interval + interval '1 day', interval(3) '1 s', x::pg_catalog.interval, uuid::uuid FROM t | SELECT "interval" + interval '1 day', interval(3) '1 s', x::pg_catalog.interval, "uuid"::uuid FROM t
      SELECT unknown FROM t WHERE b IS UNKNOWN OR b IS NOT UNKNOWN OR unknown | SELECT "unknown" FROM t WHERE b IS UNKNOWN OR b IS NOT UNKNOWN OR "unknown"
      WITH RECURSIVE r(n) AS (SELECT 1) SELECT n FROM r          | WITH RECURSIVE r(n) AS (SELECT 1) SELECT n FROM r
      WITH recursive AS (SELECT 1 AS set), set(a) AS (SELECT 2) SELECT recursive.set FROM recursive, set | WITH "recursive" AS (SELECT 1 AS "set"), "set"(a) AS (SELECT 2) SELECT "recursive"."set" FROM "recursive", "set"
      WITH RECURSIVE recursive AS (SELECT 1) SELECT 1           | WITH RECURSIVE "recursive" AS (SELECT 1) SELECT 1
      SELECT x FROM t FOR NO KEY UPDATE OF update SKIP LOCKED    | SELECT x FROM t FOR NO KEY UPDATE OF "update" SKIP LOCKED
      WITH d AS (DELETE FROM t WHERE by = 1 RETURNING *) SELECT * FROM d | WITH d AS (DELETE FROM t WHERE by = 1 RETURNING *) SELECT * FROM d
      SELECT * FROM ROWS FROM (f(1)) AS rows                     | SELECT * FROM ROWS FROM (f(1)) AS "rows"
      SELECT * FROM f(1) over, (SELECT 1) next, t AS x(by) JOIN u new ON x.by = new.by | SELECT * FROM f(1) "over", (SELECT 1) "next", t AS x("by") JOIN u "new" ON x."by" = "new"."by"
      SELECT t.from, t.select AS select, 1 null, 2 AS end, 3 left FROM t | SELECT t."from", t."select" AS "select", 1 "null", 2 AS "end", 3 "left" FROM t
      SELECT CASE WHEN a THEN NULL ELSE b END, a IS NULL, c IN (1), d = ANY (SELECT 1) FROM t | SELECT CASE WHEN a THEN NULL ELSE b END, a IS NULL, c IN (1), d = ANY (SELECT 1) FROM t
      WITH w AS NOT MATERIALIZED (SELECT 1) SELECT * FROM w      | WITH w AS NOT MATERIALIZED (SELECT 1) SELECT * FROM w
      SELECT a AS current_date, current_date, system_user, t.system_user FROM system_user t | SELECT a AS "current_date", current_date, system_user, t."system_user" FROM "system_user" t
      SELECT x FROM system_user, t system_user                  | SELECT x FROM "system_user", t "system_user"
      SELECT 'by', "by", $$by$$, E'by\\'by' -- by                 | SELECT 'by', "by", $$by$$, E'by\\'by' -- by
      SELECT /* rows */ "Rows", rows FROM t                      | SELECT /* rows */ "Rows", "rows" FROM t
      SELECT x FROM t WHERE x IS DISTINCT FROM by AND y = by     | SELECT x FROM t WHERE x IS DISTINCT FROM "by" AND y = "by"
      SELECT extract(year FROM by), substring(by FROM 1 FOR 2) FROM t | SELECT extract(year FROM "by"), substring("by" FROM 1 FOR 2) FROM t
      SELECT string_agg(x, ',' ORDER BY by) WITHIN GROUP (ORDER BY by) FILTER (WHERE by) OVER (ORDER BY by) FROM t | SELECT string_agg(x, ',' ORDER BY "by") WITHIN GROUP (ORDER BY "by") FILTER (WHERE "by") OVER (ORDER BY "by") FROM t
      SELECT a FROM t x LEFT JOIN u ON left(x.a, 1) = u.b JOIN v current ON true | SELECT a FROM t x LEFT JOIN u ON left(x.a, 1) = u.b JOIN v "current" ON true
      WITH x AS (SELECT 1 AS a) SEARCH DEPTH FIRST BY a SET by SELECT 1 | WITH x AS (SELECT 1 AS a) SEARCH DEPTH FIRST BY a SET "by" SELECT 1
      SELECT 'a'::stream, CAST(x AS pattern), x::range[], x::pg_catalog.date, CAST(x AS time(3)) FROM t | SELECT 'a'::"stream", CAST(x AS "pattern"), x::"range"[], x::pg_catalog.date, CAST(x AS time(3)) FROM t
      """)
  void quotesTheNamesAndLeavesTheKeywords(String sql, String forParser) {
    assertEquals(forParser, KeywordIdentifiers.rewrite(sql).text());
  }

  // --- planning: every word of the sets, as a column, a table and an alias, through the whole planner ---

  private static QueryPlanner planner() {
    List<String> columns = new ArrayList<>(List.of("a"));
    KeywordIdentifiers.NAMES.forEach(w -> columns.add(w.toLowerCase(Locale.ROOT)));
    KeywordIdentifiers.RESERVED.forEach(w -> columns.add(w.toLowerCase(Locale.ROOT)));
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    SchemaPlus pub = root.add("public", new AbstractSchema());
    pub.add("kt", table(columns));
    pub.add("one", table(List.of("a")));
    KeywordIdentifiers.NAMES.forEach(w -> pub.add(w.toLowerCase(Locale.ROOT), table(List.of("a"))));
    pub.add("system_user", table(List.of("a")));
    return new QueryPlanner(root, List.of("public"));
  }

  private static AbstractTable table(List<String> columns) {
    return new AbstractTable() {
      @Override
      public RelDataType getRowType(RelDataTypeFactory f) {
        RelDataTypeFactory.Builder b = f.builder();
        columns.forEach(c -> b.add(c, f.createTypeWithNullability(f.createSqlType(SqlTypeName.INTEGER), true)));
        return b.build();
      }
    };
  }

  /** The plan's SQL as Calcite prints it for PostgreSQL: every name quoted. */
  private static String printed(LogicalPlan plan) {
    return new RelToSqlConverter(PostgresqlSqlDialect.DEFAULT).visitRoot(plan.rel()).asStatement()
        .toSqlString(PostgresqlSqlDialect.DEFAULT).getSql();
  }

  /** Plans {@code query} with {@code w} in it, checks its columns, and that its printed SQL names the column. */
  private static void plans(QueryPlanner planner, String query, String w, List<String> columns,
      List<String> failures) {
    plans(planner, query, w, columns, false, failures);
  }

  private static void plans(QueryPlanner planner, String query, String w, List<String> columns, boolean printsName,
      List<String> failures) {
    String sql = query.replace("@", w);
    try {
      LogicalPlan plan = planner.plan(sql);
      List<String> expected = columns.stream().map(c -> c.replace("@", w.toLowerCase(Locale.ROOT))).toList();
      String printed = printed(plan);
      if (!plan.columnNames().equals(expected) || !plan.sql().equals(sql)) {
        failures.add(sql + ": columns " + plan.columnNames() + ", expected " + expected);
      } else if (printsName && !printed.contains('"' + w.toLowerCase(Locale.ROOT) + '"')) {
        failures.add(sql + ": printed " + printed);
      }
    } catch (AssertionError | RuntimeException e) {
      failures.add(sql + ": " + e);
    }
  }

  @Test
  void everyNameOfTheSetPlansAsAColumnATableAndAnAliasAndPrintsBack() {
    QueryPlanner planner = planner();
    List<String> failures = new ArrayList<>();
    for (String upper : KeywordIdentifiers.NAMES) {
      String w = upper.toLowerCase(Locale.ROOT);
      plans(planner, "SELECT @, kt.@ AS c2, @ + 1 AS c3, CASE WHEN @ = 1 THEN @ END AS c4, @::text AS c5, "
          + "cast(@ AS bigint) AS c6 FROM kt WHERE @ IS NOT NULL AND @ BETWEEN 1 AND 2 OR @ IN (3) ORDER BY @ DESC",
          w, List.of("@", "c2", "c3", "c4", "c5", "c6"), true, failures);
      plans(planner, "SELECT @ FROM kt", upper, List.of("@"), true, failures);
      plans(planner, "SELECT @, count(DISTINCT @) AS c, sum(a) FILTER (WHERE @ > 0) AS f FROM kt GROUP BY @ "
          + "HAVING max(@) > 0", w, List.of("@", "c", "f"), true, failures);
      plans(planner, "SELECT sum(a) OVER (PARTITION BY @ ORDER BY @ ROWS UNBOUNDED PRECEDING) AS s FROM kt", w,
          List.of("s"), true, failures);
      plans(planner, "SELECT @.a AS t1, x.@ AS t2 FROM @ JOIN kt AS x ON x.@ = @.a", w, List.of("t1", "t2"),
          true, failures);
      plans(planner, "SELECT @.a FROM kt @", w, List.of("a"), failures);
      plans(planner, "SELECT a AS @ FROM kt AS @", w, List.of("@"), failures);
      if (POSTGRES.containsKey(w) ? POSTGRES.get(w).bareLabel() : true) {
        plans(planner, "SELECT a @ FROM one", w, List.of("@"), failures);
      }
      plans(planner, "WITH @ AS (SELECT a AS @ FROM kt) SELECT @.@ FROM @", w, List.of("@"), failures);
      plans(planner, "WITH RECURSIVE @(@) AS (SELECT 1) SELECT @ FROM @", w, List.of("@"), failures);
      plans(planner, "SELECT x.a FROM kt x JOIN kt y USING (@)", w, List.of("a"), true, failures);
      plans(planner, "SELECT * FROM one AS x(@)", w, List.of("@"), failures);
      plans(planner, "SELECT * FROM one @(@)", w, List.of("@"), failures);
      plans(planner, "SELECT @ FROM kt WHERE EXISTS (SELECT 1 FROM kt k2 WHERE k2.@ = kt.@) UNION ALL SELECT @ "
          + "FROM kt", w, List.of("@"), true, failures);
      plans(planner, "SELECT count(*) OVER @ AS c FROM kt WINDOW @ AS (ORDER BY a)", w, List.of("c"), failures);
    }
    for (String upper : KeywordIdentifiers.RESERVED) {
      String w = upper.toLowerCase(Locale.ROOT);
      plans(planner, "SELECT kt.@ AS c1, x.@ FROM kt, kt AS x WHERE kt.@ = x.@", w, List.of("c1", "@"), true,
          failures);
      plans(planner, "SELECT a AS @ FROM kt", w, List.of("@"), failures);
      if (KeywordIdentifiers.BARE_LABELS.contains(upper)) {
        plans(planner, "SELECT a @ FROM one", w, List.of("@"), failures);
      }
    }
    plans(planner, "SELECT system_user.a FROM system_user", "", List.of("a"), failures);
    plans(planner, "SELECT system_user.a FROM kt system_user", "", List.of("a"), failures);
    assertTrue(failures.isEmpty(), () -> failures.size() + " failed:\n" + String.join("\n", failures));
  }

  // --- positions: a message points into the user's text, not the rewritten one ---

  @Test
  void aValidatorErrorPointsAtTheUsersText() {
    QueryException e = assertThrows(QueryException.class,
        () -> planner().plan("SELECT by, rows,\n  value FROM kt WHERE date = 1 AND no_such_column = 2"));
    assertEquals(List.of(2, 36, 2, 49), span(e.position()), e.render());
    assertTrue(e.render().contains("column \"no_such_column\" does not exist"), e.render());
  }

  @Test
  void anErrorAtAQuotedNameSpansTheWordAsWritten() {
    QueryException e = assertThrows(QueryException.class, () -> planner().plan("SELECT a,\n rows FROM one"));
    assertEquals(List.of(2, 2, 2, 5), span(e.position()), e.render());
    assertTrue(e.render().contains("column \"rows\" does not exist"), e.render());
    assertTrue(e.render().contains("\n   |  rows FROM one\n   |  ^^^^"), e.render());
  }

  @Test
  void aParseErrorAfterQuotedNamesPointsAtTheUsersText() {
    QueryException e = assertThrows(QueryException.class,
        () -> planner().plan("SELECT by, rows FROM kt\nWHERE time = 1 AND date = 2 LIMIT (SELECT 2)"));
    assertEquals(List.of(2, 29), span(e.position()).subList(0, 2), e.render());
    assertTrue(e.render().contains("\n   | WHERE time = 1 AND date = 2 LIMIT (SELECT 2)\n"
        + "   |                             ^"),
        e.render());
  }

  private static List<Integer> span(SourcePosition p) {
    return List.of(p.line(), p.column(), p.endLine(), p.endColumn());
  }

  @Test
  void thePlanKeepsTheTextAsWritten() {
    String sql = "SELECT BY, Rows AS Next FROM kt -- by";
    LogicalPlan plan = planner().plan(sql);
    assertEquals(sql, plan.sql());
    assertEquals(List.of("by", "next"), plan.columnNames());
  }
}
