package dev.freshet.tests.property;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

  record TableRef(Schema.Table table, String alias) {
    List<Expr.Col> columns() {
      return table.columns().stream().map(c -> new Expr.Col(alias, c)).toList();
    }
  }

  enum JoinStyle { ON, CROSS, COMMA }

  /** A table joined to the ones before it; {@code conditions} are ANDed (for COMMA, in WHERE). */
  record Join(TableRef ref, JoinStyle style, List<Expr> conditions) {
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
  }

  record Tables(TableRef first, List<Join> joins) implements Source {
    List<TableRef> refs() {
      List<TableRef> refs = new ArrayList<>();
      refs.add(first);
      joins.forEach(j -> refs.add(j.ref()));
      return refs;
    }

    @Override
    public List<Expr.Col> scope() {
      return refs().stream().flatMap(r -> r.columns().stream()).toList();
    }

    @Override
    public String sql() {
      StringBuilder sb = new StringBuilder(first.table().name()).append(' ').append(first.alias());
      for (Join j : joins) {
        String ref = j.ref().table().name() + " " + j.ref().alias();
        switch (j.style()) {
          case ON -> sb.append(" JOIN ").append(ref).append(" ON ")
              .append(j.conditions().stream().map(Expr::sql).collect(Collectors.joining(" AND ")));
          case CROSS -> sb.append(" CROSS JOIN ").append(ref);
          case COMMA -> sb.append(", ").append(ref);
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
      for (TableRef r : refs()) {
        if (!seen.add(r.table().name())) {
          out.add(Construct.SELF_JOIN);
        }
      }
      for (Join j : joins) {
        switch (j.style()) {
          case CROSS -> out.add(Construct.CROSS_JOIN);
          case COMMA -> out.add(Construct.COMMA_JOIN);
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
            out.add(Construct.JOIN_EXTRA_CONDITION);
            condition.constructs(out);
          }
        }
      }
    }

    @Override
    public void sources(Set<Schema.Table> out) {
      refs().forEach(r -> out.add(r.table()));
    }

    @Override
    public void joinColumns(Set<String> out) {
      for (Join j : joins) {
        for (Expr condition : j.conditions()) {
          collectColumns(condition, out);
        }
      }
    }

    private void collectColumns(Expr e, Set<String> out) {
      switch (e) {
        case Expr.Col col -> refs().stream().filter(r -> r.alias().equals(col.qualifier())).findFirst()
            .ifPresent(r -> out.add(r.table().name() + "." + col.column().name()));
        case Expr.Cmp cmp -> {
          collectColumns(cmp.left(), out);
          collectColumns(cmp.right(), out);
        }
        case Expr.Logic l -> {
          collectColumns(l.left(), out);
          collectColumns(l.right(), out);
        }
        default -> { }
      }
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
      body.branches().forEach(b -> b.source().sources(out));
    }

    @Override
    public void joinColumns(Set<String> out) {
      body.branches().forEach(b -> b.source().joinColumns(out));
    }
  }

  record Item(Expr expr, String alias) {
    String sql() {
      return expr.sql() + " AS " + alias;
    }
  }

  /** One SELECT block without DISTINCT or aggregates. */
  record Select(List<Item> items, Source source, Expr where) {
    String sql() {
      return "SELECT " + items.stream().map(Item::sql).collect(Collectors.joining(", ")) + " FROM " + source.sql()
          + whereSql(source, where);
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
      whereConstructs(where, out);
    }
  }

  static String whereSql(Source source, Expr where) {
    List<String> conjuncts = new ArrayList<>(source.whereConditions().stream().map(Expr::sql).toList());
    if (where != null) {
      conjuncts.add(where.sql());
    }
    return conjuncts.isEmpty() ? "" : " WHERE " + String.join(" AND ", conjuncts);
  }

  static void whereConstructs(Expr where, Set<Construct> out) {
    if (where != null) {
      out.add(Construct.WHERE);
      where.constructs(out);
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
          + whereSql(select.source(), select.where()) + orderBySql(orderBy);
    }

    @Override
    public Set<Construct> constructs() {
      Set<Construct> out = new LinkedHashSet<>();
      if (starAlias != null) {
        out.add(Construct.STAR);
        select.source().constructs(out);
        whereConstructs(select.where(), out);
      } else {
        select.constructs(out);
      }
      if (distinct) {
        out.add(Construct.DISTINCT);
      }
      if (!orderBy.isEmpty()) {
        out.add(Construct.ORDER_BY);
      }
      return out;
    }

    @Override
    public Set<Schema.Table> sources() {
      Set<Schema.Table> out = new LinkedHashSet<>();
      select.source().sources(out);
      return out;
    }

    @Override
    public Set<String> joinColumns() {
      Set<String> out = new LinkedHashSet<>();
      select.source().joinColumns(out);
      return out;
    }

    @Override
    public String shape() {
      return (distinct ? "distinct" : "select") + (select.source() instanceof FromUnion ? " over union" : "");
    }
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
      }
      return out;
    }

    @Override
    public Set<Schema.Table> sources() {
      Set<Schema.Table> out = new LinkedHashSet<>();
      body.branches().forEach(b -> b.source().sources(out));
      return out;
    }

    @Override
    public Set<String> joinColumns() {
      Set<String> out = new LinkedHashSet<>();
      body.branches().forEach(b -> b.source().joinColumns(out));
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
  }

  /** {@code SELECT keys, aggregates FROM source [WHERE] [GROUP BY keys] [ORDER BY]}. */
  record Aggregate(List<Item> keys, List<AggCall> calls, Source source, Expr where, List<String> orderBy)
      implements Query {
    @Override
    public String sql() {
      List<String> items = new ArrayList<>(keys.stream().map(Item::sql).toList());
      for (int i = 0; i < calls.size(); i++) {
        items.add(calls.get(i).sql() + " AS a" + (i + 1));
      }
      return "SELECT " + String.join(", ", items) + " FROM " + source.sql() + whereSql(source, where)
          + (keys.isEmpty() ? "" : " GROUP BY " + keys.stream().map(k -> k.expr().sql())
              .collect(Collectors.joining(", ")))
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
      whereConstructs(where, out);
      if (!orderBy.isEmpty()) {
        out.add(Construct.ORDER_BY);
      }
      return out;
    }

    @Override
    public Set<Schema.Table> sources() {
      Set<Schema.Table> out = new LinkedHashSet<>();
      source.sources(out);
      return out;
    }

    @Override
    public Set<String> joinColumns() {
      Set<String> out = new LinkedHashSet<>();
      source.joinColumns(out);
      return out;
    }

    @Override
    public String shape() {
      return (keys.isEmpty() ? "scalar aggregate" : "group by") + (source instanceof FromUnion ? " over union" : "");
    }
  }

  /** The constructs of the query plus the kinds of key of the tables it reads. */
  static Set<Construct> allConstructs(Query q) {
    Set<Construct> out = new LinkedHashSet<>(q.constructs());
    for (Schema.Table t : q.sources()) {
      out.add(switch (t.keyKind()) {
        case PRIMARY -> Construct.SOURCE_PRIMARY_KEY;
        case COMPOSITE -> Construct.SOURCE_COMPOSITE_KEY;
        case NONE -> Construct.SOURCE_NO_KEY;
      });
    }
    return out;
  }
}
