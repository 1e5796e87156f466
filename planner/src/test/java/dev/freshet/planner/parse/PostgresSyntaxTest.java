package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.InvalidQueryException;
import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.QueryException;
import dev.freshet.planner.TestSchema;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Each PostgreSQL construct the planner accepts, with the type it must produce. */
class PostgresSyntaxTest {

  private static LogicalPlan plan(String sql) {
    return TestSchema.planner().plan(sql);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      id::bigint                                      | BIGINT
      amount::numeric(20,4)                           | DECIMAL
      cast(id as text)                                | VARCHAR
      d + interval '3' month                          | DATE
      d - interval '90' day                           | DATE
      d + 7                                           | DATE
      d - 7                                           | DATE
      d - date '2020-01-01'                           | INTEGER
      date_trunc('month', ts)                         | TIMESTAMP
      extract(year from d)                            | BIGINT
      substring(name from 1 for 2)                    | VARCHAR
      name ilike 'a%'                                 | BOOLEAN
      name not ilike 'a%'                             | BOOLEAN
      coalesce(amount, 0)                             | DECIMAL
      nullif(id, 0)                                   | INTEGER
      case when flag then 1 else 0 end                | INTEGER
      name like '%x%'                                 | BOOLEAN
      """)
  void scalarConstructs(String expression, SqlTypeName expected) {
    LogicalPlan plan = plan("select " + expression + " as e from t");
    assertEquals(expected, plan.rowType().getFieldList().get(0).getType().getSqlTypeName(),
        () -> RelOptUtil.toString(plan.rel()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      select grp, sum(amount) filter (where flag) from t group by 1
      select grp, bool_and(flag), bool_or(flag) from t group by grp
      select grp, string_agg(name, ',') from t group by grp
      select count(distinct name) from t
      select id from t order by id limit 10 offset 5
      select t.id from t where t.id in (select t_id from u)
      select t.id from t where exists (select 1 from u where u.t_id = t.id and u.qty > 3)
      select t.id, (select max(qty) from u where u.t_id = t.id) from t
      select * from t, u where t.id = u.t_id
      select d from t where d > date '2020-01-01' + interval '3 months'
      select d + -1 as e, d - d as f, 2 + d as g from t order by 1 desc, 2, e
      """)
  void queryConstructs(String sql) {
    LogicalPlan plan = plan(sql);
    String text = RelOptUtil.toString(plan.rel());
    assertTrue(!text.contains("Correlate") && !text.contains("$cor"), text);
  }

  @Test
  void unknownFunctionIsReportedWithItsPosition() {
    QueryException e = assertThrows(QueryException.class,
        () -> plan("select id,\n  no_such_function(id) from t"));
    assertEquals(2, e.position().line());
    assertEquals(3, e.position().column());
    String rendered = e.render();
    assertTrue(rendered.contains("no_such_function"), rendered);
    assertTrue(rendered.contains("query:2:3"), rendered);
    assertTrue(rendered.contains("^"), rendered);
  }

  @Test
  void syntaxErrorIsReportedWithItsPosition() {
    InvalidQueryException e = assertThrows(InvalidQueryException.class,
        () -> plan("select id from t where"));
    assertEquals("syntax", e.kind());
    assertEquals(1, e.position().line());
  }

  @Test
  void unknownTableIsNamed() {
    InvalidQueryException e = assertThrows(InvalidQueryException.class,
        () -> plan("select * from missing_table"));
    assertTrue(e.getMessage().contains("missing_table"), e.getMessage());
  }
}
