package dev.freshet.tests.property;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A generated defining query: always valid PostgreSQL, built only from constructs Freshet maintains. */
sealed interface Query {

  String sql();

  /** Every construct the query uses. */
  Set<Construct> constructs();

  /** The tables the query reads, each once. */
  Set<Schema.Table> sources();

  /** {@code table.column} of every column compared in a join condition. */
  Set<String> joinColumns();

  /** The coarse shape, for statistics. */
  String shape();

  // ---- building blocks ---------------------------------------------------------------------------

  /** One item of a FROM list, under an alias: a table, or a derived table. */
  sealed interface FromItem permits TableRef, Derived {
    String alias();

    /** The columns it gives the query, qualified by its alias. */
    List<Expr.Col> columns();

    /** The columns a join to it compares: a derived aggregate is joined on its group key. */
    List<Expr.Col> joinable();

    /**
     * The columns a correlated sub-query may compare with as they are: columns of a source table, of the
     * type and declared type they have there (a cast of an outer column is a computation on it, refused).
     */
    List<Expr.Col> correlatable();

    /** {@code table.column} behind one of its columns, when that column is a source column. */
    Optional<String> origin(String column);

    /** As written in FROM. */
    String sql();

    void constructs(Set<Construct> out);

    void sources(Set<Schema.Table> out);

    void joinColumns(Set<String> out);
  }

  record TableRef(Schema.Table table, String alias) implements FromItem {
    @Override
    public List<Expr.Col> columns() {
      return table.columns().stream().map(c -> new Expr.Col(alias, c)).toList();
    }

    @Override
    public List<Expr.Col> joinable() {
      return columns();
    }

    @Override
    public List<Expr.Col> correlatable() {
      return columns();
    }

    @Override
    public Optional<String> origin(String column) {
      return Optional.of(table.name() + "." + column);
    }

    @Override
    public String sql() {
      return table.name() + " " + alias;
    }

    @Override
    public void constructs(Set<Construct> out) {
    }

    @Override
    public void sources(Set<Schema.Table> out) {
      out.add(table);
    }

    @Override
    public void joinColumns(Set<String> out) {
    }
  }

  /**
   * {@code (SELECT keys, aggregates … GROUP BY keys [HAVING …]) alias} or {@code (SELECT DISTINCT …) alias}:
   * an aggregate or DISTINCT that is not the query's top operator, which Freshet keeps in a state table.
   */
  record Derived(Query query, String alias) implements FromItem {
    public Derived {
      if (!(query instanceof Aggregate) && !(query instanceof Plain p && p.distinct() && p.starAlias() == null)) {
        throw new IllegalArgumentException("a derived table is an aggregate or a DISTINCT: " + query.sql());
      }
    }

    /** The select items with their output names (keys, then aggregates as a1, a2, …). */
    private List<Item> outputs() {
      return switch (query) {
        case Aggregate a -> {
          List<Item> items = new ArrayList<>(a.keys());
          for (int i = 0; i < a.calls().size(); i++) {
            AggCall call = a.calls().get(i);
            items.add(new Item(new Expr.AggRef(call), "a" + (i + 1)));
          }
          yield items;
        }
        case Plain p -> p.select().items();
        case UnionAll u -> throw new IllegalStateException();
      };
    }

    private Expr.Col column(Item item) {
      ColType t = item.expr().type();
      Schema.Column c = switch (item.expr()) {
        // a source column keeps its declared type and nullability (GROUP BY keeps the NULL group)
        case Expr.Col col -> new Schema.Column(item.alias(), t, col.column().declaredType(), col.column().nullable());
        case Expr.AggRef agg -> new Schema.Column(item.alias(), t, t.castName(), !agg.call().function().startsWith("count"));
        default -> new Schema.Column(item.alias(), t, t.castName(), true);
      };
      return new Expr.Col(alias, c);
    }

