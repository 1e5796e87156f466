package dev.freshet.planner.catalog;

import dev.freshet.planner.types.FreshetTypeSystem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.calcite.config.Lex;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.util.Sarg;
import org.junit.jupiter.api.Test;
import org.postgresql.core.Oid;

/**
 * Why an unconstrained numeric is DECIMAL(1000, 100) and not DECIMAL(1000, 0): Calcite casts a literal
 * compared with the column to the column's type, and with scale 0 {@code x = 1.5} became {@code x = 1}.
 */
class UnboundedNumericTest {

  private static final PgCatalog CATALOG = new PgCatalog(List.of("public"), List.of("public"), List.of(
      new PgTable("public", "t", PgTable.Kind.TABLE, 1, 0,
          List.of(PgCalciteSchemaTest.col("x", Oid.NUMERIC, -1, false, 1, "numeric")),
          List.of(), List.of(), List.of(), List.of())));

  /** The numeric literals in the filter after Calcite's own simplification. */
  private static List<BigDecimal> filterLiterals(String sql) throws Exception {
    FrameworkConfig config = Frameworks.newConfigBuilder()
        .defaultSchema(PgCalciteSchema.create(CATALOG).getSubSchema("public"))
        .parserConfig(SqlParser.config().withLex(Lex.JAVA))
        .typeSystem(FreshetTypeSystem.INSTANCE)
        .build();
    Planner planner = Frameworks.getPlanner(config);
    HepPlanner hep = new HepPlanner(HepProgram.builder().addRuleInstance(CoreRules.FILTER_REDUCE_EXPRESSIONS).build());
    hep.setRoot(planner.rel(planner.validate(planner.parse(sql))).project());
    RelNode plan = hep.findBestExp();
    List<BigDecimal> literals = new ArrayList<>();
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof Filter filter) {
          filter.getCondition().accept(new RexShuttle() {
            @Override
            public RexNode visitLiteral(RexLiteral literal) {
              Object value = literal.getValue();
              if (value instanceof BigDecimal decimal) {
                literals.add(decimal);
              } else if (value instanceof Sarg<?> sarg) {
                sarg.rangeSet.asRanges().forEach(r -> literals.add((BigDecimal) r.lowerEndpoint()));
              }
              return literal;
            }
          });
        }
        super.visit(node, ordinal, parent);
      }
    }.go(plan);
    assertTrue(!literals.isEmpty(), () -> RelOptUtil.toString(plan));
    return literals;
  }

  private static void assertSameValues(List<String> expected, List<BigDecimal> actual) {
    TreeSet<BigDecimal> a = new TreeSet<>(actual);
    TreeSet<BigDecimal> e = new TreeSet<>(expected.stream().map(BigDecimal::new).toList());
    assertEquals(e.size(), a.size(), () -> "expected " + e + " but was " + a);
    var ai = a.iterator();
    for (BigDecimal value : e) {
      assertEquals(0, value.compareTo(ai.next()), () -> "expected " + e + " but was " + a);
    }
  }

  @Test
  void comparedLiteralsKeepTheirFractionalDigits() throws Exception {
    assertSameValues(List.of("1.5"), filterLiterals("select x from t where x = 1.5"));
    assertSameValues(List.of("1.5", "2.25", "3"), filterLiterals("select x from t where x in (1.5, 2.25, 3)"));
    assertSameValues(List.of("0.0000000000000000000000000000001"),
        filterLiterals("select x from t where x = 0.0000000000000000000000000000001"));
  }

  @Test
  void productsKeepWholeDigitsForTheirLiterals() throws Exception {
    assertSameValues(List.of("100"), filterLiterals("select x from t where x * x > 100"));
    assertSameValues(List.of("100.25"), filterLiterals("select x from t where x * x * x * x > 100.25"));
  }
}
