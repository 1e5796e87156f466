package dev.freshet.codegen.sql;

import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexShuttle;

/**
 * A pass over the plan about to be printed that rewrites the expressions of every relational expression,
 * inputs first, with the {@link RexShuttle} of {@link #rewriter} (made with the plan's rex builder).
 */
abstract class ExpressionRewriteShuttle extends RelHomogeneousShuttle {

  /** The rewrite applied to every expression of a relational expression. */
  protected abstract RexShuttle rewriter(RexBuilder rex);

  @Override
  public final RelNode visit(RelNode other) {
    RelNode visited = super.visit(other);
    return visited.accept(rewriter(visited.getCluster().getRexBuilder()));
  }
}