    @Override
    public List<Expr.Col> columns() {
      return outputs().stream().map(this::column).toList();
    }

    @Override
    public List<Expr.Col> joinable() {
      if (query instanceof Aggregate a && !a.keys().isEmpty()) {
        return a.keys().stream().map(this::column).toList();
      }
      return columns();
    }

    @Override
    public List<Expr.Col> correlatable() {
      return outputs().stream().filter(i -> i.expr() instanceof Expr.Col).map(this::column).toList();
    }

    @Override
    public Optional<String> origin(String column) {
      return outputs().stream().filter(i -> i.alias().equals(column)).findFirst()
          .filter(i -> i.expr() instanceof Expr.Col)
          .flatMap(i -> innerSource().origin((Expr.Col) i.expr()));
    }

    private Source innerSource() {
      return switch (query) {
        case Aggregate a -> a.source();
        case Plain p -> p.select().source();
        case UnionAll u -> throw new IllegalStateException();
      };
    }

    @Override
    public String sql() {
      return "(" + query.sql() + ") " + alias;
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(query instanceof Aggregate ? Construct.DERIVED_AGGREGATE : Construct.DERIVED_DISTINCT);
      out.addAll(query.constructs());
    }

    @Override
    public void sources(Set<Schema.Table> out) {
      out.addAll(query.sources());
    }

    @Override
    public void joinColumns(Set<String> out) {
      out.addAll(query.joinColumns());
    }
  }

  /** How an item is joined: inner {@code JOIN … ON}, {@code CROSS JOIN}, comma (+ WHERE), or an outer join ON. */
  enum JoinStyle {
    ON, CROSS, COMMA, LEFT, RIGHT, FULL;

    boolean outer() {
      return this == LEFT || this == RIGHT || this == FULL;
    }
  }

  /** An item joined to the ones before it; {@code conditions} are ANDed (for COMMA, in WHERE). */
  record Join(FromItem ref, JoinStyle style, List<Expr> conditions) {
  }

  /** What a SELECT reads: tables with joins, or a UNION ALL in parentheses. */
  sealed interface Source {
    List<Expr.Col> scope();

    String sql();

    /** Join conditions written in WHERE (comma joins). */
    List<Expr> whereConditions();

    void constructs(Set<Construct> out);

    void sources(Set<Schema.Table> out);

    void joinColumns(Set<String> out);

    /** {@code table.column} behind a column of its scope, when that is a source column. */
    Optional<String> origin(Expr.Col column);

    /** See {@link FromItem#correlatable()}. */
    List<Expr.Col> correlatable();
  }

  record Tables(FromItem first, List<Join> joins) implements Source {
    List<FromItem> refs() {
      List<FromItem> refs = new ArrayList<>();
      refs.add(first);
      joins.forEach(j -> refs.add(j.ref()));
      return refs;
    }

    /** The columns of all items; those of an item an outer join pads with NULLs are nullable. */
    @Override
    public List<Expr.Col> scope() {
      return padded(refs().stream().flatMap(r -> r.columns().stream()).toList());
    }

    /**
     * {@code columns} with those of the items an outer join pads with NULLs made nullable: the right
     * item of a LEFT join, every item before a RIGHT join, both sides of a FULL join.
     */
    private List<Expr.Col> padded(List<Expr.Col> columns) {
      Set<String> padded = new java.util.HashSet<>();
      List<FromItem> refs = refs();
      for (int i = 0; i < joins.size(); i++) {
        JoinStyle style = joins.get(i).style();
        if (style == JoinStyle.LEFT || style == JoinStyle.FULL) {
          padded.add(refs.get(i + 1).alias());
        }
        if (style == JoinStyle.RIGHT || style == JoinStyle.FULL) {
          refs.subList(0, i + 1).forEach(r -> padded.add(r.alias()));
        }
      }
      return columns.stream().map(c -> !padded.contains(c.qualifier()) || c.column().nullable() ? c
          : new Expr.Col(c.qualifier(),
              new Schema.Column(c.column().name(), c.type(), c.column().declaredType(), true))).toList();
    }

