package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.QueryException;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.TestSchema;
import org.apache.calcite.plan.RelOptUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link InfixCasts}: each {@code ::} casts exactly the operand PostgreSQL casts. */
class InfixCastsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
      a::int                               => (a::int)
      i + 1::numeric / 2                   => i + (1::numeric) / 2
      7 / 2::numeric                       => 7 / (2::numeric)
      NOT b::text = 'x'                    => NOT (b::text) = 'x'
      k = 1 AND i::text LIKE '1%'          => k = 1 AND (i::text) LIKE '1%'
      -i::text                             => -(i::text)
      x::int::text                         => ((x::int)::text)
      f(x)::text                           => (f(x)::text)
      s.f(x, y)::text                      => (s.f(x, y)::text)
      t.a::numeric(8, 2) + 1               => (t.a::numeric(8, 2)) + 1
      (a + b)::int                         => ((a + b)::int)
      CAST(a AS int)::text                 => (CAST(a AS int)::text)
      CASE WHEN a THEN 1 END::text         => (CASE WHEN a THEN 1 END::text)
      CASE WHEN a THEN CASE WHEN b THEN 1 END END::text => (CASE WHEN a THEN CASE WHEN b THEN 1 END END::text)
      date '2020-01-01'::text              => (date '2020-01-01'::text)
      a::double precision * 2              => (a::double precision) * 2
      a::character varying(3)              => (a::character varying(3))
      a::timestamp(3) with time zone       => (a::timestamp(3) with time zone)
      a::int[]                             => (a::int[])
      ARRAY[1, 2]::text[]                  => (ARRAY[1, 2]::text[])
      x[1]::text                           => (x[1]::text)
      "My Col"::text                       => ("My Col"::text)
      'it''s'::text                        => ('it''s'::text)
      E'it\\'s'::text                      => (E'it\\'s'::text)
      1.5e-3::numeric                      => (1.5e-3::numeric)
      a::pg_catalog.int4                   => (a::pg_catalog.int4)
      'a::b' || x                          => 'a::b' || x
      "a::b"                               => "a::b"
      $$a::b$$ || x                        => $$a::b$$ || x
      x /* a::b */ + 1                     => x /* a::b */ + 1
      """)
  void bracketsExactlyTheCastOperand(String sql, String expected) {
    assertEquals(expected, InfixCasts.rewrite(sql).text());
  }

  @Test
  void commentsAndLinesAreKept() {
    String sql = "select a -- b::int\n  , c::int from t";
    assertEquals("select a -- b::int\n  , (c::int) from t", InfixCasts.rewrite(sql).text());
  }

  @Test
  void positionsMapBackToTheUsersText() {
    String sql = "select a::int, b::text,\n  c::int + zz from t";
    InfixCasts.Rewritten r = InfixCasts.rewrite(sql);
    // "zz" is at line 2, column 12 in the user's text; the rewrite moved it right by 2.
    int column = r.text().split("\n")[1].indexOf("zz") + 1;
    assertEquals(14, column);
    assertEquals(new SourcePosition(2, 12, 2, 13), r.original(new SourcePosition(2, column, 2, column + 1)));
    assertEquals("Encountered \"zz\" at line 2, column 12.",
        r.originalPositions("Encountered \"zz\" at line 2, column 14."));
  }

  @Test
  void castPrecedenceReachesThePlan() {
    LogicalPlan plan = TestSchema.planner().plan("select id + 1::numeric / 2 as e from t");
    String text = RelOptUtil.toString(plan.rel());
    assertEquals(true, text.contains("+($0, /(CAST(1):DECIMAL"), text);
  }

  @Test
  void validatorErrorsPointIntoTheUsersText() {
    QueryException e = assertThrows(QueryException.class,
        () -> TestSchema.planner().plan("select id::int::text, id::numeric + nosuch from t"));
    assertEquals(new SourcePosition(1, 37, 1, 42), e.position());
  }
}
