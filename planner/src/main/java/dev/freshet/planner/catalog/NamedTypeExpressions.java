package dev.freshet.planner.catalog;

import dev.freshet.planner.parse.InfixOperator;
import dev.freshet.planner.types.PostgresConstantFunction;
import dev.freshet.planner.types.PostgresNamedType;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Finds an expression whose result Calcite types as a type it carries by name ({@link PostgresNamedType})
 * or as a nameless {@code ANY}, other than an infix operator such as json's ({@link InfixOperator}, typed as
 * PostgreSQL types it), a cast, a constant ({@link PostgresConstantFunction}, a cast of a
 * literal), a {@code CASE} (and what becomes one: {@code COALESCE}, {@code NULLIF}) or {@code min}/{@code max}. Calcite does not know PostgreSQL's functions and operators
 * on these types: it types {@code upper(mood)} as a mood and {@code doc || '{}'} as {@code ANY}, where
 * PostgreSQL resolves them otherwise (or not at all). Row identity hashes values by their type, so a type
 * Calcite got wrong would identify equal rows apart: such a query is refused, with the advice to cast
 * (what a cast encloses is not examined: the cast's type is what PostgreSQL stores and compares).
 */
public final class NamedTypeExpressions {

  /** Calls whose result PostgreSQL types as Calcite does: the common type of their operands, or the cast's. */
  private static final Set<SqlKind> FAITHFUL = Set.of(SqlKind.CAST, SqlKind.CASE, SqlKind.COALESCE, SqlKind.NULLIF);

  private NamedTypeExpressions() {
  }

  /**
   * Such an expression, described for a refusal ({@code the subscript […]}, {@code the function upper(…)}), and
   * where it stands in the text that was parsed ({@link SqlParserPos#ZERO} when the plan does not say).
   */
  public record Found(String description, SqlParserPos position) {
  }

  /** The first such expression in {@code plan}, described for a refusal, if any. */
  public static Optional<String> find(RelNode plan) {
    return findWithPosition(plan).map(Found::description);
  }

  /** {@link #find}, with the position of the expression in the parsed text where the plan keeps it. */
  public static Optional<Found> findWithPosition(RelNode plan) {
    Found[] found = {null};
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (found[0] == null) {
          node.accept(new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
              if (found[0] == null && carriedByName(call.getType()) && !FAITHFUL.contains(call.getKind())
                  && !PostgresConstantFunction.isConstant(call) && !(call.getOperator() instanceof InfixOperator)) {
                found[0] = new Found(call.getKind() == SqlKind.ITEM ? "the subscript […]" // tags[1]
                    : described(call.getOperator().getName(), false), call.getParserPosition());
              }
              // under a cast, the cast's type is what PostgreSQL stores and compares
              return call.getKind() == SqlKind.CAST ? call : super.visitCall(call);
            }

            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
              if (found[0] == null) {
                findWithPosition(subQuery.rel).ifPresent(f -> found[0] = f);
              }
              return super.visitSubQuery(subQuery);
            }
          });
          if (node instanceof Aggregate aggregate) {
            for (AggregateCall call : aggregate.getAggCallList()) {
              SqlKind kind = call.getAggregation().getKind();
              if (found[0] == null && carriedByName(call.getType()) && kind != SqlKind.MIN && kind != SqlKind.MAX) {
                found[0] = new Found(described(call.getAggregation().getName(), true), SqlParserPos.ZERO);
              }
            }
          }
          super.visit(node, ordinal, parent);
        }
      }
    }.go(plan);
    return Optional.ofNullable(found[0]);
  }

  /**
   * As the query wrote it, never Calcite's spelling ({@code `SUM`}): {@code the aggregate sum(…)}, {@code the
   * function upper(…)}, {@code the operator ||}. A refusal's fix depends on which (see QueryPlanner).
   */
  private static String described(String name, boolean aggregate) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (aggregate) {
      return AGGREGATE + lower + "(…)";
    }
    return lower.chars().anyMatch(Character::isLetter) ? "the function " + lower + "(…)" : "the operator " + lower;
  }

  /** How {@link #find} begins the description of an aggregate. */
  public static final String AGGREGATE = "the aggregate ";

  /** A type carried by name, or a nameless ANY, or a collection of them ({@code array_agg(doc)}). */
  private static boolean carriedByName(RelDataType type) {
    return type instanceof PostgresNamedType || type.getSqlTypeName() == SqlTypeName.ANY
        || (type.getComponentType() != null && carriedByName(type.getComponentType()));
  }
}
