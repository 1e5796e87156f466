package dev.freshet.planner.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.PgColumn;
import dev.freshet.planner.catalog.PgTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.core.Oid;

/**
 * Constants of a type carried by name ({@code '1.0'::jsonb}, {@code 'sad'::mood}) are
 * {@link PostgresConstantFunction} calls that neither Calcite's simplifier nor its executor decides
 * anything about: the plans keep every comparison PostgreSQL must make, where Calcite compared the
 * constants' texts (and planned {@code mood BETWEEN 'sad' AND 'happy'} as no rows).
 */
class PostgresConstantTest {

  private static final PgCatalog CATALOG = new PgCatalog(List.of("public"), List.of("public"), List.of(
      new PgTable("public", "d", PgTable.Kind.TABLE, 1, 0,
          List.of(new PgColumn("id", "integer", Oid.INT4, -1, true, 1), named("doc", "jsonb", Oid.JSONB, 2),
              named("ip", "inet", 869, 3), named("m", "mood", 70_000, 4)),
          List.of("id"), List.of(), List.of(), List.of())));

  private static PgColumn named(String name, String type, long oid, int ordinal) {
    return new PgColumn(name, type, oid, -1, false, ordinal, oid, -1, type, true, true);
  }

  private static RelNode plan(String sql) {
    return QueryPlanner.forCatalog(CATALOG).plan(sql).rel();
  }

  /** The conditions of the plan's filters, as Calcite prints them. */
  private static String conditions(RelNode plan) {
    List<String> found = new ArrayList<>();
    plan.accept(new org.apache.calcite.rel.RelShuttleImpl() {
      @Override
      public RelNode visit(org.apache.calcite.rel.logical.LogicalFilter filter) {
        found.add(filter.getCondition().toString());
        return super.visit(filter);
      }
    });
    return String.join(" | ", found);
  }

  /** What Calcite decided by text (no rows; one comparison dropped) stays for PostgreSQL to decide. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT id FROM d WHERE m BETWEEN 'sad' AND 'happy'                                | AND(>=($1, mood('sad')), <=($1, mood('happy')))
      SELECT id FROM d WHERE doc = '1'::jsonb AND doc = '1.0'::jsonb                    | AND(=($1, jsonb('1')), =($1, jsonb('1.0')))
      SELECT id FROM d WHERE ip = '10.0.0.1'::inet AND ip <> '10.0.0.1/32'::inet        | AND(=($1, inet('10.0.0.1')), <>($1, inet('10.0.0.1/32')))
      SELECT id FROM d WHERE m = 'sad' OR m = 'happy'                                   | OR(=($1, mood('sad')), =($1, mood('happy')))
      SELECT id FROM d WHERE m <> 'sad' AND m <> 'happy'                                | AND(<>($1, mood('sad')), <>($1, mood('happy')))
      SELECT id FROM d WHERE m > 'ok'                                                   | >($1, mood('ok'))
      SELECT id FROM d WHERE m IN ('sad', 'happy') AND m NOT IN ('ok')                  | AND(OR(=($1, mood('sad')), =($1, mood('happy'))), <>($1, mood('ok')))
      SELECT id FROM d WHERE doc IN ('1'::jsonb, '1.0'::jsonb)                          | OR(=($1, jsonb('1')), =($1, jsonb('1.0')))
      SELECT id FROM d WHERE 'sad'::mood > 'happy'::mood                                | >(mood('sad'), mood('happy'))
      SELECT id FROM d WHERE m = 'sad' AND m = 'sad'                                    | =($1, mood('sad'))
      SELECT id FROM d WHERE doc IS NOT DISTINCT FROM '1' AND doc IS NOT DISTINCT FROM '1.0' | AND(=($1, jsonb('1')), =($1, jsonb('1.0')))
      SELECT id FROM d WHERE m IS DISTINCT FROM 'sad' AND m <= 'ok'                     | AND(IS NOT TRUE(=($1, mood('sad'))), <=($1, mood('ok')))
      """)
  void comparisonsWithConstantsAreLeftToPostgres(String sql, String condition) {
    RelNode plan = plan(sql);
    assertEquals(condition, conditions(plan), () -> RelOptUtil.toString(plan));
  }

  /**
   * A filter pushed through a projection substitutes a literal into a cast of a column ({@code v::jsonb}
   * with {@code v = '1.0'}): Calcite's executor would fold that cast to the text '1.0'; the planner's
   * returns the constant.
   */
  @Test
  void aCastOfASubstitutedLiteralBecomesAConstant() {
    RelNode plan = plan("SELECT id FROM (SELECT id, doc, '1.0' AS v FROM d) s WHERE doc = v::jsonb AND doc = '1'::jsonb");
    assertEquals("AND(=($1, jsonb('1.0')), =($1, jsonb('1')))", conditions(plan), () -> RelOptUtil.toString(plan));
  }