    @Override
    public String sql() {
      StringBuilder sb = new StringBuilder(first.sql());
      for (Join j : joins) {
        String ref = j.ref().sql();
        String on = j.conditions().stream().map(Expr::sql).collect(Collectors.joining(" AND "));
        switch (j.style()) {
          case ON -> sb.append(" JOIN ").append(ref).append(" ON ").append(on);
          case CROSS -> sb.append(" CROSS JOIN ").append(ref);
          case COMMA -> sb.append(", ").append(ref);
          case LEFT, RIGHT, FULL -> sb.append(' ').append(j.style().name()).append(" JOIN ").append(ref)
              .append(" ON ").append(on);
        }
      }
      return sb.toString();
    }

    @Override
    public List<Expr> whereConditions() {
      return joins.stream().filter(j -> j.style() == JoinStyle.COMMA).flatMap(j -> j.conditions().stream()).toList();
    }

    @Override
    public void constructs(Set<Construct> out) {
      if (joins.size() == 1) {
        out.add(Construct.JOIN_2);
      } else if (joins.size() == 2) {
        out.add(Construct.JOIN_3);
      }
      Set<String> seen = new java.util.HashSet<>();
      for (FromItem r : refs()) {
        if (r instanceof TableRef t && !seen.add(t.table().name())) {
          out.add(Construct.SELF_JOIN);
        }
        r.constructs(out);
      }
      for (FromItem r : refs()) {
        if (r instanceof Derived d && refs().stream().anyMatch(o -> o != r && sharesSource(o, d))) {
          out.add(Construct.DERIVED_JOINED_TO_ITS_SOURCE);
        }
      }
      for (Join j : joins) {
        switch (j.style()) {
          case CROSS -> out.add(Construct.CROSS_JOIN);
          case COMMA -> out.add(Construct.COMMA_JOIN);
          case LEFT -> out.add(Construct.LEFT_JOIN);
          case RIGHT -> out.add(Construct.RIGHT_JOIN);
          case FULL -> out.add(Construct.FULL_JOIN);
          case ON -> { }
        }
        for (Expr condition : j.conditions()) {
          if (isEquiCondition(condition)) {
            out.add(Construct.EQUI_JOIN);
            Expr.Cmp cmp = (Expr.Cmp) condition;
            if (((Expr.Col) cmp.left()).column().nullable() || ((Expr.Col) cmp.right()).column().nullable()) {
              out.add(Construct.JOIN_ON_NULLABLE);
            }
          } else {
            out.add(j.style().outer() ? Construct.OUTER_JOIN_ONE_SIDED_CONDITION : Construct.JOIN_EXTRA_CONDITION);
            condition.constructs(out);
          }
        }
      }
      if (joins.size() >= 2 && joins.stream().anyMatch(j -> j.style().outer())) {
        out.add(Construct.OUTER_JOIN_CHAIN);
      }
    }

    private static boolean sharesSource(FromItem other, Derived derived) {
      Set<Schema.Table> mine = new LinkedHashSet<>();
      derived.sources(mine);
      Set<Schema.Table> theirs = new LinkedHashSet<>();
      other.sources(theirs);
      return theirs.stream().anyMatch(mine::contains);
    }

    @Override
    public void sources(Set<Schema.Table> out) {
      refs().forEach(r -> r.sources(out));
    }

    @Override
    public void joinColumns(Set<String> out) {
      refs().forEach(r -> r.joinColumns(out));
      for (Join j : joins) {
        for (Expr condition : j.conditions()) {
          collectColumns(this, condition, out);
        }
      }
    }

    @Override
    public Optional<String> origin(Expr.Col column) {
      return refs().stream().filter(r -> r.alias().equals(column.qualifier())).findFirst()
          .flatMap(r -> r.origin(column.column().name()));
    }

