package dev.freshet.planner.types;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexExecutor;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The planner's {@link RexExecutor}: Calcite's, except that it never evaluates an expression that has a
 * type carried by name ({@link PostgresNamedType}) anywhere in it, which it returns as it is. Calcite
 * would evaluate such a value as its text: {@code CAST('1.0' AS jsonb)} would come back as the character
 * literal {@code '1.0'}, which the simplifier then compares by text where PostgreSQL compares jsonb values.
 * Nor does it evaluate a {@link PostgresConstantFunction} constant of a Calcite type ({@code '{A0EE…}'::uuid},
 * {@code '\x00'::bytea}, {@code '1 day'} beside an interval), or a cast of a string literal to such a type,
 * which it returns as the cast: the SQL printer turns those constants into such casts, and Calcite's
 * converter to SQL simplifies what it prints (a constant made again there would be printed as a call).
 * Nor does it evaluate a call of an operator only PostgreSQL evaluates ({@link EvaluatedByPostgres}), which
 * Calcite has no implementation of ({@code ARRAY[1, 2] && ARRAY[2]}), nor an expression Calcite evaluates otherwise
 * than PostgreSQL: floating point, and casts of fractions to integers (PostgreSQL rounds, Calcite truncates).
 *
 * <p>Such a cast of a literal is not normally planned (the {@link FreshetRexBuilder} makes it a
 * {@link PostgresConstantFunction} constant), but a rewrite can form one by substituting a literal into a
 * cast of a column ({@code s.v::jsonb} over {@code SELECT '1.0' AS v}, once a filter is pushed through the
 * projection): it is returned as that constant. Installed on the planner of the plan's cluster, which is
 * where {@code RelBuilder}, the rules' simplifiers and {@code ReduceExpressionsRule} find their executor.
 * Likewise a {@code char(n)} constant ({@link CharConstantFunction}) is never evaluated, and a cast to
 * char(n) it evaluates comes back as such a constant, not as Calcite's CHAR literal.
 */
public final class FreshetRexExecutor implements RexExecutor {

  private final RexExecutor calcite;

  public FreshetRexExecutor(RexExecutor calcite) {
    this.calcite = calcite;
  }

  /** Calcite's own executor, wrapped. */
  public static FreshetRexExecutor create() {
    return new FreshetRexExecutor(RexUtil.EXECUTOR);
  }

  @Override
  public void reduce(RexBuilder rexBuilder, List<RexNode> constExps, List<RexNode> reducedValues) {
    List<RexNode> evaluable = new ArrayList<>();
    for (RexNode e : constExps) {
      if (!hasNamedType(e)) {
        evaluable.add(e);
      }
    }
    List<RexNode> evaluated = new ArrayList<>();
    if (!evaluable.isEmpty()) {
      calcite.reduce(rexBuilder, evaluable, evaluated);
    }
    int next = 0;
    for (RexNode e : constExps) {
      reducedValues.add(hasNamedType(e) ? asConstant(rexBuilder, e) : asCharConstant(rexBuilder, e, evaluated.get(next++)));
    }
  }

  /**
   * A cast to char(n) evaluated (a rewrite substituted a literal into {@code s.v::char(3)}): the
   * {@link CharConstantFunction} constant the rex builder makes of such a cast, not Calcite's literal.
   */
  private static RexNode asCharConstant(RexBuilder rexBuilder, RexNode e, RexNode reduced) {
    if (e.getKind() == SqlKind.CAST && e.getType().getSqlTypeName() == SqlTypeName.CHAR
        && reduced instanceof RexLiteral literal && !literal.isNull() && literal.getTypeName() == SqlTypeName.CHAR
        && literal.getType().getPrecision() > 0) {
      return rexBuilder.makeCall(literal.getType(), CharConstantFunction.INSTANCE, List.of(literal));
    }
    return reduced;
  }

  /** A cast of a literal to a type carried by name, as the constant the rex builder makes of it. */
  private static RexNode asConstant(RexBuilder rexBuilder, RexNode e) {
    if (e.getKind() == SqlKind.CAST && ((RexCall) e).getOperands().size() == 1
        && ((RexCall) e).getOperands().get(0) instanceof RexLiteral literal && !literal.isNull()
        && e.getType() instanceof PostgresNamedType) {
      return rexBuilder.makeAbstractCast(e.getType(), literal, false);
    }
    return e;
  }

  /**
   * Whether {@code e} or any expression in it has a type carried by name (or a collection of one), or is a
   * constant or call Calcite must leave to PostgreSQL: one Calcite would evaluate otherwise (floating point,
   * a cast of a fraction to an integer).
   */
  static boolean hasNamedType(RexNode e) {
    Boolean found = e.accept(new RexVisitorImpl<Boolean>(true) {
      @Override
      public Boolean visitCall(RexCall call) {
        return carriedByName(call.getType()) || call.getOperator() instanceof EvaluatedByPostgres
            || PostgresConstantFunction.isConstant(call)
            || CharConstantFunction.isConstant(call) || textReadByPostgres(call)
            || approximate(call.getType()) || roundedToInteger(call)
            || call.getOperands().stream().anyMatch(o -> o.accept(this));
      }

      @Override
      public Boolean visitLiteral(RexLiteral literal) {
        return carriedByName(literal.getType()) || approximate(literal.getType());
      }
    });
    return Boolean.TRUE.equals(found);
  }

  /** A cast of a string literal to a type whose text PostgreSQL reads (uuid, bytea, interval...). */
  private static boolean textReadByPostgres(RexCall call) {
    return call.getKind() == SqlKind.CAST && call.getOperands().size() == 1
        && FreshetRexBuilder.isTextReadByPostgres(call.getType(), call.getOperands().get(0), false);
  }

  /**
   * A floating-point value: PostgreSQL rounds it to an integer half to even ({@code 3.5::float8::int} is 4,
   * {@code round(2.5::float8)} 2), Calcite truncates or rounds half up, so PostgreSQL evaluates every expression
   * of one (a red-team finding: the stream table held 3 and 3 where the query gave 4 and 2).
   */
  private static boolean approximate(RelDataType type) {
    return SqlTypeName.APPROX_TYPES.contains(type.getSqlTypeName());
  }

  /** A cast of a number with a fraction to an integer: PostgreSQL rounds ({@code 2.5::int} is 3), Calcite truncates. */
  private static boolean roundedToInteger(RexCall call) {
    return call.getKind() == SqlKind.CAST && SqlTypeName.INT_TYPES.contains(call.getType().getSqlTypeName())
        && !call.getOperands().isEmpty()
        && !SqlTypeName.INT_TYPES.contains(call.getOperands().get(0).getType().getSqlTypeName());
  }

  private static boolean carriedByName(RelDataType type) {
    return type instanceof PostgresNamedType
        || (type.getComponentType() != null && carriedByName(type.getComponentType()));
  }
}