  /** In a SELECT list, GROUP BY and CASE the constant keeps its type; a typed NULL stays a NULL literal. */
  @Test
  void constantsKeepTheirTypeEverywhere() {
    RelNode plan = plan("SELECT m, CASE WHEN m = 'ok' THEN '1'::jsonb ELSE doc END AS c, '1.0'::jsonb AS j, "
        + "NULL::jsonb AS n, count(*) AS k FROM d GROUP BY m, c, '1.0'::jsonb");
    Project top = assertInstanceOf(Project.class, plan, () -> RelOptUtil.toString(plan));
    var fields = top.getRowType().getFieldList();
    assertEquals("jsonb", assertInstanceOf(PostgresNamedType.class, fields.get(1).getType()).postgresName());
    assertEquals("jsonb", assertInstanceOf(PostgresNamedType.class, fields.get(2).getType()).postgresName());
    RexNode nullColumn = top.getProjects().get(3);
    assertTrue(nullColumn instanceof RexLiteral literal && literal.isNull(), nullColumn::toString);
    assertInstanceOf(PostgresNamedType.class, nullColumn.getType());
    String printed = RelOptUtil.toString(plan);
    assertTrue(printed.contains("jsonb('1.0')") && printed.contains("jsonb('1')")
        && printed.contains("mood('ok')"), printed);
    assertFalse(printed.contains("CAST('"), printed);
  }

  /** One function per type, equal constants are equal expressions, and the constant is not a literal. */
  @Test
  void constantsOfOneTypeAndTextAreEqual() {
    FreshetTypeFactory factory = new FreshetTypeFactory();
    RexBuilder rex = new FreshetRexBuilder(factory);
    PostgresNamedType jsonb = (PostgresNamedType) factory.createPostgresType("jsonb", false);
    PostgresNamedType inet = (PostgresNamedType) factory.createPostgresType("inet", false);
    RexNode one = rex.makeCast(jsonb, rex.makeLiteral("1"));
    assertTrue(PostgresConstantFunction.isConstant(one), one::toString);
    assertEquals(one, rex.makeCast(jsonb, rex.makeLiteral("1")));
    assertFalse(one.equals(rex.makeCast(jsonb, rex.makeLiteral("1.0"))));
    assertFalse(one.equals(rex.makeCast(inet, rex.makeLiteral("1"))));
    assertSame(PostgresConstantFunction.of(jsonb), ((RexCall) one).getOperator());
    assertFalse(RexUtil.isLiteral(one, true));
    assertTrue(RexUtil.isDeterministic(one));
    // Calcite's own makeCall derives the same type again
    assertEquals(one.getType(), rex.makeCall(PostgresConstantFunction.of(jsonb), rex.makeLiteral("1")).getType());
    // NULL::jsonb and a cast of a column stay what they were
    assertTrue(rex.makeCast(jsonb, rex.makeNullLiteral(factory.createSqlType(SqlTypeName.VARCHAR)))
        instanceof RexLiteral);
    RexNode column = rex.makeInputRef(factory.createSqlType(SqlTypeName.VARCHAR), 0);
    assertEquals(SqlKind.CAST, rex.makeCast(jsonb, column).getKind());
  }

