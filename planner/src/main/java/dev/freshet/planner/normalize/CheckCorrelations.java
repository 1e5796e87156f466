package dev.freshet.planner.normalize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.sql.SqlKind;

/**
 * Finds correlations that Calcite's decorrelator reads wrongly, so that such a query is refused
 * (FR005; AUTO runs it as written) rather than planned wrongly. Each was found by the planner
 * round-trip property (PlannerRoundTripPropertyTest) as a wrong result, an invalid plan or a crash:
 * <ul>
 *   <li>({@link #findAcrossLevels}, on the plan as converted) a sub-query naming a column of a query two
 *       or more levels out: the decorrelator builds its outer values from the wrong rows;</li>
 *   <li>(the rest, {@link #find}, once sub-queries are removed) a variable that does not describe the
 *       rows of the {@link Correlate} defining it: a sub-query in the HAVING clause (or the select
 *       list) of a grouped query whose own sub-query names a grouped column comes out of Calcite's
 *       converter typed as the rows <em>before</em> grouping, so {@code $cor0.e} at position 1 reads
 *       {@code count(*)};</li>
 *   <li>one variable defined by two correlates that hold further correlates ({@code x NOT IN (q)}
 *       copies q into two correlates with one variable; with a correlated sub-query inside q, each
 *       copy is joined to the other's outer values);</li>
 *   <li>a computation on outer columns alone ({@code outer.x IS NULL}), which the decorrelator moves
 *       into a projection of the outer rows and then misplaces.</li>
 * </ul>
 */
