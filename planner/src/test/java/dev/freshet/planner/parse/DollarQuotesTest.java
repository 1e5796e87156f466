package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.QueryException;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.TestSchema;
import org.apache.calcite.plan.RelOptUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link DollarQuotes}: a dollar-quoted string is read as the standard literal PostgreSQL takes it for. */
class DollarQuotesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
      name = $$abc$$                       => name = 'abc'
      name = $$$$                          => name = ''
      name = $$it's$$                      => name = 'it''s'
      name = $t$a 'b' $$ c$t$              => name = 'a ''b'' $$ c'
      $a$x$a$ || $b$y$b$                   => 'x' || 'y'
      name = $_1$x$1$ y$_1$                => name = 'x$1$ y'
      name = 'it''s $$not$$'               => name = 'it''s $$not$$'
      "a$$b" = a$$b                        => "a$$b" = a$$b
      x = $1                               => x = $1
      x /* $$a$$ */ + 1                    => x /* $$a$$ */ + 1
      name = $$unterminated                => name = $$unterminated
      interval $$1 day$$                   => interval '1 day'
      """)
  void rewritesDollarQuotesOnly(String sql, String expected) {
    assertEquals(expected, DollarQuotes.rewrite(sql).text());
  }

  @Test
  void positionsMapBackToTheUsersText() {
    String sql = "select $q$it's$q$ || name,\n  $$x$$ || zz from t";
    InfixCasts.Rewritten r = DollarQuotes.rewrite(sql);
    assertEquals("select 'it''s' || name,\n  'x' || zz from t", r.text());
    // "zz" is at line 2, column 12 in the user's text, column 10 in the rewrite
    assertEquals(new SourcePosition(2, 12, 2, 13), r.original(new SourcePosition(2, 10, 2, 11)));
    // the literal's quotes stand for its delimiters
    assertEquals(new SourcePosition(1, 8, 1, 17), r.original(new SourcePosition(1, 8, 1, 14)));
  }

  @Test
  void aDollarQuotedStringIsAStringInThePlan() {
    LogicalPlan plan = TestSchema.planner().plan("select id, $t$it's$t$ as s from t where name = $$a'b$$");
    String text = RelOptUtil.toString(plan.rel());
    assertTrue(text.contains("s=['it''s']") && text.contains("=($1, 'a''b')"), text);
  }

  @Test
  void errorsAfterOnePointIntoTheUsersText() {
    // the casts' brackets and the literals' lengths both moved "nosuch" in the text Calcite read
    String sql = "select $$a$$::text, id::numeric + nosuch from t";
    QueryException e = assertThrows(QueryException.class, () -> TestSchema.planner().plan(sql));
    int column = sql.indexOf("nosuch") + 1;
    assertEquals(new SourcePosition(1, column, 1, column + 5), e.position());
  }
}
