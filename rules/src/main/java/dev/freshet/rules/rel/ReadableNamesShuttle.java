package dev.freshet.rules.rel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSyntax;

/**
 * Gives the columns Calcite names itself ({@code EXPR$1}, {@code $f4}: an unnamed expression, aggregate or
 * VALUES column) the names a person would, so that no printed SQL, state table or plan shows them: an
 * aggregate by its function ({@code sum}, {@code count}), an expression by the function it calls
 * ({@code coalesce}, {@code date_trunc}), a cast by what it casts, a CASE as {@code case}, anything else as
 * {@code expr}, and a VALUES column as PostgreSQL does ({@code column1}); each made unique among its node's
 * columns with {@code _2}, {@code _3}. Only names change: every expression, type and reference (by
 * position) stays as it was. Idempotent: a plan without such names is returned as it is.
 *
 * <pre>{@code
 * SELECT g, sum(v * 2), count(*) FROM t GROUP BY g
 *
 * Aggregate(group=[{0}], EXPR$1=[SUM($1)], EXPR$2=[COUNT()])
 *   Project(g=[$1], $f1=[*($2, 2)])
 * becomes
 * Aggregate(group=[{0}], sum=[SUM($1)], count=[COUNT()])
 *   Project(g=[$1], expr=[*($2, 2)])
 * }</pre>
 */
public final class ReadableNamesShuttle extends RelHomogeneousShuttle {

  /** Calcite's names for unnamed expressions, aggregates and VALUES columns ({@code EXPR$2}, {@code $f3}). */
  private static final Pattern GENERATED = Pattern.compile("(EXPR\\$|\\$f)\\d+");

  /** A name that reads as it is: lower case letters, digits and underscores, not hidden ({@code __}). */
  private static final Pattern PLAIN = Pattern.compile("[a-z][a-z0-9_]*");

  /** The name of an expression with nothing better to go by. */
  public static final String EXPRESSION = "expr";

  /** Bytes of the longest name PostgreSQL keeps; longer ones it cuts short. */
  private static final int MAX_NAME_BYTES = 63;

  /** True for a name Calcite made up for an unnamed expression: never shown to a user. */
  public static boolean isGenerated(String name) {
    return GENERATED.matcher(name).matches();
  }

  /** {@code rel} with readable names for every column Calcite named itself. */
  public static RelNode rename(RelNode rel) {
    return rel.accept(new ReadableNamesShuttle());
  }

  @Override
  public RelNode visit(RelNode other) {
    RelNode rel = super.visit(other);
    if (rel.getRowType().getFieldNames().stream().noneMatch(ReadableNamesShuttle::isGenerated)) {
      return rel;
    }
    if (rel instanceof Project project) {
      List<String> names = new ArrayList<>();
      for (RexNode expression : project.getProjects()) {
        names.add(nameOf(expression, project.getInput()));
      }
      RelDataType rowType = renamed(project, names);
      return project.copy(project.getTraitSet(), project.getInput(), project.getProjects(), rowType);
    }
    if (rel instanceof Aggregate aggregate) {
      Set<String> taken = new HashSet<>(aggregate.getRowType().getFieldNames().subList(0, aggregate.getGroupCount()));
      aggregate.getAggCallList().stream().map(c -> c.name).filter(n -> n != null && !isGenerated(n))
          .forEach(taken::add);
      List<AggregateCall> calls = new ArrayList<>();
      for (AggregateCall call : aggregate.getAggCallList()) {
        calls.add(call.name != null && !isGenerated(call.name) ? call : call.rename(unique(nameOf(call), taken)));
      }
      return aggregate.copy(aggregate.getTraitSet(), aggregate.getInput(), aggregate.getGroupSet(),
          aggregate.getGroupSets(), calls);
    }
    if (rel instanceof Values values) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < values.getRowType().getFieldCount(); i++) {
        names.add("column" + (i + 1)); // PostgreSQL's names for the columns of a VALUES
      }
      return LogicalValues.create(values.getCluster(), renamed(values, names), values.getTuples());
    }
    return rel; // a join, union, filter or sort: its names are its inputs'
  }

  /**
   * The row type of {@code rel} with each made-up name replaced by the one at its position in
   * {@code suggested}, made unique among the row's names.
   */
  private static RelDataType renamed(RelNode rel, List<String> suggested) {
    List<RelDataTypeField> fields = rel.getRowType().getFieldList();
    Set<String> taken = new HashSet<>();
    fields.stream().map(RelDataTypeField::getName).filter(n -> !isGenerated(n)).forEach(taken::add);
    RelDataTypeFactory.Builder builder = rel.getCluster().getTypeFactory().builder();
    for (int i = 0; i < fields.size(); i++) {
      RelDataTypeField field = fields.get(i);
      builder.add(isGenerated(field.getName()) ? unique(suggested.get(i), taken) : field.getName(), field.getType());
    }
    return builder.build();
  }

  /** {@code base}, else {@code base_2}, {@code base_3}, … : the first not in {@code taken}, which it joins. */
  static String unique(String base, Set<String> taken) {
    String name = base;
    for (int n = 2; taken.contains(name); n++) {
      name = base + "_" + n;
    }
    taken.add(name);
    return name;
  }

  /** How PostgreSQL would name an aggregate's column: its function, {@code string_agg} for Calcite's LISTAGG. */
  private static String nameOf(AggregateCall call) {
    return switch (call.getAggregation().getKind()) {
      case LISTAGG -> "string_agg";
      case SUM0 -> "sum";
      default -> plain(call.getAggregation().getName());
    };
  }

  /**
   * How PostgreSQL would name an expression's column, mostly: a column by its name, a function call by the
   * function, a cast by what it casts, a CASE as {@code case}; otherwise {@value #EXPRESSION}.
   */
  private static String nameOf(RexNode expression, RelNode input) {
    if (expression instanceof RexInputRef ref) {
      String name = input.getRowType().getFieldNames().get(ref.getIndex());
      return isGenerated(name) || name.startsWith("__") || name.getBytes(StandardCharsets.UTF_8).length
          > MAX_NAME_BYTES - 8 ? EXPRESSION : name;
    }
    if (expression instanceof RexCall call) {
      if (call.getKind() == SqlKind.CAST) {
        return nameOf(call.getOperands().get(0), input);
      }
      if (call.getKind() == SqlKind.CASE) {
        return "case";
      }
      if (call.getOperator() instanceof SqlFunction function && function.getSyntax() != SqlSyntax.SPECIAL
          && function.getSyntax() != SqlSyntax.INTERNAL) {
        return plain(function.getName());
      }
    }
    return EXPRESSION;
  }

  /** {@code name} in lower case when it reads as a plain name, else {@value #EXPRESSION}. */
  private static String plain(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return PLAIN.matcher(lower).matches() && lower.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES - 8
        ? lower : EXPRESSION;
  }
}