    @Override
    public List<Expr.Col> correlatable() {
      return padded(refs().stream().flatMap(r -> r.correlatable().stream()).toList());
    }
  }

  /** Adds {@code table.column} of every source column {@code e} compares (in a join or a correlation). */
  static void collectColumns(Source scope, Expr e, Set<String> out) {
    switch (e) {
      case Expr.Col col -> scope.origin(col).ifPresent(out::add);
      case Expr.Cmp cmp -> {
        collectColumns(scope, cmp.left(), out);
        collectColumns(scope, cmp.right(), out);
      }
      case Expr.Logic l -> {
        collectColumns(scope, l.left(), out);
        collectColumns(scope, l.right(), out);
      }
      default -> { }
    }
  }

  static boolean isEquiCondition(Expr e) {
    return e instanceof Expr.Cmp cmp && cmp.op().equals("=") && cmp.left() instanceof Expr.Col
        && cmp.right() instanceof Expr.Col;
  }

  /** {@code (branch UNION ALL branch ... [UNION ALL VALUES ...]) u}, with columns c1..cn. */
  record FromUnion(UnionBody body) implements Source {
    @Override
    public List<Expr.Col> scope() {
      List<Expr.Col> cols = new ArrayList<>();
      List<Item> items = body.branches().get(0).items();
      for (int i = 0; i < items.size(); i++) {
        ColType t = items.get(i).expr().type();
        cols.add(new Expr.Col("u", new Schema.Column(items.get(i).alias(), t, t.castName(), true)));
      }
      return cols;
    }

    @Override
    public String sql() {
      return "(" + body.sql() + ") u";
    }

    @Override
    public List<Expr> whereConditions() {
      return List.of();
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.UNION_IN_FROM);
      body.constructs(out);
    }

    @Override
    public void sources(Set<Schema.Table> out) {
      body.sources(out);
    }

    @Override
    public void joinColumns(Set<String> out) {
      body.joinColumns(out);
    }

    @Override
    public Optional<String> origin(Expr.Col column) {
      return Optional.empty();
    }