final class CheckCorrelations extends RelHomogeneousShuttle {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CheckCorrelations.class);

  private Optional<String> mismatch = Optional.empty();
  private boolean correlatedComputation;
  private final Map<CorrelationId, List<Correlate>> definitions = new HashMap<>();

  private CheckCorrelations() {
  }

  /** Why the decorrelator would misread the plan's correlations, if it would. */
  static Optional<String> find(RelNode rel) {
    CheckCorrelations check = new CheckCorrelations();
    rel.accept(check);
    if (check.mismatch.isPresent()) {
      return check.mismatch;
    }
    if (check.correlatedComputation) {
      return Optional.of("a sub-query computes on an outer query's column (as in `x = outer.x OR outer.x IS "
          + "NULL`), which Freshet's planner cannot read yet; compare outer columns directly");
    }
    for (List<Correlate> defining : check.definitions.values()) {
      if (defining.size() > 1 && defining.stream().anyMatch(c -> QueryNormalizer.containsCorrelate(c.getRight()))) {
        return Optional.of("a correlated sub-query inside a NOT IN (or another sub-query Calcite copies) "
            + "is not planned yet");
      }
    }
    return Optional.empty();
  }

  @Override
  public RelNode visit(RelNode other) {
    other.accept(new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        correlatedComputation |= isCorrelatedComputation(call);
        return super.visitCall(call);
      }
    });
    if (other instanceof Correlate correlate) {
      definitions.computeIfAbsent(correlate.getCorrelationId(), id -> new ArrayList<>()).add(correlate);
      if (mismatch.isEmpty()) {
        checkVariables(correlate.getRight(), correlate.getCorrelationId(), correlate.getLeft());
      }
    }
    return super.visit(other);
  }

  private void checkVariables(RelNode rel, CorrelationId id, RelNode left) {
    List<RelDataTypeField> rows = left.getRowType().getFieldList();
    rel.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode node) {
        node.accept(new RexShuttle() {
          @Override
          public RexNode visitFieldAccess(RexFieldAccess access) {
            // A LATERAL sub-query's variable is typed as the whole FROM clause, itself included: the
            // rows it names must be the Correlate's, which the fields up to theirs describe.
            if (access.getReferenceExpr() instanceof RexCorrelVariable variable && variable.id.equals(id)
                && access.getField().getIndex() >= rows.size()) {
              mismatched(variable, rows);
            }
            return super.visitFieldAccess(access);
          }

          @Override
          public RexNode visitCorrelVariable(RexCorrelVariable variable) {
            List<RelDataTypeField> fields = variable.getType().getFieldList();
            List<RelDataTypeField> named = fields.subList(0, Math.min(fields.size(), rows.size()));
            if (variable.id.equals(id) && !beginsWith(rows, named) && !namedAsItsScope(left, named)) {
              mismatched(variable, rows);
            }
            return variable;
          }
        });
        return super.visit(node);
      }
    });
  }

  private void mismatched(RexCorrelVariable variable, List<RelDataTypeField> rows) {
    if (mismatch.isEmpty()) {
      LOG.debug("{} is typed {}, its rows are {}", variable, variable.getType().getFullTypeString(), rows);
      mismatch = Optional.of("a sub-query names outer columns through rows Calcite types differently "
          + "from those it reads (as a grouped column named by a nested sub-query in HAVING, or some columns of "
          + "an outer join's NULL-padded side), which Freshet's planner cannot read yet");
    }
  }

  /**
   * The variable's fields begin the rows' fields (removing other sub-queries may have appended some):
   * same types, and same names but for Calcite's uniquifying suffixes ({@link #sameColumn}).
   */
  private static boolean beginsWith(List<RelDataTypeField> rows, List<RelDataTypeField> variable) {
    if (variable.size() > rows.size()) {
      return false;
    }
    // columns appended after the variable's (a cast Calcite added for a join) are not compared
    List<String> rowNames = rows.subList(0, variable.size()).stream().map(RelDataTypeField::getName).toList();
    List<String> variableNames = variable.stream().map(RelDataTypeField::getName).toList();
    for (int i = 0; i < variable.size(); i++) {
      if (!sameColumn(variableNames.get(i), rowNames.get(i), variableNames, rowNames)
          || variable.get(i).getType().getSqlTypeName() != rows.get(i).getType().getSqlTypeName()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the variable's fields are named and typed exactly as Calcite's converter names the rows of
   * the FROM clause {@code left} holds: a correlation variable is typed as the FROM clause's items, their
   * columns concatenated in order and then made unique ({@code RelDataTypeFactory.Builder.uniquify}), and
   * the rows of the {@link Correlate} are those items joined, in the same order. The rows' own names can
   * differ: a join whose condition needs a cast ({@code ON a.i1 = b.b2}, int with bigint) is planned over
   * its input with the cast appended ({@code i10}), so the other input's {@code i1} is named {@code i11} and
   * keeps that name once the cast is projected away, while the variable names it {@code i10} (and names a
   * later {@code i1} {@code i11}). The names are rebuilt here from the items themselves ({@link #itemNames}),
   * through joins, filters, correlates and those projections only, and made unique as the converter makes
   * the variable's; rows read through anything else (an aggregate's, as in HAVING) keep their own names.
   */
  private static boolean namedAsItsScope(RelNode left, List<RelDataTypeField> variable) {
    Optional<List<String>> items = itemNames(left);
    if (items.isEmpty() || items.get().size() != left.getRowType().getFieldCount()) {
      return false;
    }
    List<RelDataTypeField> rows = left.getRowType().getFieldList();
    RelDataTypeFactory.Builder builder = left.getCluster().getTypeFactory().builder();
    for (int i = 0; i < rows.size(); i++) {
      builder.add(items.get().get(i), rows.get(i).getType());
    }
    List<String> scope = builder.uniquify().build().getFieldNames();
    for (int i = 0; i < variable.size(); i++) {
      if (!variable.get(i).getName().equals(scope.get(i))
          || variable.get(i).getType().getSqlTypeName() != rows.get(i).getType().getSqlTypeName()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The names of the columns of the items {@code rel} joins, in its rows' order, before Calcite makes them
   * unique: through joins and correlates (the right side's columns after the left's, when they are kept),
   * filters, and the projection that drops the casts a join condition appended to its inputs; any other
   * relation is an item, named as its rows are.
   */
  private static Optional<List<String>> itemNames(RelNode rel) {
    if (rel instanceof Filter filter) {
      return itemNames(filter.getInput());
    }
    if (rel instanceof Join join) {
      return concatenated(join.getLeft(), join.getJoinType().projectsRight() ? join.getRight() : null);
    }
    if (rel instanceof Correlate correlate) {
      return concatenated(correlate.getLeft(),
          correlate.getJoinType().projectsRight() ? correlate.getRight() : null);
    }
    if (rel instanceof Project project && project.getInput() instanceof Join join
        && join.getJoinType().projectsRight()) {
      RelNode left = withoutAppendedCasts(join.getLeft());
      RelNode right = withoutAppendedCasts(join.getRight());
      int leftCount = left.getRowType().getFieldCount();
      int rightCount = right.getRowType().getFieldCount();
      int rightStart = join.getLeft().getRowType().getFieldCount();
      List<RexNode> exprs = project.getProjects();
      boolean dropsTheCasts = exprs.size() == leftCount + rightCount;
      for (int i = 0; dropsTheCasts && i < exprs.size(); i++) {
        int expected = i < leftCount ? i : rightStart + i - leftCount;
        dropsTheCasts = exprs.get(i) instanceof RexInputRef ref && ref.getIndex() == expected;
      }
      if (dropsTheCasts) {
        return concatenated(left, right);
      }
    }
    return Optional.of(rel.getRowType().getFieldNames());
  }

  private static Optional<List<String>> concatenated(RelNode left, RelNode right) {
    Optional<List<String>> names = itemNames(left);
    if (right == null || names.isEmpty()) {
      return names;
    }
    Optional<List<String>> rightNames = itemNames(right);
    if (rightNames.isEmpty()) {
      return Optional.empty();
    }
    List<String> all = new ArrayList<>(names.get());
    all.addAll(rightNames.get());
    return Optional.of(all);
  }

  /** The input of a projection that keeps every column of its input, in order, and appends casts of them. */
  private static RelNode withoutAppendedCasts(RelNode rel) {
    if (rel instanceof Project project) {
      int count = project.getInput().getRowType().getFieldCount();
      List<RexNode> exprs = project.getProjects();
      if (exprs.size() <= count) {
        return rel;
      }
      for (int i = 0; i < exprs.size(); i++) {
        RexNode expr = exprs.get(i);
        boolean kept = i < count ? expr instanceof RexInputRef ref && ref.getIndex() == i
            : expr.isA(SqlKind.CAST) && ((RexCall) expr).getOperands().get(0) instanceof RexInputRef;
        if (!kept) {
          return rel;
        }
      }
      return project.getInput();
    }
    return rel;
  }

  /**
   * Whether a variable's field and a row's field at one position name the same column. Calcite names a
   * repeated name apart with a number, differently in the scope that types the variable ({@code k, k0})
   * and in the rows ({@code k, k1}, when a cast for {@code ON t.k = u.b} took {@code k0}). Names that
   * differ only so, and appear nowhere else in the other list, are the same column; a name found at
   * another position of the other list (rows before grouping read as rows after it) is not. Rows past the
   * variable's fields are not compared: Calcite appends there the casts a join condition needs.
   */
  private static boolean sameColumn(String variableName, String rowName, List<String> variableNames,
      List<String> rowNames) {
    if (variableName.equals(rowName)) {
      return true;
    }
    return stem(variableName).equals(stem(rowName)) && !stem(rowName).equals(rowName)
        && !variableNames.contains(rowName) && !rowNames.contains(variableName);
  }

  private static String stem(String name) {
    return name.replaceFirst("[0-9]+$", "");
  }

  /**
   * A call on outer columns only, such as {@code outer.x IS NULL} or {@code outer.x + 1}: the decorrelator
   * moves it into a projection of the outer rows and misplaces the projected column in deeper nestings
   * (a text column compared with a boolean one, found by the round-trip property).
   */
  private static boolean isCorrelatedComputation(RexCall call) {
    boolean[] correlated = {false};
    boolean[] other = {false};
    for (RexNode operand : call.getOperands()) {
      operand.accept(new RexVisitorImpl<Void>(true) {
        @Override
        public Void visitFieldAccess(RexFieldAccess access) {
          if (access.getReferenceExpr() instanceof RexCorrelVariable) {
            correlated[0] = true;
            return null;
          }
          return super.visitFieldAccess(access);
        }

        @Override
        public Void visitInputRef(RexInputRef ref) {
          other[0] = true;
          return null;
        }
      });
    }
    return correlated[0] && !other[0];
  }

  /**
   * In a plan as converted (sub-queries still {@link RexSubQuery} expressions): a sub-query that names a
   * column of a query two or more levels out, not only of the query it sits in. Calcite's decorrelator
   * builds the outer values of such a sub-query from the wrong rows (wrong results, and printed SQL
   * comparing text with booleans, in the round-trip property).
   */
  static Optional<String> findAcrossLevels(RelNode rel) {
    return acrossLevels(rel) ? Optional.of("a sub-query names a column of a query two or more levels out "
        + "(not of the query it sits in), which Freshet's planner cannot read reliably yet") : Optional.empty();
  }

  private static boolean acrossLevels(RelNode rel) {
    boolean[] found = {false};
    rel.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode holder) {
        holder.accept(new RexShuttle() {
          @Override
          public RexNode visitSubQuery(RexSubQuery subQuery) {
            Set<CorrelationId> used = new HashSet<>(RelOptUtil.getVariablesUsed(subQuery.rel));
            used.removeAll(holder.getVariablesSet()); // what the sub-query names of its own query is fine
            found[0] |= !used.isEmpty() || acrossLevels(subQuery.rel);
            return super.visitSubQuery(subQuery);
          }
        });
        return super.visit(holder);
      }
    });
    return found[0];
  }

}
