package dev.freshet.codegen.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;

/**
 * Names the columns of a plan's result as the stream table names them: PostgreSQL's names for the query's
 * result ({@code ?column?} for an unnamed expression, {@code count} for a scalar sub-query's count), where the
 * plan has names of its own ({@code expr}, {@code case} from {@code ReadableNamesShuttle}). Only names change,
 * and only where the result's columns are named: a projection's, an aggregate's (a group key through the
 * column of its input it reads), each branch of a set operation (the first names the result in SQL), under a
 * filter or a sort (for the plan printer only over a set operation: it names the input of a filter or a sort
 * itself). Anything else (a join, a scan) is read through a projection that names the columns when
 * {@code wrap} (for SQL), else returned as it is.
 *
 * <pre>{@code
 * SELECT id, v + 1, (SELECT count(*) FROM u WHERE u.id = t.id) FROM t
 *
 * Project(id, expr=["v" + 1], case=[…])        SELECT "t"."id", "t"."v" + 1 AS "expr", … AS "case"
 * becomes
 * Project(id, ?column?=["v" + 1], count=[…])   SELECT "t"."id", "t"."v" + 1 AS "?column?", … AS "count"
 * }</pre>
 */
final class ResultColumnNames {

  private ResultColumnNames() {
  }

  /**
   * {@code rel} with its columns named {@code names}, one per column; a name given to two columns (PostgreSQL's
   * {@code ?column?} for two expressions, which no stream table can have) is left as the plan has it.
   */
  static RelNode apply(RelNode rel, List<String> names, boolean wrap) {
    List<String> current = rel.getRowType().getFieldNames();
    if (names.size() != current.size()) {
      throw new IllegalArgumentException("column names " + names + " for " + rel.getRowType());
    }
    Set<String> seen = new HashSet<>();
    Set<String> twice = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) {
        twice.add(name);
      }
    }
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      wanted.add(twice.contains(names.get(i)) ? current.get(i) : names.get(i));
    }
    if (new HashSet<>(wanted).size() != wanted.size()) {
      wanted = current; // a name kept from the plan is one given to another column: keep the plan's names
    }
    return named(rel, wanted, wrap);
  }

  private static RelNode named(RelNode rel, List<String> names, boolean wrap) {
    if (rel.getRowType().getFieldNames().equals(names)) {
      return rel;
    }
    if (rel instanceof Project project) {
      return project.copy(project.getTraitSet(), project.getInput(), project.getProjects(), rowType(rel, names));
    }
    if (rel instanceof Filter || rel instanceof Sort) {
      if (!wrap && !(rel.getInput(0) instanceof SetOp)) {
        return rel; // the plan printer passes the user's names down to the input itself
      }
      RelNode input = named(rel.getInput(0), names, wrap);
      return input.getRowType().getFieldNames().equals(names) ? rel.copy(rel.getTraitSet(), List.of(input)) : wrapped(
          rel, names, wrap);
    }
    if (rel instanceof SetOp setOp) {
      List<RelNode> inputs = new ArrayList<>();
      for (RelNode input : setOp.getInputs()) {
        inputs.add(named(input, names, wrap));
      }
      RelNode copy = setOp.copy(setOp.getTraitSet(), inputs);
      return copy.getRowType().getFieldNames().equals(names) ? copy : wrapped(rel, names, wrap);
    }
    if (rel instanceof Aggregate aggregate) {
      int groups = aggregate.getGroupCount();
      List<String> inputNames = new ArrayList<>(aggregate.getInput().getRowType().getFieldNames());
      for (int i = 0; i < groups; i++) {
        inputNames.set(aggregate.getGroupSet().nth(i), names.get(i));
      }
      RelNode input = aggregate.getInput();
      if (new HashSet<>(inputNames).size() == inputNames.size()) {
        input = named(input, inputNames, wrap);
      }
      List<AggregateCall> calls = new ArrayList<>();
      for (int j = 0; j < aggregate.getAggCallList().size(); j++) {
        calls.add(aggregate.getAggCallList().get(j).rename(names.get(groups + j)));
      }
      RelNode copy = aggregate.copy(aggregate.getTraitSet(), input, aggregate.getGroupSet(), aggregate.getGroupSets(),
          calls);
      return copy.getRowType().getFieldNames().equals(names) ? copy : wrapped(rel, names, wrap);
    }
    return wrapped(rel, names, wrap);
  }

  /** {@code rel} read through a projection naming its columns {@code names} when {@code wrap}, else as it is. */
  private static RelNode wrapped(RelNode rel, List<String> names, boolean wrap) {
    if (!wrap) {
      return rel;
    }
    List<RexNode> columns = new ArrayList<>();
    for (int i = 0; i < rel.getRowType().getFieldCount(); i++) {
      columns.add(rel.getCluster().getRexBuilder().makeInputRef(rel, i));
    }
    return LogicalProject.create(rel, List.of(), columns, names, Set.of());
  }

  private static RelDataType rowType(RelNode rel, List<String> names) {
    RelDataTypeFactory.Builder builder = rel.getCluster().getTypeFactory().builder();
    List<RelDataTypeField> fields = rel.getRowType().getFieldList();
    for (int i = 0; i < fields.size(); i++) {
      builder.add(names.get(i), fields.get(i).getType());
    }
    return builder.build();
  }
}