    @Override
    public List<Expr.Col> correlatable() {
      return List.of(); // a union's column types are Calcite's: a correlation could need a cast
    }
  }

  record Item(Expr expr, String alias) {
    String sql() {
      return expr.sql() + " AS " + alias;
    }
  }

  /**
   * One SELECT block without DISTINCT or aggregates; {@code subqueries} are ANDed into its WHERE (always
   * empty in a UNION ALL branch).
   */
  record Select(List<Item> items, Source source, Expr where, List<SubqueryCondition> subqueries) {
    public Select {
      subqueries = List.copyOf(subqueries);
    }

    String sql() {
      return "SELECT " + items.stream().map(Item::sql).collect(Collectors.joining(", ")) + " FROM " + source.sql()
          + whereSql(source, where, subqueries);
    }

    void constructs(Set<Construct> out) {
      for (Item item : items) {
        if (item.expr() instanceof Expr.Col) {
          out.add(Construct.PROJECT_COLUMN);
        } else if (!(item.expr() instanceof Expr.Lit)) {
          out.add(Construct.PROJECT_EXPRESSION);
        }
        item.expr().constructs(out);
      }
      source.constructs(out);
      whereConstructs(where, subqueries, out);
    }

    /** The tables it reads: its FROM, its sub-queries, and a scalar sub-query in its select list. */
    void sources(Set<Schema.Table> out) {
      source.sources(out);
      subqueries.forEach(q -> q.source().sources(out));
      items.stream().filter(i -> i.expr() instanceof Expr.Subquery)
          .forEach(i -> ((Expr.Subquery) i.expr()).subquery().source().sources(out));
    }

    void joinColumns(Set<String> out) {
      source.joinColumns(out);
      subqueries.forEach(q -> q.joinColumns(source, out));
    }
  }

  static String whereSql(Source source, Expr where, List<SubqueryCondition> subqueries) {
    List<String> conjuncts = new ArrayList<>(source.whereConditions().stream().map(Expr::sql).toList());
    if (where != null) {
      conjuncts.add(where.sql());
    }
    subqueries.forEach(q -> conjuncts.add(q.sql()));
    return conjuncts.isEmpty() ? "" : " WHERE " + String.join(" AND ", conjuncts);
  }

  static void whereConstructs(Expr where, List<SubqueryCondition> subqueries, Set<Construct> out) {
    if (where != null || !subqueries.isEmpty()) {
      out.add(Construct.WHERE);
    }
    if (where != null) {
      where.constructs(out);
    }
    subqueries.forEach(q -> q.constructs(out));
  }

  // ---- sub-queries ---------------------------------------------------------------------------------

  /**
   * {@code (SELECT aggregate FROM source [WHERE …])}, uncorrelated: one row, whose value is NULL (or 0
   * for count) when no row qualifies.
   */
  record ScalarSubquery(AggCall call, Tables source, Expr where) {
    String sql() {
      return "(SELECT " + call.sql() + " FROM " + source.sql() + whereSql(source, where, List.of()) + ")";
    }

    ColType type() {
      return call.resultType();
    }

    void constructs(Set<Construct> out) {
      call.constructs(out);
      source.constructs(out);
      if (where != null) {
        where.constructs(out);
      }
    }
  }

  /**
   * A sub-query condition, ANDed into a WHERE, never under OR or NOT (Freshet plans those as outer
   * joins on a condition it refuses, FR003); {@code NOT IN} and {@code NOT EXISTS} are written as such.
   */
  sealed interface SubqueryCondition permits ScalarComparison, InSubquery, Exists {
    String sql();

    /** The sub-query's FROM. */
    Tables source();

    void constructs(Set<Construct> out);

    /** Adds the source columns it compares, of the sub-query and of {@code outer} (the query it sits in). */
    void joinColumns(Source outer, Set<String> out);
  }

  /** {@code operand op (SELECT aggregate FROM …)}, uncorrelated. */
  record ScalarComparison(Expr operand, String op, ScalarSubquery subquery) implements SubqueryCondition {
    @Override
    public String sql() {
      return Expr.operand(operand) + " " + op + " " + subquery.sql();
    }

    @Override
    public Tables source() {
      return subquery.source();
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.SCALAR_SUBQUERY);
      operand.constructs(out);
      subquery.constructs(out);
    }

    @Override
    public void joinColumns(Source outer, Set<String> out) {
      subquery.source().joinColumns(out);
    }
  }

  /**
   * {@code operand [NOT] IN (SELECT selected FROM … [WHERE …])}, uncorrelated. With NOT, SQL's NULL
   * rules apply: a NULL among the selected values, or a NULL operand, makes it NULL unless the sub-query
   * is empty.
   */
  record InSubquery(Expr.Col operand, Expr.Col selected, Tables source, Expr where, boolean negated)
      implements SubqueryCondition {
    @Override
    public String sql() {
      return operand.sql() + (negated ? " NOT IN" : " IN") + " (SELECT " + selected.sql() + " FROM "
          + source.sql() + whereSql(source, where, List.of()) + ")";
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(negated ? Construct.NOT_IN : Construct.IN_SUBQUERY);
      source.constructs(out);
      if (where != null) {
        where.constructs(out);
      }
    }

    @Override
    public void joinColumns(Source outer, Set<String> out) {
      source.joinColumns(out);
      outer.origin(operand).ifPresent(out::add);
      source.origin(selected).ifPresent(out::add);
    }
  }

  /**
   * {@code [NOT] EXISTS (SELECT 1 FROM … WHERE inner = outer [AND …] [AND condition on the inner rows])}:
   * each correlation an equality of an inner column with a column of the query the sub-query sits in.
   */
  record Exists(List<Expr.Cmp> correlations, Tables source, Expr where, boolean negated)
      implements SubqueryCondition {
    public Exists {
      correlations = List.copyOf(correlations);
    }

    @Override
    public String sql() {
      List<String> conjuncts = new ArrayList<>(source.whereConditions().stream().map(Expr::sql).toList());
      correlations.forEach(c -> conjuncts.add(c.sql()));
      if (where != null) {
        conjuncts.add(where.sql());
      }
      return (negated ? "NOT EXISTS" : "EXISTS") + " (SELECT 1 FROM " + source.sql() + " WHERE "
          + String.join(" AND ", conjuncts) + ")";
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(negated ? Construct.NOT_EXISTS : Construct.EXISTS_CORRELATED);
      source.constructs(out);
      if (where != null) {
        where.constructs(out);
      }
    }

    @Override
    public void joinColumns(Source outer, Set<String> out) {
      source.joinColumns(out);
      for (Expr.Cmp c : correlations) {
        source.origin((Expr.Col) c.left()).ifPresent(out::add);
        outer.origin((Expr.Col) c.right()).ifPresent(out::add);
      }
    }
  }

  record UnionBody(List<Select> branches, List<List<Expr>> values) {
    String sql() {
      List<String> parts = new ArrayList<>(branches.stream().map(Select::sql).toList());
      if (!values.isEmpty()) {
        parts.add("VALUES " + values.stream()
            .map(row -> "(" + row.stream().map(Expr::sql).collect(Collectors.joining(", ")) + ")")
            .collect(Collectors.joining(", ")));
      }
      return String.join(" UNION ALL ", parts);
    }

    void constructs(Set<Construct> out) {
      out.add(Construct.UNION_ALL);
      if (!values.isEmpty()) {
        out.add(Construct.VALUES_BRANCH);
      }
      branches.forEach(b -> b.constructs(out));
    }

    void sources(Set<Schema.Table> out) {
      branches.forEach(b -> b.sources(out));
    }

    void joinColumns(Set<String> out) {
      branches.forEach(b -> b.joinColumns(out));
    }
  }

  static String orderBySql(List<String> orderBy) {
    return orderBy.isEmpty() ? "" : " ORDER BY " + String.join(", ", orderBy);
  }

  // ---- the query shapes ----------------------------------------------------------------------------

  /** {@code SELECT [DISTINCT] items | alias.* FROM source [WHERE] [ORDER BY]}. */
  record Plain(boolean distinct, String starAlias, Select select, List<String> orderBy) implements Query {
    @Override
    public String sql() {
      String items = starAlias != null ? starAlias + ".*"
          : select.items().stream().map(Item::sql).collect(Collectors.joining(", "));
      return "SELECT " + (distinct ? "DISTINCT " : "") + items + " FROM " + select.source().sql()
          + whereSql(select.source(), select.where(), select.subqueries()) + orderBySql(orderBy);
    }

    @Override
    public Set<Construct> constructs() {
      Set<Construct> out = new LinkedHashSet<>();
      if (starAlias != null) {
        out.add(Construct.STAR);
        select.source().constructs(out);
        whereConstructs(select.where(), select.subqueries(), out);
      } else {
        select.constructs(out);
      }
      if (distinct) {
        out.add(Construct.DISTINCT);
        if (select.source() instanceof Tables t && !t.joins().isEmpty()) {
          out.add(Construct.DISTINCT_OVER_JOIN);
        }
      }
      if (!orderBy.isEmpty()) {
        out.add(Construct.ORDER_BY);
        if (orderBy.getLast().contains(" LIMIT ")) {
          out.add(Construct.TOP_K);
        }
      }
      return out;
    }

    @Override
    public Set<Schema.Table> sources() {
      Set<Schema.Table> out = new LinkedHashSet<>();
      select.sources(out);
      return out;
    }

    @Override
    public Set<String> joinColumns() {
      Set<String> out = new LinkedHashSet<>();
      select.joinColumns(out);
      return out;
    }

    @Override
    public String shape() {
      return (distinct ? "distinct" : "select") + shapeOf(select.source(), select.subqueries());
    }
  }

  /** The suffix of a shape: what the query reads (a union, derived tables) and whether it has sub-queries. */
  static String shapeOf(Source source, List<SubqueryCondition> subqueries) {
    String from = source instanceof FromUnion ? " over union"
        : source instanceof Tables t && t.refs().stream().anyMatch(r -> r instanceof Derived) ? " over derived" : "";
    return from + (subqueries.isEmpty() ? "" : " with sub-query");
  }

  /** {@code branch UNION ALL branch ... [UNION ALL VALUES ...] [ORDER BY]}. */
  record UnionAll(UnionBody body, List<String> orderBy) implements Query {
    @Override
    public String sql() {
      return body.sql() + orderBySql(orderBy);
    }

    @Override
    public Set<Construct> constructs() {
      Set<Construct> out = new LinkedHashSet<>();
      body.constructs(out);
      if (!orderBy.isEmpty()) {
        out.add(Construct.ORDER_BY);
        if (orderBy.getLast().contains(" LIMIT ")) {
          out.add(Construct.TOP_K);
        }
      }
      return out;
    }

    @Override
    public Set<Schema.Table> sources() {
      Set<Schema.Table> out = new LinkedHashSet<>();
      body.sources(out);
      return out;
    }

    @Override
    public Set<String> joinColumns() {
      Set<String> out = new LinkedHashSet<>();
      body.joinColumns(out);
      return out;
    }

    @Override
    public String shape() {
      return "union all";
    }
  }

  /** An aggregate call; {@code finisher} wraps it ("%s" = none). */
  record AggCall(String function, Expr argument, boolean distinct, String finisher) {
    String sql() {
      String call = switch (function) {
        case "count*" -> "count(*)";
        // DISTINCT: PostgreSQL sorts a DISTINCT aggregate's input, so the result does not depend on the
        // plan (without it the order is unspecified and the oracle would flag equal bags as different);
        // string_agg(x, ',' ORDER BY x) is refused (FR006) for now.
        case "string_agg" -> "string_agg(DISTINCT " + argument.sql() + ", ',')";
        default -> function + "(" + (distinct ? "DISTINCT " : "") + argument.sql() + ")";
      };
      return String.format(finisher, call);
    }

    void constructs(Set<Construct> out) {
      out.add(switch (function) {
        case "count*" -> Construct.COUNT_STAR;
        case "count" -> distinct ? Construct.COUNT_DISTINCT : Construct.COUNT;
        case "sum" -> Construct.SUM;
        case "avg" -> Construct.AVG;
        case "min" -> Construct.MIN;
        case "max" -> Construct.MAX;
        case "bool_and" -> Construct.BOOL_AND;
        case "bool_or" -> Construct.BOOL_OR;
        case "string_agg" -> Construct.STRING_AGG;
        default -> throw new IllegalStateException(function);
      });
      if (!finisher.equals("%s")) {
        out.add(Construct.FINISHER_EXPRESSION);
      }
      if (argument != null) {
        argument.constructs(out);
      }
    }

    /** The type PostgreSQL gives the result (a finisher keeps it). */
    ColType resultType() {
      return switch (function) {
        case "count*", "count" -> ColType.BIGINT;
        case "sum" -> argument.type() == ColType.INT ? ColType.BIGINT : ColType.NUMERIC;
        case "avg" -> ColType.NUMERIC;
        case "min", "max" -> argument.type();
        case "bool_and", "bool_or" -> ColType.BOOL;
        case "string_agg" -> ColType.TEXT;
        default -> throw new IllegalStateException(function);
      };
    }
  }

  /** {@code SELECT keys, aggregates FROM source [WHERE] [GROUP BY keys] [HAVING] [ORDER BY]}. */
  record Aggregate(List<Item> keys, List<AggCall> calls, Source source, Expr where,
      List<SubqueryCondition> subqueries, Expr having, List<String> orderBy) implements Query {
    public Aggregate {
      subqueries = List.copyOf(subqueries);
    }

    @Override
    public String sql() {
      List<String> items = new ArrayList<>(keys.stream().map(Item::sql).toList());
      for (int i = 0; i < calls.size(); i++) {
        items.add(calls.get(i).sql() + " AS a" + (i + 1));
      }
      return "SELECT " + String.join(", ", items) + " FROM " + source.sql() + whereSql(source, where, subqueries)
          + (keys.isEmpty() ? "" : " GROUP BY " + keys.stream().map(k -> k.expr().sql())
              .collect(Collectors.joining(", ")))
          + (having == null ? "" : " HAVING " + having.sql())
          + orderBySql(orderBy);
    }

    @Override
    public Set<Construct> constructs() {
      Set<Construct> out = new LinkedHashSet<>();
      out.add(keys.isEmpty() ? Construct.SCALAR_AGGREGATE : Construct.GROUP_BY);
      for (Item k : keys) {
        if (!(k.expr() instanceof Expr.Col)) {
          out.add(Construct.GROUP_BY_EXPRESSION);
        }
        k.expr().constructs(out);
      }
      calls.forEach(c -> c.constructs(out));
      source.constructs(out);
      if (source instanceof Tables t
          && t.refs().stream().anyMatch(r -> r instanceof Derived d && d.query() instanceof Aggregate)) {
        out.add(Construct.AGGREGATE_OVER_AGGREGATE);
      }
      whereConstructs(where, subqueries, out);
      if (having != null) {
        out.add(Construct.HAVING);
        having.constructs(out);
      }
      if (!orderBy.isEmpty()) {
        out.add(Construct.ORDER_BY);
        if (orderBy.getLast().contains(" LIMIT ")) {
          out.add(Construct.TOP_K);
        }
      }
      return out;
    }

    @Override
    public Set<Schema.Table> sources() {
      Set<Schema.Table> out = new LinkedHashSet<>();
      source.sources(out);
      subqueries.forEach(q -> q.source().sources(out));
      return out;
    }

    @Override
    public Set<String> joinColumns() {
      Set<String> out = new LinkedHashSet<>();
      source.joinColumns(out);
      subqueries.forEach(q -> q.joinColumns(source, out));
      return out;
    }

    @Override
    public String shape() {
      return (keys.isEmpty() ? "scalar aggregate" : "group by") + (having == null ? "" : " having")
          + shapeOf(source, subqueries);
    }
  }

  /**
   * A qualified reference to a column of type {@code t}: source columns are named by the type's prefix and a
   * number ({@code a.j1} for jsonb, {@code b.e2} for the enum); no derived or union column is so named.
   */
  static Pattern columnRead(ColType t) {
    return Pattern.compile("\\." + t.prefix() + "[0-9]+\\b");
  }

  /**
   * The constructs of the query plus the kinds of key of the tables it reads (and whether it reads
   * columns of the types counted by {@link ColType#columnConstruct()}: jsonb, enum, uuid, …).
   */
  static Set<Construct> allConstructs(Query q) {
    Set<Construct> out = new LinkedHashSet<>(q.constructs());
    for (Schema.Table t : q.sources()) {
      out.add(switch (t.keyKind()) {
        case PRIMARY -> Construct.SOURCE_PRIMARY_KEY;
        case COMPOSITE -> Construct.SOURCE_COMPOSITE_KEY;
        case NONE -> Construct.SOURCE_NO_KEY;
      });
      for (Schema.Column c : t.columns()) {
        c.type().columnConstruct().filter(k -> columnRead(c.type()).matcher(q.sql()).find()).ifPresent(out::add);
      }
    }
    return out;
  }
}
