package dev.freshet.codegen.sql;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.rules.rel.ReadableNamesShuttle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.externalize.RelWriterImpl;
import org.apache.calcite.rel.rel2sql.SqlImplementor;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.Util;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.Pair;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Prints a plan for people ({@code freshet plan}, {@code freshet explain}): one operator per line, indented
 * under the one that reads it, named as in SQL ({@code Aggregate}, {@code Join}, {@code Except}, not
 * Calcite's {@code LogicalAggregate} or {@code LogicalMinus}), with no node ids, and every expression in
 * PostgreSQL's syntax over column names ({@code SUM("n")}, not {@code SUM($2)}). A name outside an expression
 * ({@code Project(amount, "user", "x y")}, group and sort keys, the name before {@code =[…]}) is bare where
 * PostgreSQL reads the bare word as that name, else quoted ({@link Quoting#bareOrQuoted}, as {@code quote_ident}
 * does): {@code user} bare would read as the function USER.
 *
 * <p>Calcite's made-up names ({@code EXPR$2}, {@code $f3}) never appear: the plan's own columns carry the
 * names the caller gives (PostgreSQL's names for the query's result: {@code count}, {@code sum}); inside
 * the plan an unnamed expression is shown by what it computes, where it is computed and wherever it is
 * read ({@code Filter(condition=[COUNT(*) > 1])}), but across an outer join, where it may be NULL, by the
 * name Freshet gives it ({@code Filter(condition=["expr" IS NULL])} over {@code Project(e_custkey, expr=[TRUE])}).
 *
 * <p>Each scan is named as its FROM item in the printed SQL ({@code Scan(table=[public.orders], alias=[orders_2])},
 * {@code Scan(table=[pg_temp.Δpublic.orders], alias=[Δorders])}); a column is qualified by the name of what it
 * is read from wherever two columns of its name could be meant ({@code Project("Δorders"."o_status", …)}, never
 * Calcite's {@code o_status0}), and always in a join condition, which so names the side of each column
 * ({@code Join(condition=["Δorders"."o_custkey" = "customer"."c_custkey"])}).
 */
public final class PlanPrinter {

  private PlanPrinter() {
  }

  /** True for a name Calcite made up for an unnamed expression: never shown to a user. */
  public static boolean isGenerated(String name) {
    return ReadableNamesShuttle.isGenerated(name);
  }

  /**
   * The plan {@code rel}, whose columns are named {@code columnNames} (the user's names, e.g. PostgreSQL's
   * for a query's result; empty: the plan's own names, those Calcite made up left out).
   */
  public static String print(RelNode rel, List<String> columnNames) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    if (!columnNames.isEmpty()) {
      // the result's columns under the user's names wherever they are named (a union's branches, the column
      // an aggregate's group key reads), not Freshet's expr or case
      rel = ResultColumnNames.apply(rel, columnNames, false);
    }
    Writer writer = new Writer(out, rel);
    if (!columnNames.isEmpty()) {
      writer.root.userNames = List.copyOf(columnNames);
    }
    writer.print(writer.root);
    out.flush();
    return text.toString();
  }

  /**
   * Each column of {@code rel} as a person reads it, without the names Freshet or Calcite made up: a column
   * read as it is by its name ({@code amount}; quoted where the bare word would read otherwise, {@code "user"},
   * {@code "x y"}: {@link Quoting#bareOrQuoted}), a computed one by its expression ({@code "amount" * 2}).
   * What {@code explain} shows an aggregate's arguments as.
   */
  public static List<String> columns(RelNode rel) {
    Writer writer = new Writer(new PrintWriter(new StringWriter()), rel);
    List<SqlNode> fields = Writer.unqualified(writer.inputFields(writer.root));
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < rel.getRowType().getFieldCount(); i++) {
      SqlNode field = rel instanceof Project project
          ? Writer.context(fields).toSql(null, project.getProjects().get(i))
          : Writer.unqualified(writer.fields(writer.root)).get(i);
      columns.add(field instanceof SqlIdentifier id && id.isSimple() ? Quoting.bareOrQuoted(id.getSimple())
          : Writer.sql(field));
    }
    return columns;
  }

  /**
   * One place of a node in the plan: Calcite shares equal subtrees (two scans of one table are one node), and
   * each place is printed, named and read from on its own.
   */
  private static final class Place {
    final RelNode rel;
    final List<Place> inputs = new ArrayList<>();
    /**
     * The name of the FROM item the node is printed as in SQL, when it has one of its own: a scan's ({@code t1},
     * {@code Δt1}, {@code t1_2}), a set operation's ({@code union}), a join's sub-select ({@code join}), a VALUES'.
     */
    @Nullable String tableAlias;
    /** Names the user knows for the node's columns: the top node's, passed down through filters and sorts. */
    @Nullable List<String> userNames;
    /** What each column is, as SQL: its name, qualified by its table, or for an unnamed one the expression. */
    @Nullable List<SqlNode> fields;
    /** Unnamed columns that are read by a name (Freshet's), by position: those read across an outer join. */
    final Map<Integer, String> shownNames = new HashMap<>();

    Place(RelNode rel) {
      this.rel = rel;
    }
  }

  /** Writes each node as Calcite's RelWriterImpl does, but with names and values as users read them. */
  private static final class Writer extends RelWriterImpl {
    final Place root;
    /** The place whose node is being explained: set before each node's {@code explain}. */
    private Place current;
    private int depth;

    Writer(PrintWriter out, RelNode rel) {
      super(out, SqlExplainLevel.EXPPLAN_ATTRIBUTES, false);
      this.root = place(rel, new LinkedHashSet<>(), null);
    }

    /**
     * The places of {@code rel} and its inputs, each FROM item named as {@link FreshetRelToSqlConverter} names
     * it, in the same order: a scan as its table, a set operation ({@code union}), a join read by a projection,
     * filter, aggregate or sort ({@code join}, the sub-select it is printed as) and a VALUES ({@code t}) once
     * their inputs are named; unique among {@code taken}, each branch of a set operation a scope of its own.
     */
    private static Place place(RelNode rel, Set<String> taken, @Nullable RelNode parent) {
      Place place = new Place(rel);
      if (rel instanceof TableScan scan) {
        place.tableAlias = TableAliases.unique(TableAliases.of(scan.getTable().getQualifiedName()), taken);
      } else if (rel instanceof SetOp setOp) {
        Set<String> around = new LinkedHashSet<>(taken);
        for (RelNode input : rel.getInputs()) {
          Set<String> branch = new LinkedHashSet<>(around);
          place.inputs.add(place(input, branch, rel));
          taken.addAll(branch);
        }
        place.tableAlias = TableAliases.unique(TableAliases.setOperation(setOp.kind).orElseThrow(), taken);
      } else {
        rel.getInputs().forEach(input -> place.inputs.add(place(input, taken, rel)));
        if (rel instanceof Values) {
          place.tableAlias = TableAliases.unique(TableAliases.OTHER, taken);
        } else if (rel instanceof Join join && (join.getJoinType().projectsRight()
            ? parent instanceof Project || parent instanceof Filter || parent instanceof Aggregate
                || parent instanceof Sort
            : join.getLeft() instanceof Join left && left.getJoinType().projectsRight())) {
          place.tableAlias = TableAliases.unique(TableAliases.JOIN, taken); // a semi-join reads its left input
        }
      }
      return place;
    }

    void print(Place place) {
      current = place;
      place.rel.explain(this);
    }

    /**
     * The name {@code place}'s columns are qualified by, as the FROM item it is printed as in SQL is named: its
     * own ({@link #place}), else that of the first input of a projection, filter, aggregate, sort or semi-join
     * (a sub-select of one FROM item is named as that item); none for a join read by a join or a union.
     */
    private static @Nullable String alias(Place place) {
      if (place.tableAlias != null) {
        return place.tableAlias;
      }
      if (place.rel instanceof Project || place.rel instanceof Filter || place.rel instanceof Aggregate
          || place.rel instanceof Sort || place.rel instanceof Join join && !join.getJoinType().projectsRight()) {
        return alias(place.inputs.get(0));
      }
      return null;
    }

    @Override
    protected void explain_(RelNode rel, List<Pair<String, Object>> values) {
      Place place = current;
      List<String> names = place.userNames;
      if (names != null && (rel instanceof Filter || rel instanceof Sort)) {
        place.inputs.get(0).userNames = names; // same columns as its input
      }
      List<SqlNode> inputs = inputFields(place);
      SqlImplementor.Context context = context(unqualified(inputs));
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
        // a join condition names the side of each column: "Δorders"."custkey" = "customer"."custkey"
        String text = render(value.right, rel instanceof Join && value.right instanceof RexNode ? context(inputs)
            : context, rel);
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
        if (isGenerated(name) && place.shownNames.containsKey(column)) {
          name = place.shownNames.get(column); // read by its name above an outer join, where it may be NULL
        }
        if (text.equals(Quoting.identifier(name))) {
          terms.add(Quoting.bareOrQuoted(name));
        } else if (isGenerated(name) && value.right instanceof RexInputRef ref
            && context.field(ref.getIndex()) instanceof SqlIdentifier id && id.isSimple()) {
          terms.add(Quoting.bareOrQuoted(id.getSimple())); // a column passed on under a made-up name
        } else if (isGenerated(name) || names == null && value.right instanceof RexInputRef ref
            && context.field(ref.getIndex()) instanceof SqlIdentifier id && Util.last(id.names).equals(name)) {
          // "v" * 2; "Δt1"."g", a column read on under its name, from one of two tables; but a column of the
          // user's result is named as such, id=["union"."id"], not by where it is read from
          terms.add(text);
        } else {
          terms.add(Quoting.bareOrQuoted(name) + "=[" + text + "]");
        }
      }
      if (rel instanceof TableScan scan && !place.tableAlias.equals(scan.getTable().getQualifiedName().getLast())
          || rel instanceof SetOp setOp && !place.tableAlias.equals(TableAliases.setOperation(setOp.kind).orElseThrow())
          || rel instanceof Join && place.tableAlias != null && !place.tableAlias.equals(TableAliases.JOIN)) {
        terms.add("alias=[" + place.tableAlias + "]");
      }
      pw.println("  ".repeat(depth) + operatorName(rel) + (terms.isEmpty() ? "" : "(" + String.join(", ", terms)
          + ")"));
      depth++;
      place.inputs.forEach(this::print);
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
        StringBuilder text = new StringBuilder(names != null && !isGenerated(names.get(i))
            ? Quoting.bareOrQuoted(names.get(i)) : column(context, i));
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
      return context.field(i) instanceof SqlIdentifier id && id.isSimple() ? Quoting.bareOrQuoted(id.getSimple())
          : sql(context.field(i));
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

    private List<SqlNode> inputFields(Place place) {
      List<SqlNode> all = new ArrayList<>();
      place.inputs.forEach(input -> all.addAll(fields(input)));
      return all;
    }

    /**
     * The columns of {@code place} as SQL: a named column by its name, qualified by the name of the table it is
     * read from when there is one ({@link #alias}); an unnamed one by what it computes (a Project's expression,
     * an Aggregate's call), else by the input column it passes on (a UNION's first branch's). A filter, sort or
     * join passes on its inputs' columns as they are (a join's left ones first, Calcite's {@code id0} for a
     * second {@code id} never shown).
     */
    private List<SqlNode> fields(Place place) {
      if (place.fields != null) {
        return place.fields;
      }
      RelNode rel = place.rel;
      List<SqlNode> inputs = inputFields(place);
      List<String> names = rel.getRowType().getFieldNames();
      List<SqlNode> result = new ArrayList<>();
      if (rel instanceof Join join && join.getJoinType().generatesNullsOnLeft()) {
        inputs = namedColumns(place.inputs.get(0), inputs, 0);
      }
      if (rel instanceof Join join && join.getJoinType().generatesNullsOnRight()) {
        inputs = namedColumns(place.inputs.get(1), inputs, join.getLeft().getRowType().getFieldCount());
      }
      if (rel instanceof Filter || rel instanceof Sort || rel instanceof Join) {
        result.addAll(inputs.subList(0, names.size())); // a semi- or anti-join: its left input's
        place.fields = result;
        return result;
      }
      SqlImplementor.Context context = context(inputs);
      String alias = alias(place);
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        if (!isGenerated(name)) {
          result.add(new SqlIdentifier(alias == null ? List.of(name) : List.of(alias, name), SqlParserPos.ZERO));
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
      place.fields = result;
      return result;
    }

    /**
     * {@code inputs} (a join's input columns) with the unnamed columns of {@code side}, the join's input whose
     * columns start at {@code offset}, read by the names Freshet gives them ({@link ReadableNamesShuttle}), which
     * {@code side} then shows: across an outer join such a column is not what it computes, but NULL for a row
     * without a match (a NOT EXISTS reads {@code "expr" IS NULL}, not {@code TRUE IS NULL}).
     */
    private static List<SqlNode> namedColumns(Place side, List<SqlNode> inputs, int offset) {
      List<String> names = side.rel.getRowType().getFieldNames();
      List<String> readable = ReadableNamesShuttle.rename(side.rel).getRowType().getFieldNames();
      String alias = alias(side);
      Place defining = side; // where the column is computed and shown
      while (defining.rel instanceof Filter || defining.rel instanceof Sort) {
        defining = defining.inputs.get(0);
      }
      List<SqlNode> result = new ArrayList<>(inputs);
      for (int i = 0; i < names.size(); i++) {
        if (isGenerated(names.get(i)) && !(inputs.get(offset + i) instanceof SqlIdentifier)) {
          defining.shownNames.put(i, readable.get(i));
          result.set(offset + i, new SqlIdentifier(alias == null ? List.of(readable.get(i))
              : List.of(alias, readable.get(i)), SqlParserPos.ZERO));
        }
      }
      return result;
    }

    /**
     * {@code fields} with each {@code "table"."column"} in them written {@code "column"} where that says which
     * one it is: where no column of that name from another table is among them.
     */
    static List<SqlNode> unqualified(List<SqlNode> fields) {
      Map<String, Set<List<String>>> tables = new HashMap<>(); // column name -> the tables it is read from
      SqlBasicVisitor<Void> collect = new SqlBasicVisitor<>() {
        @Override
        public Void visit(SqlIdentifier id) {
          tables.computeIfAbsent(Util.last(id.names), n -> new HashSet<>()).add(Util.skipLast(id.names));
          return null;
        }
      };
      fields.forEach(field -> field.accept(collect));
      SqlShuttle strip = new SqlShuttle() {
        @Override
        public SqlNode visit(SqlIdentifier id) {
          return !id.isSimple() && tables.get(Util.last(id.names)).size() == 1
              ? new SqlIdentifier(Util.last(id.names), SqlParserPos.ZERO) : id;
        }
      };
      List<SqlNode> result = new ArrayList<>();
      for (SqlNode field : fields) {
        SqlNode stripped = field.accept(strip);
        result.add(stripped != null ? stripped : field);
      }
      return result;
    }

    static SqlImplementor.Context context(List<SqlNode> inputFields) {
      return new SqlImplementor.SimpleContext(FreshetPostgresDialect.INSTANCE, inputFields::get) {
        @Override
        public SqlImplementor implementor() { // a scalar sub-query in a condition prints as its SELECT
          return new FreshetRelToSqlConverter();
        }
      };
    }

    static String sql(SqlNode node) {
      return FunctionNamedIdentifiers.quoted(node).toSqlString(c -> SqlFormat.config(c).withClauseStartsLine(false))
          .getSql().replace('\n', ' ');
    }
  }
}
