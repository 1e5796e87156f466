package dev.freshet.codegen.sql;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.externalize.RelWriterImpl;
import org.apache.calcite.rel.rel2sql.SqlImplementor;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.Pair;

/**
 * Prints a plan for people ({@code freshet plan}, {@code freshet explain}): one operator per line, indented
 * under the one that reads it, named as in SQL ({@code Aggregate}, {@code Join}, {@code Except}, not
 * Calcite's {@code LogicalAggregate} or {@code LogicalMinus}), with no node ids, and every expression in
 * PostgreSQL's syntax over column names ({@code SUM("n")}, not {@code SUM($2)}).
 *
 * <p>Calcite's made-up names ({@code EXPR$2}, {@code $f3}) never appear: the plan's own columns carry the
 * names the caller gives (PostgreSQL's names for the query's result: {@code count}, {@code sum}); inside
 * the plan an unnamed expression is shown by what it computes, where it is computed and wherever it is
 * read ({@code Filter(condition=[COUNT(*) > 1])}).
 */
public final class PlanPrinter {

  /** Calcite's names for unnamed expressions and aggregates ({@code EXPR$2}, {@code $f3}). */
  private static final Pattern GENERATED = Pattern.compile("(EXPR\\$|\\$f)\\d+");

  private PlanPrinter() {
  }

  /** True for a name Calcite made up for an unnamed expression: never shown to a user. */
  public static boolean isGenerated(String name) {
    return GENERATED.matcher(name).matches();
  }

  /**
   * The plan {@code rel}, whose columns are named {@code columnNames} (the user's names, e.g. PostgreSQL's
   * for a query's result; empty: the plan's own names, those Calcite made up left out).
   */
  public static String print(RelNode rel, List<String> columnNames) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    Writer writer = new Writer(out);
    if (!columnNames.isEmpty()) {
      if (columnNames.size() != rel.getRowType().getFieldCount()) {
        throw new IllegalArgumentException("column names " + columnNames + " for " + rel.getRowType());
      }
      writer.userNames.put(rel, List.copyOf(columnNames));
    }
    rel.explain(writer);
    out.flush();
    return text.toString();
  }

  /** Writes each node as Calcite's RelWriterImpl does, but with names and values as users read them. */
  private static final class Writer extends RelWriterImpl {
    /** Names the user knows for a node's columns: the top node's, passed down through filters and sorts. */
    final Map<RelNode, List<String>> userNames = new IdentityHashMap<>();
    /** What each column of a node is, as SQL: its name, or for an unnamed one the expression itself. */
    private final Map<RelNode, List<SqlNode>> fields = new IdentityHashMap<>();
    private int depth;

    Writer(PrintWriter out) {
      super(out, SqlExplainLevel.EXPPLAN_ATTRIBUTES, false);
    }

    @Override
    protected void explain_(RelNode rel, List<Pair<String, Object>> values) {
      List<String> names = userNames.get(rel);
      if (names != null && (rel instanceof Filter || rel instanceof Sort)) {
        userNames.put(rel.getInput(0), names); // same columns as its input
      }
      SqlImplementor.Context context = context(inputFields(rel));
      List<String> terms = new ArrayList<>();
      int expression = 0; // a Project's expressions and an Aggregate's calls are its columns, in order
      for (Pair<String, Object> value : values) {
        if (value.right instanceof RelNode) {
          continue;
        }
        String text = render(value.right, context, rel);
        int column = rel instanceof Project && value.right instanceof RexNode ? expression++
            : rel instanceof Aggregate aggregate && value.right instanceof AggregateCall
                ? aggregate.getGroupCount() + expression++ : -1;
        if (rel instanceof SetOp && value.left.equals("all")) {
          terms.add(Boolean.TRUE.equals(value.right) ? "ALL" : "DISTINCT");
          continue;
        }
        if (column < 0) {
          terms.add(value.left + "=[" + text + "]");
          continue;
        }
        String name = names != null ? names.get(column) : rel.getRowType().getFieldNames().get(column);
        if (isGenerated(name)) {
          terms.add(text);
        } else if (text.equals(Quoting.identifier(name))) {
          terms.add(name);
        } else {
          terms.add(name + "=[" + text + "]");
        }
      }
      pw.println("  ".repeat(depth) + operatorName(rel) + (terms.isEmpty() ? "" : "(" + String.join(", ", terms)
          + ")"));
      depth++;
      rel.getInputs().forEach(input -> input.explain(this));
      depth--;
    }

    /** SQL's name for the operator: Calcite's class name without {@code Logical}; EXCEPT for Minus. */
    private static String operatorName(RelNode rel) {
      if (rel instanceof Minus) {
        return "Except";
      }
      if (rel instanceof TableScan) {
        return "Scan";
      }
      String name = rel.getRelTypeName();
      return name.startsWith("Logical") && name.length() > "Logical".length() ? name.substring("Logical".length())
          : name;
    }

    private String render(Object value, SqlImplementor.Context context, RelNode rel) {
      if (value instanceof RexNode rex) {
        return sql(context.toSql(null, rex));
      }
      if (value instanceof AggregateCall call) {
        return sql(context.toSql(call));
      }
      if (value instanceof ImmutableBitSet columns && rel instanceof Aggregate) { // the group keys
        List<String> keys = new ArrayList<>();
        columns.forEach(i -> keys.add(context.field(i) instanceof SqlIdentifier id && id.isSimple() ? id.getSimple()
            : sql(context.field(i))));
        return String.join(", ", keys);
      }
      if (value instanceof List<?> list && rel instanceof TableScan) {
        return String.join(".", list.stream().map(Object::toString).toList());
      }
      return String.valueOf(value);
    }

    private List<SqlNode> inputFields(RelNode rel) {
      List<SqlNode> all = new ArrayList<>();
      rel.getInputs().forEach(input -> all.addAll(fields(input)));
      return all;
    }

    /**
     * The columns of {@code rel} as SQL: a named column by its name; an unnamed one by what it computes (a
     * Project's expression, an Aggregate's call), else by the input column it passes on (a Filter's, a
     * Join's, a UNION's first branch's).
     */
    private List<SqlNode> fields(RelNode rel) {
      List<SqlNode> known = fields.get(rel);
      if (known != null) {
        return known;
      }
      List<SqlNode> inputs = inputFields(rel);
      SqlImplementor.Context context = context(inputs);
      List<String> names = rel.getRowType().getFieldNames();
      List<SqlNode> result = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        if (!isGenerated(name)) {
          result.add(new SqlIdentifier(name, SqlParserPos.ZERO));
        } else if (rel instanceof Project project) {
          result.add(context.toSql(null, project.getProjects().get(i)));
        } else if (rel instanceof Aggregate aggregate) {
          result.add(i < aggregate.getGroupCount() ? inputs.get(aggregate.getGroupSet().nth(i))
              : context.toSql(aggregate.getAggCallList().get(i - aggregate.getGroupCount())));
        } else if (i < inputs.size()) {
          result.add(inputs.get(i));
        } else {
          result.add(new SqlIdentifier("column" + (i + 1), SqlParserPos.ZERO)); // PostgreSQL's name in VALUES
        }
      }
      fields.put(rel, result);
      return result;
    }

    private static SqlImplementor.Context context(List<SqlNode> inputFields) {
      return new SqlImplementor.SimpleContext(Quoting.DIALECT, inputFields::get);
    }

    private static String sql(SqlNode node) {
      return node.toSqlString(c -> SqlFormat.config(c).withClauseStartsLine(false)).getSql().replace('\n', ' ');
    }
  }
}
