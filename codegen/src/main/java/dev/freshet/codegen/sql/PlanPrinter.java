package dev.freshet.codegen.sql;

import dev.freshet.planner.sql.Quoting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.externalize.RelWriterImpl;
import org.apache.calcite.rel.rel2sql.SqlImplementor;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.Pair;
import org.checkerframework.checker.nullness.qual.Nullable;

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
      if (rel instanceof Sort sort) {
        terms.addAll(sortTerms(sort, context, names));
        values = List.of(); // Calcite's sort0=, dir0=, fetch=: said in SQL's words instead
      } else if (rel instanceof Values tuples) {
        terms.add("rows=[" + rows(tuples, context) + "]");
        values = List.of(); // Calcite's tuples=[[{ 1, 'a' }]]
      }
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

    /**
     * A sort as SQL says it: {@code order=[total DESC, region]}, {@code limit=[10]}, {@code offset=[5]}; a key by
     * its name (as a group key is) or its expression, with a direction and a NULLS clause only where they are not
     * PostgreSQL's default ({@code ASC}, and NULLS LAST ascending, FIRST descending). A sort's columns are its
     * input's: {@code names}, the user's names for them (the query's result), name its keys when given.
     */
    private static List<String> sortTerms(Sort sort, SqlImplementor.Context context, @Nullable List<String> names) {
      List<String> terms = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (RelFieldCollation key : sort.getCollation().getFieldCollations()) {
        int i = key.getFieldIndex();
        StringBuilder text = new StringBuilder(names != null && !isGenerated(names.get(i)) ? names.get(i)
            : column(context, i));
        if (key.getDirection().isDescending()) {
          text.append(" DESC");
        }
        if (key.nullDirection != key.getDirection().defaultNullDirection()
            && key.nullDirection != RelFieldCollation.NullDirection.UNSPECIFIED) {
          text.append(key.nullDirection == RelFieldCollation.NullDirection.FIRST ? " NULLS FIRST" : " NULLS LAST");
        }
        keys.add(text.toString());
      }
      if (!keys.isEmpty()) {
        terms.add("order=[" + String.join(", ", keys) + "]");
      }
      if (sort.fetch != null) {
        terms.add("limit=[" + sql(context.toSql(null, sort.fetch)) + "]");
      }
      if (sort.offset != null) {
        terms.add("offset=[" + sql(context.toSql(null, sort.offset)) + "]");
      }
      return terms;
    }

    /** The rows of a VALUES as SQL writes them: {@code (1, 'a'), (2, 'b')}. */
    private static String rows(Values values, SqlImplementor.Context context) {
      List<String> rows = new ArrayList<>();
      for (List<RexLiteral> tuple : values.getTuples()) {
        rows.add("(" + String.join(", ", tuple.stream().map(literal -> sql(context.toSql(null, literal))).toList())
            + ")");
      }
      return String.join(", ", rows);
    }

    /** Column {@code i} of the input: its name when it is a plain one (as group keys show), else its expression. */
    private static String column(SqlImplementor.Context context, int i) {
      return context.field(i) instanceof SqlIdentifier id && id.isSimple() ? id.getSimple() : sql(context.field(i));
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
        columns.forEach(i -> keys.add(column(context, i)));
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
      return new SqlImplementor.SimpleContext(FreshetPostgresDialect.INSTANCE, inputFields::get);
    }

    private static String sql(SqlNode node) {
      return node.toSqlString(c -> SqlFormat.config(c).withClauseStartsLine(false)).getSql().replace('\n', ' ');
    }
  }
}