  /**
   * Neither Calcite's executor nor the planner's folds a constant or decides a comparison of two: Calcite's
   * cannot translate the function (and returns the expressions as they were), the planner's does not try.
   */
  @Test
  void noExecutorReducesConstants() {
    FreshetTypeFactory factory = new FreshetTypeFactory();
    RexBuilder rex = new FreshetRexBuilder(factory);
    Types types = new Types(factory);
    RexNode one = rex.makeCast(types.jsonb, rex.makeLiteral("1"));
    RexNode onePointZero = rex.makeCast(types.jsonb, rex.makeLiteral("1.0"));
    RexNode sad = rex.makeCast(types.mood, rex.makeLiteral("sad"));
    RexNode happy = rex.makeCast(types.mood, rex.makeLiteral("happy"));
    List<RexNode> constants = List.of(one, rex.makeCall(SqlStdOperatorTable.EQUALS, one, onePointZero),
        rex.makeCall(SqlStdOperatorTable.GREATER_THAN, sad, happy),
        rex.makeCall(SqlStdOperatorTable.PLUS, rex.makeExactLiteral(java.math.BigDecimal.ONE),
            rex.makeExactLiteral(java.math.BigDecimal.ONE)));
    for (var executor : List.of(RexUtil.EXECUTOR, FreshetRexExecutor.create())) {
      List<RexNode> reduced = new ArrayList<>();
      executor.reduce(rex, constants, reduced);
      assertEquals(constants.subList(0, 3), reduced.subList(0, 3), executor.toString());
    }
    // the planner's still evaluates what has no type carried by name
    List<RexNode> reduced = new ArrayList<>();
    FreshetRexExecutor.create().reduce(rex, constants, reduced);
    assertEquals("2", reduced.get(3).toString());
    // and returns a cast of a literal (formed by a substitution) as the constant
    RexNode cast = rex.makeCall(types.jsonb, SqlStdOperatorTable.CAST, List.of(rex.makeLiteral("1.0")));
    List<RexNode> castReduced = new ArrayList<>();
    FreshetRexExecutor.create().reduce(rex, List.of(cast), castReduced);
    assertEquals(onePointZero, castReduced.get(0));
  }

  /** Calcite's ReduceExpressionsRule, with either executor, keeps a comparison of constants. */
  @Test
  void reduceExpressionsRuleKeepsComparisonsOfConstants() {
    for (var executor : List.of(RexUtil.EXECUTOR, FreshetRexExecutor.create())) {
      for (String sql : List.of("SELECT id FROM d WHERE 'sad'::mood > 'happy'::mood",
          "SELECT id FROM d WHERE '1'::jsonb = '1.0'::jsonb AND doc = '1'::jsonb AND doc = '1.0'::jsonb",
          "SELECT id FROM d WHERE m BETWEEN 'sad' AND 'happy'")) {
        RelNode plan = plan(sql);
        plan.getCluster().getPlanner().setExecutor(executor);
        HepPlanner hep = new HepPlanner(HepProgram.builder()
            .addRuleInstance(CoreRules.FILTER_REDUCE_EXPRESSIONS)
            .addRuleInstance(CoreRules.PROJECT_REDUCE_EXPRESSIONS).build());
        hep.setRoot(plan);
        RelNode reduced = hep.findBestExp();
        assertEquals(conditions(plan), conditions(reduced), () -> RelOptUtil.toString(reduced));
        assertTrue(reduced.getInput(0) instanceof Filter || reduced instanceof Filter, () -> RelOptUtil.toString(reduced));
      }
    }
  }

  private record Types(PostgresNamedType jsonb, PostgresNamedType mood) {
    Types(FreshetTypeFactory factory) {
      this((PostgresNamedType) factory.createPostgresType("jsonb", false),
          (PostgresNamedType) factory.createPostgresType("mood", false));
    }
  }
}
