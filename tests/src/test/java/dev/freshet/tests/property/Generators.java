package dev.freshet.tests.property;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for schemas, defining queries and workloads. Everything generated is valid
 * PostgreSQL; queries use only constructs Freshet maintains (DESIGN.md §4, {@code ShapeAnalyzer}).
 * Value domains are tiny so that keys collide, joins match, groups merge and NULLs are common.
 * Simple alternatives come first in every choice: jqwik shrinks towards them.
 */
final class Generators {

  /**
   * Constructs Freshet does not maintain differentially yet, so not generated: string_agg needs an
   * ORDER BY to be deterministic, and string_agg(… ORDER BY …) is refused (FR006) until Calcite's
   * WITHIN GROUP printing is replaced. Coverage does not require them.
   */
  static final java.util.Set<Construct> NOT_GENERATED = java.util.EnumSet.of(Construct.STRING_AGG);

  /** Aliases of the tables of the query's own FROM, of a derived table's FROM, and of a sub-query's FROM. */
  private static final List<String> QUERY_ALIASES = List.of("a", "b", "c");
  private static final List<String> DERIVED_ALIASES = List.of("x", "y");
  private static final List<String> SUBQUERY_ALIASES = List.of("q", "r");


  private Generators() {
  }

  /**
   * {@code left.flatMap(right)} without edge cases. When jqwik shrinks the left side of a flatMap it
   * regenerates the right side with its edge cases embedded; computing the edge cases of these nested
   * arbitraries explodes combinatorially (minutes per shrinking step), and they add nothing here.
   *
   * <p>jqwik regenerates the right side every time a shrink candidate's value or distance is asked
   * for, without caching it, so one step of its candidate stream (which skips candidates not smaller
   * than the current one) can regenerate these nested scenarios for many minutes inside one
   * {@code hasNext()}. Every regeneration passes here: while {@link GreedyShrinking} shrinks, this is
   * where its time budget is enforced ({@link GreedyShrinking#checkDeadline()}). Generation itself
   * is unaffected.
   */
  static <T, U> Arbitrary<U> then(Arbitrary<T> left, Function<? super T, Arbitrary<U>> right) {
    return left.withoutEdgeCases().flatMap(t -> {
      GreedyShrinking.checkDeadline();
      return right.apply(t).withoutEdgeCases();
    }).withoutEdgeCases();
  }

  /** {@code Arbitraries.frequencyOf} over a list built at run time. */
  @SuppressWarnings("unchecked")
  static <T> Arbitrary<T> weighted(List<Tuple.Tuple2<Integer, Arbitrary<T>>> choices) {
    Tuple.Tuple2<Integer, Arbitrary<? extends T>>[] array = choices.toArray(new Tuple.Tuple2[0]);
    return Arbitraries.frequencyOf(array);
  }

  // ---- scenarios ---------------------------------------------------------------------------------

  static Arbitrary<Scenario> scenarios() {
    Set<Construct> avoided = PropertySettings.avoidedConstructs();
    return then(schemas(), schema -> then(
        queries(schema).filter(q -> avoided.isEmpty() || Collections.disjoint(Query.allConstructs(q), avoided)),
        query -> Combinators.combine(initialRows(schema), workload(schema, query))
            .as((rows, workload) -> new Scenario(schema, rows, query, workload))));
  }

  // ---- schemas -----------------------------------------------------------------------------------

  private record ColumnSpec(ColType type, boolean nullable, boolean unconstrainedNumeric) {
  }

  private record TableSpec(Schema.KeyKind keyKind, List<ColumnSpec> columns) {
  }

  static Arbitrary<ColType> columnTypes() {
    return Arbitraries.frequency(Tuple.of(10, ColType.INT), Tuple.of(4, ColType.TEXT), Tuple.of(2, ColType.BIGINT),
        Tuple.of(2, ColType.NUMERIC), Tuple.of(4, ColType.DATE), Tuple.of(2, ColType.BOOL), Tuple.of(2, ColType.JSONB),
        Tuple.of(2, ColType.ENUM), Tuple.of(1, ColType.UUID), Tuple.of(1, ColType.INET), Tuple.of(1, ColType.BYTEA),
        Tuple.of(1, ColType.INTERVAL), Tuple.of(1, ColType.TIMESTAMPTZ), Tuple.of(1, ColType.CHAR),
        Tuple.of(1, ColType.INT_ARRAY), Tuple.of(1, ColType.DOMAIN));
  }

  static Arbitrary<Schema> schemas() {
    Arbitrary<ColumnSpec> column = Combinators.combine(columnTypes(),
        Arbitraries.frequency(Tuple.of(3, true), Tuple.of(2, false)), Arbitraries.of(false, true))
        .as(ColumnSpec::new);
    Arbitrary<TableSpec> table = Combinators.combine(
        Arbitraries.of(Schema.KeyKind.PRIMARY, Schema.KeyKind.NONE, Schema.KeyKind.COMPOSITE),
        column.list().ofMinSize(2).ofMaxSize(4)).as(TableSpec::new);
    return table.list().ofMinSize(2).ofMaxSize(4).map(Generators::toSchema);
  }

  private static Schema toSchema(List<TableSpec> specs) {
    List<Schema.Table> tables = new ArrayList<>();
    for (int t = 0; t < specs.size(); t++) {
      TableSpec spec = specs.get(t);
      int keyColumns = switch (spec.keyKind()) {
        case PRIMARY -> 1;
        case COMPOSITE -> 2;
        case NONE -> 0;
      };
      List<Schema.Column> columns = new ArrayList<>();
      for (int i = 0; i < spec.columns().size(); i++) {
        ColumnSpec c = spec.columns().get(i);
        boolean key = i < keyColumns;
        // a boolean key would leave only two rows; keys are ints instead
        ColType type = key && c.type() == ColType.BOOL ? ColType.INT : c.type();
        String declared = type == ColType.NUMERIC && c.unconstrainedNumeric() ? "numeric" : type.sqlType();
        columns.add(new Schema.Column(type.prefix() + i, type, declared, !key && c.nullable()));
      }
      tables.add(new Schema.Table("t" + (t + 1), spec.keyKind(), columns));
    }
    return new Schema(tables);
  }

  // ---- data and workloads --------------------------------------------------------------------------

  static Arbitrary<List<Workload.Insert>> initialRows(Schema schema) {
    List<Arbitrary<Workload.Insert>> inserts = schema.tables().stream()
        .map(t -> row(t).list().ofMinSize(0).ofMaxSize(6).map(rows -> new Workload.Insert(t, rows)))
        .toList();
    return Combinators.combine(inserts).as(Function.identity());
  }

  static Arbitrary<List<String>> row(Schema.Table table) {
    List<Arbitrary<String>> values = table.columns().stream().map(Generators::value).toList();
    return Combinators.combine(values).as(Function.identity());
  }

  static Arbitrary<String> value(Schema.Column column) {
    Arbitrary<String> domain = Arbitraries.of(column.type().domain());
    return column.nullable() ? Arbitraries.frequencyOf(Tuple.of(4, domain), Tuple.of(1, Arbitraries.just("NULL")))
        : domain;
  }

  static Arbitrary<Workload> workload(Schema schema, Query query) {
    List<Schema.Table> sources = List.copyOf(query.sources());
    Arbitrary<Schema.Table> target = Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.of(sources)), Tuple.of(1, Arbitraries.of(schema.tables())));
    Arbitrary<Workload.Statement> statement = then(target, Generators::statement);
    Arbitrary<Workload.Step> transaction = Combinators.combine(
        Arbitraries.frequencyOf(Tuple.of(6, statement.list().ofSize(1)),
            Tuple.of(4, statement.list().ofMinSize(2).ofMaxSize(3))),
        Arbitraries.frequency(Tuple.of(6, true), Tuple.of(1, false)))
        .as(Workload.Transaction::new);
    Arbitrary<Workload.Step> step = Arbitraries.frequencyOf(
        Tuple.of(3, transaction),
        Tuple.of(2, Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true)).map(Workload.Refresh::new)));
    return step.list().ofMinSize(1).ofMaxSize(8).map(steps -> {
      List<Workload.Step> all = new ArrayList<>(steps);
      if (!(all.get(all.size() - 1) instanceof Workload.Refresh last) || last.full()) {
        all.add(new Workload.Refresh(false));
      }
      return new Workload(all);
    });
  }

  static Arbitrary<Workload.Statement> statement(Schema.Table table) {
    return Arbitraries.frequencyOf(
        Tuple.of(5, insert(table)),
        Tuple.of(5, update(table)),
        Tuple.of(3, delete(table)),
        Tuple.of(1, Arbitraries.just(new Workload.Truncate(table))));
  }

  static Arbitrary<Workload.Statement> insert(Schema.Table table) {
    return row(table).list().ofMinSize(1).ofMaxSize(3).map(rows -> new Workload.Insert(table, rows));
  }

  private static List<Expr.Col> dmlScope(Schema.Table table) {
    return table.columns().stream().map(c -> new Expr.Col(table.name(), c)).toList();
  }

  static Arbitrary<Workload.Statement> update(Schema.Table table) {
    ExprGen g = new ExprGen(dmlScope(table));
    Arbitrary<List<Workload.Assignment>> assignments = then(Arbitraries.of(table.columns()).list()
        .uniqueElements().ofMinSize(1).ofMaxSize(2),
        columns -> Combinators.combine(columns.stream().map(c -> assignment(table, c, g)).toList())
            .as(Function.identity()));
    Arbitrary<Expr> where = Arbitraries.frequencyOf(Tuple.of(5, g.predicate(1)),
        Tuple.of(1, Arbitraries.just((Expr) null)));
    return Combinators.combine(assignments, where).as((a, w) -> new Workload.Update(table, a, w));
  }

  private static Arbitrary<Workload.Assignment> assignment(Schema.Table table, Schema.Column column, ExprGen g) {
    Expr.Col self = new Expr.Col(table.name(), column);
    ColType t = column.type();
    List<Tuple.Tuple2<Integer, Arbitrary<Expr>>> choices = new ArrayList<>();
    choices.add(Tuple.of(4, g.literal(t)));
    if (column.nullable()) {
      choices.add(Tuple.of(2, Arbitraries.just(Expr.Lit.nullOf(t))));
    }
    choices.add(Tuple.of(2, switch (t) {
      case INT, BIGINT -> Arbitraries.of(new Expr.Arith("+", self, new Expr.Lit(t, "1"), t),
          new Expr.Arith("-", self, new Expr.Lit(t, "1"), t));
      case NUMERIC -> Arbitraries.of(new Expr.Arith("*", self, new Expr.Lit(t, "2"), t),
          new Expr.Arith("+", self, new Expr.Lit(t, "0.25"), t));
      case TEXT -> Arbitraries.just(new Expr.Arith("||", self, new Expr.Lit(t, "'b'"), t));
      case DATE -> Arbitraries.just(new Expr.Arith("+", self, new Expr.Lit(ColType.INT, "1"), t));
      case BOOL -> Arbitraries.just(new Expr.Not(self));
      case INTERVAL -> Arbitraries.just(new Expr.Arith("+", self, new Expr.Lit(t, "CAST('1 day' AS interval)"), t));
      case TIMESTAMPTZ -> Arbitraries.just(new Expr.Arith("+", self, new Expr.Lit(ColType.INTERVAL,
          "CAST('1 day' AS interval)"), t));
      case JSONB, ENUM, UUID, INET, BYTEA, CHAR, INT_ARRAY, DOMAIN -> g.literal(t);
    }));
    List<Expr.Col> others = g.columns(t).stream().filter(c -> !c.column().equals(column)
        && (column.nullable() || !c.column().nullable())).toList();
    if (!others.isEmpty()) {
      choices.add(Tuple.of(1, Arbitraries.of(others).map(c -> (Expr) c)));
    }
    if (table.isKey(column) && t.isInteger()) {
      choices.add(Tuple.of(2, Arbitraries.of(new Expr.Arith("+", self, new Expr.Lit(t, "10"), t),
          new Expr.Arith("-", self, new Expr.Lit(t, "10"), t))));
    }
    return weighted(choices)
        .map(value -> new Workload.Assignment(column, value));
  }

  static Arbitrary<Workload.Statement> delete(Schema.Table table) {
    ExprGen g = new ExprGen(dmlScope(table));
    return Arbitraries.frequencyOf(Tuple.of(6, g.predicate(1)), Tuple.of(1, Arbitraries.just((Expr) null)))
        .map(w -> new Workload.Delete(table, w));
  }

  // ---- queries -----------------------------------------------------------------------------------

  static Arbitrary<Query> queries(Schema schema) {
    return Arbitraries.frequencyOf(
        Tuple.of(4, plain(schema)),
        Tuple.of(4, aggregate(schema)),
        Tuple.of(2, unionAll(schema)));
  }

  private static Arbitrary<Query.Source> source(Schema schema) {
    return Arbitraries.frequencyOf(
        Tuple.of(8, tables(schema, 3, QUERY_ALIASES, 2).map(t -> (Query.Source) t)),
        Tuple.of(2, unionBody(schema).map(b -> (Query.Source) new Query.FromUnion(b))));
  }

  /**
   * FROM one to {@code max} items named {@code aliases} (repeats allowed: self-joins), joined ON, CROSS,
   * by comma + WHERE, or LEFT/RIGHT/FULL JOIN ON; an item is a derived aggregate or DISTINCT with a
   * weight of {@code derived} (0: never) against 20 for a table.
   */
  static Arbitrary<Query.Tables> tables(Schema schema, int max, List<String> aliases, int derived) {
    List<Tuple.Tuple2<Integer, Arbitrary<Integer>>> counts = new ArrayList<>();
    counts.add(Tuple.of(5, Arbitraries.just(1)));
    counts.add(Tuple.of(4, Arbitraries.just(2)));
    if (max >= 3) {
      counts.add(Tuple.of(2, Arbitraries.just(3)));
    }
    return then(then(weighted(counts), n -> Combinators.combine(java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> fromItem(schema, aliases.get(i), derived)).toList()).as(Function.identity())), refs -> {
      List<Arbitrary<Query.Join>> joins = new ArrayList<>();
      for (int i = 1; i < refs.size(); i++) {
        joins.add(join(refs.subList(0, i), refs.get(i)));
      }
      return Combinators.combine(joins).as(list -> new Query.Tables(refs.get(0),
          commaThenNoOn(list)));
    });
  }

  /** A table, or a derived aggregate or DISTINCT (whose own FROM has tables only). */
  private static Arbitrary<Query.FromItem> fromItem(Schema schema, String alias, int derived) {
    Arbitrary<Query.FromItem> table = Arbitraries.of(schema.tables()).map(t -> new Query.TableRef(t, alias));
    if (derived == 0) {
      return table;
    }
    return Arbitraries.frequencyOf(
        Tuple.of(20, table),
        Tuple.of(2 * derived, derivedAggregate(schema).map(q -> new Query.Derived(q, alias))),
        Tuple.of(derived, derivedDistinct(schema).map(q -> new Query.Derived(q, alias))));
  }

  /**
   * In PostgreSQL a comma binds looser than JOIN: in {@code FROM a, b JOIN c ON a.x = c.y} the ON
   * cannot see {@code a}. After a comma, later ON joins, inner or outer, become comma joins (conditions
   * in WHERE).
   */
  private static List<Query.Join> commaThenNoOn(List<Query.Join> joins) {
    List<Query.Join> out = new ArrayList<>();
    boolean comma = false;
    for (Query.Join j : joins) {
      comma |= j.style() == Query.JoinStyle.COMMA;
      boolean on = j.style() == Query.JoinStyle.ON || j.style().outer();
      out.add(comma && on ? new Query.Join(j.ref(), Query.JoinStyle.COMMA, j.conditions()) : j);
    }
    return out;
  }

  private static boolean equiJoinable(ColType a, ColType b) {
    return a == b || (a.isInteger() && b.isInteger());
  }

  private static Arbitrary<Query.Join> join(List<Query.FromItem> before, Query.FromItem ref) {
    List<Expr> equalities = new ArrayList<>();
    List<Expr.Col> left = before.stream().flatMap(r -> r.columns().stream()).toList();
    for (Expr.Col l : before.stream().flatMap(r -> r.joinable().stream()).toList()) {
      for (Expr.Col r : ref.joinable()) {
        if (equiJoinable(l.type(), r.type()) && l.type() != ColType.BOOL) {
          equalities.add(new Expr.Cmp("=", l, r));
        }
      }
    }
    Arbitrary<Query.Join> cross = Arbitraries.just(new Query.Join(ref, Query.JoinStyle.CROSS, List.of()));
    if (equalities.isEmpty()) {
      return cross;
    }
    List<Expr.Col> both = new ArrayList<>(left);
    both.addAll(ref.columns());
    Arbitrary<List<Expr>> extra = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(List.<Expr>of())),
        Tuple.of(1, new ExprGen(both).predicate(0).map(List::of)));
    Arbitrary<List<Expr>> conditions = Combinators.combine(
        Arbitraries.of(equalities).list().uniqueElements().ofMinSize(1).ofMaxSize(2), extra)
        .as((eq, x) -> {
          List<Expr> all = new ArrayList<>(eq);
          all.addAll(x);
          return all;
        });
    // An outer join's ON: equalities plus, sometimes, a condition on one side only (the items before,
    // or the new one). Freshet refuses an outer join comparing the two sides otherwise (FR003).
    Arbitrary<Expr> oneSided = Arbitraries.oneOf(oneSidedCondition(left), oneSidedCondition(ref.columns()));
    Arbitrary<List<Expr>> outerConditions = Combinators.combine(
        Arbitraries.of(equalities).list().uniqueElements().ofMinSize(1).ofMaxSize(2),
        Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.<Expr>of())), Tuple.of(2, oneSided.map(List::of))))
        .as((eq, x) -> {
          List<Expr> all = new ArrayList<>(eq);
          all.addAll(x);
          return all;
        });
    List<Tuple.Tuple2<Integer, Arbitrary<Query.Join>>> choices = new ArrayList<>(List.of(
        Tuple.of(6, conditions.map(c -> new Query.Join(ref, Query.JoinStyle.ON, c))),
        Tuple.of(2, conditions.map(c -> new Query.Join(ref, Query.JoinStyle.COMMA, c))),
        Tuple.of(1, cross)));
    choices.add(Tuple.of(2, outerConditions.map(c -> new Query.Join(ref, Query.JoinStyle.LEFT, c))));
    choices.add(Tuple.of(1, outerConditions.map(c -> new Query.Join(ref, Query.JoinStyle.RIGHT, c))));
    choices.add(Tuple.of(1, outerConditions.map(c -> new Query.Join(ref, Query.JoinStyle.FULL, c))));
    return weighted(choices);
  }


  /**
   * A condition on one side of an outer join: a column compared with a literal ({@code b.s1 <> 'a'},
   * {@code a.i0 > 0}), IS NOT NULL of a nullable column, a boolean column, or IN a list. Never one
   * Calcite folds to FALSE ({@code x BETWEEN 2 AND 1}, {@code key IS NULL}, a comparison of literals):
   * that leaves the ON without an equality, which Freshet refuses (FR003).
   */
  private static Arbitrary<Expr> oneSidedCondition(List<Expr.Col> side) {
    List<Expr.Col> ordered = side.stream().filter(c -> c.type() != ColType.BOOL).toList();
    List<Expr.Col> nullable = side.stream().filter(c -> c.column().nullable()).toList();
    List<Expr.Col> bools = side.stream().filter(c -> c.type() == ColType.BOOL).toList();
    List<Tuple.Tuple2<Integer, Arbitrary<Expr>>> options = new ArrayList<>();
    if (!ordered.isEmpty()) {
      options.add(Tuple.of(4, then(Arbitraries.of(ordered), c -> Combinators.combine(
              Arbitraries.of("<>", "=", ">", "<", ">=", "<="), ExprGen.literalOf(c.type()))
          .as((op, lit) -> (Expr) new Expr.Cmp(op, c, lit)))));
      options.add(Tuple.of(1, then(Arbitraries.of(ordered), c -> ExprGen.literalOf(c.type()).list()
          .ofMinSize(2).ofMaxSize(3).map(items -> (Expr) new Expr.InList(c, items)))));
    }
    if (!nullable.isEmpty()) {
      options.add(Tuple.of(2, Arbitraries.of(nullable).map(c -> (Expr) new Expr.IsNull(c, true))));
    }
    if (!bools.isEmpty()) {
      options.add(Tuple.of(1, Arbitraries.of(bools).map(c -> (Expr) c)));
    }
    return weighted(options);
  }

  private static Arbitrary<Expr> optionalWhere(ExprGen g) {
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((Expr) null)), Tuple.of(3, g.predicate(2)));
  }

  /**
   * A top-level ORDER BY, often none; half the time with a LIMIT (and an OFFSET), appended to the last
   * key: the stream table then holds the top rows, whose ties at the last place the oracle allows.
   */
  private static Arbitrary<List<String>> orderBy(int columns) {
    Arbitrary<String> key = then(Arbitraries.integers().between(1, Math.min(columns, 3)),
        i -> Arbitraries.of(String.valueOf(i), i + " DESC"));
    Arbitrary<String> limit = Arbitraries.of("", " LIMIT 3", " LIMIT 2 OFFSET 1", " LIMIT 1");
    Arbitrary<List<String>> keys = Combinators.combine(key.list().ofMinSize(1).ofMaxSize(2), limit).as((k, l) -> {
      List<String> all = new ArrayList<>(k);
      all.set(all.size() - 1, all.getLast() + l);
      return all;
    });
    return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.<String>of())), Tuple.of(2, keys));
  }

  private static Arbitrary<List<Query.Item>> items(ExprGen g, int min, int max) {
    Arbitrary<Expr> item = Arbitraries.frequencyOf(Tuple.of(7, g.anyColumn()), Tuple.of(3, g.anyExpression(1)));
    return item.list().ofMinSize(min).ofMaxSize(max).map(Generators::named);
  }

  private static List<Query.Item> named(List<Expr> exprs) {
    List<Query.Item> items = new ArrayList<>();
    for (int i = 0; i < exprs.size(); i++) {
      items.add(new Query.Item(exprs.get(i), "c" + (i + 1)));
    }
    return items;
  }

  static Arbitrary<Query> plain(Schema schema) {
    return then(source(schema), src -> {
      ExprGen g = new ExprGen(src.scope());
      List<String> aliases = src instanceof Query.Tables t ? t.refs().stream().map(Query.FromItem::alias).toList()
          : List.of("u");
      Arbitrary<String> star = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just((String) null)),
          Tuple.of(2, Arbitraries.of(aliases)));
      Arbitrary<List<Query.Item>> items = NOT_GENERATED.contains(Construct.SCALAR_SUBQUERY_IN_SELECT)
          ? items(g, 1, 3)
          : Arbitraries.frequencyOf(Tuple.of(9, items(g, 1, 3)), Tuple.of(1, Combinators.combine(items(g, 1, 2),
              scalarSubquery(schema)).as((list, sub) -> {
                List<Expr> exprs = new ArrayList<>(list.stream().map(Query.Item::expr).toList());
                exprs.add(new Expr.Subquery(sub));
                return named(exprs);
              })));
      Arbitrary<Query.Select> select = Combinators.combine(items, optionalWhere(g), subqueryConditions(schema, src))
          .as((list, where, subs) -> new Query.Select(list, src, where, subs));
      return then(Combinators.combine(Arbitraries.frequency(Tuple.of(3, false), Tuple.of(1, true)), star, select)
              .as(Tuple::of),
          t -> orderBy(t.get2() == null ? t.get3().items().size() : 1)
              .map(order -> (Query) new Query.Plain(t.get1(), t.get2(), t.get3(), order)));
    });
  }

  static Arbitrary<Query.UnionBody> unionBody(Schema schema) {
    // Freshet reads a cast to an enum only when a column of the database has that type (sql-support.md,
    // column types): without an enum column, 'ok'::mood in a branch or VALUES is refused (FR008)
    // types whose literals are bare strings have none for a VALUES row (ColType.inUnions)
    boolean enums = schema.tables().stream().flatMap(t -> t.columns().stream()).anyMatch(c -> c.type() == ColType.ENUM);
    Arbitrary<List<ColType>> types = Arbitraries.frequencyOf(Tuple.of(4, columnTypes()),
        Tuple.of(1, Arbitraries.of(ColType.values())))
        .filter(t -> (enums || t != ColType.ENUM) && t.inUnions())
        .list().ofMinSize(1).ofMaxSize(3);
    return then(types, ts -> {
      Arbitrary<Query.Select> branch = then(tables(schema, 2, QUERY_ALIASES, 1), src -> {
        ExprGen g = new ExprGen(src.scope());
        List<Arbitrary<Expr>> columns = ts.stream().map(t -> Arbitraries.frequencyOf(
            Tuple.of(4, g.leaf(t)), Tuple.of(1, g.expression(t, 1)))).toList();
        return Combinators.combine(Combinators.combine(columns).as(Generators::named), optionalWhere(g))
            .as((items, where) -> new Query.Select(items, src, where, List.of()));
      });
      Arbitrary<List<Expr>> valuesRow = Combinators.combine(ts.stream().map(t -> Arbitraries.frequencyOf(
          Tuple.of(5, ExprGen.literalOf(t)), Tuple.of(1, Arbitraries.just((Expr) Expr.Lit.nullOf(t))))).toList())
          .as(Function.identity());
      return Combinators.combine(branch.list().ofMinSize(1).ofMaxSize(3), valuesRow.list().ofMinSize(0).ofMaxSize(2))
          .as((branches, values) -> branches.size() == 1 && values.isEmpty()
              ? null : new Query.UnionBody(branches, values))
          .filter(b -> b != null);
    });
  }

  static Arbitrary<Query> unionAll(Schema schema) {
    return then(unionBody(schema), body -> orderBy(body.branches().get(0).items().size())
        .map(order -> (Query) new Query.UnionAll(body, order)));
  }

  static Arbitrary<Query> aggregate(Schema schema) {
    return then(source(schema), src -> {
      ExprGen g = new ExprGen(src.scope());
      Arbitrary<List<Query.Item>> keys = then(Arbitraries.frequency(Tuple.of(3, 0), Tuple.of(5, 1), Tuple.of(2, 2)),
          n -> groupKeys(g, n));
      Arbitrary<List<Query.AggCall>> calls = aggCall(g).list().ofMinSize(1).ofMaxSize(4);
      Arbitrary<Expr> having = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just((Expr) null)),
          Tuple.of(1, having(g)));
      return then(Combinators.combine(keys, calls, optionalWhere(g), subqueryConditions(schema, src), having)
              .as(Tuple::of),
          t -> orderBy(t.get1().size() + t.get2().size())
              .map(order -> (Query) new Query.Aggregate(t.get1(), t.get2(), src, t.get3(), t.get4(),
                  // a HAVING without GROUP BY is valid, but the brief is groups crossing thresholds
                  t.get1().isEmpty() ? null : t.get5(), order)));
    });
  }

  /** {@code n} GROUP BY keys named k1, k2, …: columns mostly, or expressions. */
  private static Arbitrary<List<Query.Item>> groupKeys(ExprGen g, int n) {
    // a literal key would be read as a position (GROUP BY 1) or refused (GROUP BY 'a')
    Arbitrary<Expr> key = Arbitraries.frequencyOf(Tuple.of(3, g.anyColumn()),
        Tuple.of(1, g.anyExpression(1).filter(e -> !(e instanceof Expr.Lit))));
    return key.list().ofSize(n).map(list -> {
      List<Query.Item> items = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        items.add(new Query.Item(list.get(i), "k" + (i + 1)));
      }
      return items;
    });
  }

  /**
   * The FROM of a derived aggregate: {@code SELECT keys, aggregates FROM … [WHERE …] [GROUP BY keys]
   * [HAVING …]} with count/sum/avg/min/max (their results are compared exactly: no string_agg, no
   * bool_and/bool_or), mostly grouped (it is joined on its group key), sometimes with a sub-query in WHERE.
   */
  static Arbitrary<Query> derivedAggregate(Schema schema) {
    return then(tables(schema, 2, DERIVED_ALIASES, 0), src -> {
      ExprGen g = new ExprGen(src.scope());
      Arbitrary<List<Query.Item>> keys = then(Arbitraries.frequency(Tuple.of(5, 1), Tuple.of(1, 0), Tuple.of(2, 2)),
          n -> groupKeys(g, n));
      Arbitrary<List<Query.AggCall>> calls = stratumAggCall(g).list().ofMinSize(1).ofMaxSize(3);
      Arbitrary<List<Query.SubqueryCondition>> subs = Arbitraries.frequencyOf(
          Tuple.of(8, Arbitraries.just(List.<Query.SubqueryCondition>of())),
          Tuple.of(1, subqueryCondition(schema, src).list().ofSize(1)));
      Arbitrary<Expr> having = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just((Expr) null)),
          Tuple.of(1, having(g)));
      Arbitrary<Expr> where = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just((Expr) null)),
          Tuple.of(1, g.predicate(1)));
      return Combinators.combine(keys, calls, where, subs, having).as((k, c, w, sq, h) ->
          (Query) new Query.Aggregate(k, c, src, w, sq, k.isEmpty() ? null : h, List.of()));
    });
  }

  /** The FROM of a derived DISTINCT: {@code SELECT DISTINCT columns FROM … [WHERE …]}, over a join or not. */
  static Arbitrary<Query> derivedDistinct(Schema schema) {
    return then(tables(schema, 2, DERIVED_ALIASES, 0), src -> {
      ExprGen g = new ExprGen(src.scope());
      Arbitrary<Expr> item = Arbitraries.frequencyOf(Tuple.of(6, g.anyColumn()), Tuple.of(1, g.anyExpression(1)));
      Arbitrary<Expr> where = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just((Expr) null)),
          Tuple.of(1, g.predicate(1)));
      return Combinators.combine(item.list().ofMinSize(1).ofMaxSize(2).map(Generators::named), where)
          .as((items, w) -> (Query) new Query.Plain(true, null, new Query.Select(items, src, w, List.of()),
              List.of()));
    });
  }

  /**
   * A HAVING condition: aggregates compared with small literals, so that groups cross the threshold
   * with the tiny value domains ({@code count(*) > 1}, {@code sum(x) >= 2}, {@code min(x) IS NOT NULL}),
   * possibly two combined with AND or OR.
   */
  static Arbitrary<Expr> having(ExprGen g) {
    Arbitrary<Expr> atom = havingCondition(g);
    return Arbitraries.frequencyOf(Tuple.of(3, atom),
        Tuple.of(2, Combinators.combine(Arbitraries.of("AND", "OR"), atom, atom)
            .as((op, l, r) -> (Expr) new Expr.Logic(op, l, r))));
  }

  private static Arbitrary<Expr> havingCondition(ExprGen g) {
    Arbitrary<String> op = Arbitraries.of(">", ">=", "=", "<", "<=", "<>");
    Arbitrary<Expr> small = Arbitraries.of("1", "2", "0", "3").map(n -> (Expr) new Expr.Lit(ColType.INT, n));
    Arbitrary<Expr> number = g.numberExpression();
    Arbitrary<Expr> ordered = g.orderedExpression();
    return Arbitraries.frequencyOf(
        Tuple.of(3, Combinators.combine(op, small).as((o, n) ->
            new Expr.Cmp(o, new Expr.AggRef(new Query.AggCall("count*", null, false, "%s")), n))),
        Tuple.of(1, Combinators.combine(g.anyColumn(), op, small).as((e, o, n) ->
            new Expr.Cmp(o, new Expr.AggRef(new Query.AggCall("count", e, false, "%s")), n))),
        Tuple.of(2, Combinators.combine(Arbitraries.of("sum", "avg"), number, op, small).as((f, e, o, n) ->
            new Expr.Cmp(o, new Expr.AggRef(new Query.AggCall(f, e, false, "%s")), n))),
        Tuple.of(2, Combinators.combine(Arbitraries.of("min", "max"), ordered, Arbitraries.of(true, false))
            .as((f, e, neg) -> new Expr.IsNull(new Expr.AggRef(new Query.AggCall(f, e, false, "%s")), neg))),
        Tuple.of(1, then(ordered, e -> Combinators.combine(Arbitraries.of("min", "max"), op, g.literal(e.type()))
            .as((f, o, lit) -> new Expr.Cmp(o, new Expr.AggRef(new Query.AggCall(f, e, false, "%s")), lit)))));
  }

  /** count(*), count, sum, avg, min, max: the aggregates of derived tables, HAVING and scalar sub-queries. */
  static Arbitrary<Query.AggCall> stratumAggCall(ExprGen g) {
    Arbitrary<Expr> number = g.numberExpression();
    Arbitrary<Expr> ordered = g.orderedExpression();
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(new Query.AggCall("count*", null, false, "%s"))),
        Tuple.of(1, g.anyColumn().map(e -> new Query.AggCall("count", e, false, "%s"))),
        Tuple.of(2, number.map(e -> new Query.AggCall("sum", e, false, "%s"))),
        Tuple.of(1, number.map(e -> new Query.AggCall("avg", e, false, "%s"))),
        Tuple.of(1, ordered.map(e -> new Query.AggCall("min", e, false, "%s"))),
        Tuple.of(1, ordered.map(e -> new Query.AggCall("max", e, false, "%s"))));
  }

  static Arbitrary<Query.AggCall> aggCall(ExprGen g) {
    Arbitrary<Expr> number = g.numberExpression();
    Arbitrary<Expr> ordered = g.orderedExpression();
    Arbitrary<String> numericFinisher = Arbitraries.frequency(Tuple.of(8, "%s"), Tuple.of(1, "(%s + 1)"),
        Tuple.of(1, "COALESCE(%s, 0)"));
    return Arbitraries.frequencyOf(
        Tuple.of(1, numericFinisher.map(f -> new Query.AggCall("count*", null, false, f))),
        Tuple.of(1, Combinators.combine(g.anyColumn(), numericFinisher)
            .as((e, f) -> new Query.AggCall("count", e, false, f))),
        Tuple.of(1, g.anyColumn().map(e -> new Query.AggCall("count", e, true, "%s"))),
        Tuple.of(1, Combinators.combine(number, numericFinisher).as((e, f) -> new Query.AggCall("sum", e, false, f))),
        Tuple.of(1, Combinators.combine(number, numericFinisher).as((e, f) -> new Query.AggCall("avg", e, false, f))),
        Tuple.of(1, ordered.map(e -> new Query.AggCall("min", e, false, "%s"))),
        Tuple.of(1, ordered.map(e -> new Query.AggCall("max", e, false, "%s"))),
        Tuple.of(1, g.predicate(0).map(e -> new Query.AggCall("bool_and", e, false, "%s"))),
        Tuple.of(1, g.predicate(0).map(e -> new Query.AggCall("bool_or", e, false, "%s"))));
  }

  // ---- sub-queries -------------------------------------------------------------------------------

  /**
   * Sub-query conditions for the WHERE of a query reading {@code outer}: none mostly, else one or two,
   * each ANDed to the rest (under OR or NOT Freshet plans them as outer joins, refused).
   */
  static Arbitrary<List<Query.SubqueryCondition>> subqueryConditions(Schema schema, Query.Source outer) {
    return Arbitraries.frequencyOf(
        Tuple.of(7, Arbitraries.just(List.<Query.SubqueryCondition>of())),
        Tuple.of(3, subqueryCondition(schema, outer).list().ofSize(1)),
        Tuple.of(1, subqueryCondition(schema, outer).list().ofSize(2)));
  }

  /** One sub-query condition: a scalar comparison, IN, EXISTS, NOT EXISTS or NOT IN. */
  static Arbitrary<Query.SubqueryCondition> subqueryCondition(Schema schema, Query.Source outer) {
    return weighted(List.of(
        Tuple.of(1, scalarComparison(schema, outer)),
        Tuple.of(1, inSubquery(schema, outer, false)),
        Tuple.of(1, exists(schema, outer, false)),
        Tuple.of(1, exists(schema, outer, true)),
        Tuple.of(1, inSubquery(schema, outer, true))));
  }

  /** {@code (SELECT agg FROM … [WHERE …])}, over one table mostly (which the workload may empty). */
  static Arbitrary<Query.ScalarSubquery> scalarSubquery(Schema schema) {
    return then(tables(schema, 2, SUBQUERY_ALIASES, 0), src -> {
      ExprGen inner = new ExprGen(src.scope());
      return Combinators.combine(stratumAggCall(inner), optionalInnerWhere(inner))
          .as((call, where) -> new Query.ScalarSubquery(call, src, where));
    });
  }

  /** {@code operand op (SELECT agg …)}: an outer column of a comparable type, or rarely a literal. */
  static Arbitrary<Query.SubqueryCondition> scalarComparison(Schema schema, Query.Source outer) {
    return then(scalarSubquery(schema), sub -> {
      ColType t = sub.type();
      List<Expr.Col> operands = outer.scope().stream().filter(c -> c.type().comparableWith(t)).toList();
      Arbitrary<Expr> operand = operands.isEmpty() ? ExprGen.literalOf(t)
          : !t.typedLiterals() ? Arbitraries.of(operands).map(c -> (Expr) c)
          : Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(operands).map(c -> (Expr) c)),
              Tuple.of(1, ExprGen.literalOf(t)));
      return Combinators.combine(operand, Arbitraries.of(">", "=", "<", ">=", "<=", "<>"))
          .as((o, op) -> (Query.SubqueryCondition) new Query.ScalarComparison(o, op, sub));
    });
  }

  /**
   * {@code outer [NOT] IN (SELECT inner FROM … [WHERE …])} over columns of comparable types. NOT IN
   * favours nullable columns (of the table, or padded by an outer join): a NULL selected makes the
   * condition NULL for every row, a NULL operand for every row unless the sub-query is empty.
   */
  static Arbitrary<Query.SubqueryCondition> inSubquery(Schema schema, Query.Source outer, boolean negated) {
    return then(tables(schema, 2, SUBQUERY_ALIASES, 0), src -> {
      List<Tuple.Tuple2<Expr.Col, Expr.Col>> pairs = new ArrayList<>();
      List<Tuple.Tuple2<Expr.Col, Expr.Col>> nullable = new ArrayList<>();
      for (Expr.Col o : outer.scope()) {
        for (Expr.Col i : src.scope()) {
          if (o.type() != ColType.BOOL && o.type().comparableWith(i.type())) {
            pairs.add(Tuple.of(o, i));
            if (i.column().nullable() || o.column().nullable()) {
              nullable.add(Tuple.of(o, i));
            }
          }
        }
      }
      if (pairs.isEmpty()) {
        return scalarComparison(schema, outer);
      }
      Arbitrary<Tuple.Tuple2<Expr.Col, Expr.Col>> pair = !negated || nullable.isEmpty() ? Arbitraries.of(pairs)
          : Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(pairs)), Tuple.of(3, Arbitraries.of(nullable)));
      return Combinators.combine(pair, optionalInnerWhere(new ExprGen(src.scope())))
          .as((p, w) -> (Query.SubqueryCondition) new Query.InSubquery(p.get1(), p.get2(), src, w, negated));
    });
  }

  /**
   * {@code [NOT] EXISTS (SELECT 1 FROM … WHERE inner = outer [AND inner = outer] [AND …])}: equality
   * correlation of columns of one type and declared type, or of two numbers (an int with a bigint or a numeric:
   * Calcite widens the outer column, which CorrelatedCastPullUp computes beside the outer rows), to the query it
   * sits in only; the rest of its WHERE reads the inner rows only.
   */
  static Arbitrary<Query.SubqueryCondition> exists(Schema schema, Query.Source outer, boolean negated) {
    return then(tables(schema, 2, SUBQUERY_ALIASES, 0), src -> {
      List<Expr.Cmp> pairs = new ArrayList<>();
      for (Expr.Col o : outer.correlatable()) {
        for (Expr.Col i : src.scope()) {
          if (o.type() != ColType.BOOL && o.type() == i.type()
              && o.column().declaredType().equals(i.column().declaredType())
              || o.type().isNumber() && i.type().isNumber() && o.type() != i.type()) {
            pairs.add(new Expr.Cmp("=", i, o));
          }
        }
      }
      if (pairs.isEmpty()) {
        return scalarComparison(schema, outer);
      }
      Arbitrary<Expr> where = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((Expr) null)),
          Tuple.of(2, new ExprGen(src.scope()).predicate(1)));
      return Combinators.combine(Arbitraries.of(pairs).list().uniqueElements().ofMinSize(1).ofMaxSize(2), where)
          .as((c, w) -> (Query.SubqueryCondition) new Query.Exists(c, src, w, negated));
    });
  }

  private static Arbitrary<Expr> optionalInnerWhere(ExprGen inner) {
    return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just((Expr) null)), Tuple.of(1, inner.predicate(1)));
  }

  // ---- expressions -------------------------------------------------------------------------------

  /** Typed expressions over a scope of columns. */
  static final class ExprGen {
    private final List<Expr.Col> scope;

    ExprGen(List<Expr.Col> scope) {
      this.scope = List.copyOf(scope);
    }

    List<Expr.Col> columns(ColType t) {
      return scope.stream().filter(c -> c.type() == t).toList();
    }

    List<ColType> columnTypes() {
      return scope.stream().map(Expr.Col::type).distinct().toList();
    }

    static Arbitrary<Expr> literalOf(ColType t) {
      return Arbitraries.of(t.domain()).map(s -> (Expr) new Expr.Lit(t, s));
    }

    Arbitrary<Expr> literal(ColType t) {
      return literalOf(t);
    }

    /**
     * A literal beside a value of type t (compared with it, in its IN list, a BETWEEN bound): for uuid and inet
     * also bare ({@code g = '{…0b}'}, {@code p = '10.0.0.1'}), which PostgreSQL reads as the other operand's
     * type, and Freshet must too (it compared a bare uuid literal with the column's text).
     */
    Arbitrary<Expr> literalBeside(ColType t) {
      if (t != ColType.UUID && t != ColType.INET) {
        return literal(t);
      }
      String cast = "::" + t.castName();
      return Arbitraries.frequencyOf(Tuple.of(2, literal(t)), Tuple.of(1, Arbitraries.of(t.domain())
          .map(s -> (Expr) new Expr.Lit(t, s.endsWith(cast) ? s.substring(0, s.length() - cast.length()) : s))));
    }

    /** Any column of the scope. */
    Arbitrary<Expr> anyColumn() {
      return Arbitraries.of(scope).map(c -> (Expr) c);
    }

    /** An expression of a type the scope has columns of (weighted by how many). */
    Arbitrary<Expr> anyExpression(int depth) {
      return then(Arbitraries.of(scope), c -> expression(c.type(), depth));
    }

    /** A column of type t when there is one (else a cast of an int column, else a literal). */
    Arbitrary<Expr> leaf(ColType t) {
      List<Expr.Col> cols = columns(t);
      if (!cols.isEmpty() && !t.typedLiterals()) {
        return Arbitraries.of(cols).map(c -> (Expr) c); // a bare literal needs a column beside it
      }
      if (!cols.isEmpty()) {
        return Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.of(cols).map(c -> (Expr) c)), Tuple.of(1, literal(t)));
      }
      List<Expr.Col> ints = columns(ColType.INT);
      if (!ints.isEmpty() && (t == ColType.BIGINT || t == ColType.NUMERIC || t == ColType.TEXT)) {
        return Arbitraries.frequencyOf(
            Tuple.of(3, Combinators.combine(Arbitraries.of(ints), Arbitraries.of(false, true))
                .as((c, colon) -> (Expr) new Expr.Cast(c, t, colon))),
            Tuple.of(1, literal(t)));
      }
      if (t == ColType.BOOL && !scope.isEmpty()) {
        return predicate(0);
      }
      return literal(t);
    }

    /** An expression of a type with min/max (any but boolean); a number when the scope has no other. */
    Arbitrary<Expr> orderedExpression() {
      List<ColType> ordered = columnTypes().stream().filter(ColType::hasExtremum).toList();
      return ordered.isEmpty() ? numberExpression()
          : then(Arbitraries.of(ordered), t -> Arbitraries.frequencyOf(Tuple.of(4, leaf(t)), Tuple.of(1, expression(t, 1))));
    }

    /** An expression of a numeric type. */
    Arbitrary<Expr> numberExpression() {
      List<ColType> numbers = columnTypes().stream().filter(ColType::isNumber).toList();
      Arbitrary<ColType> type = numbers.isEmpty() ? Arbitraries.just(ColType.INT) : Arbitraries.of(numbers);
      return then(type, t -> Arbitraries.frequencyOf(Tuple.of(4, leaf(t)), Tuple.of(1, expression(t, 1))));
    }

    Arbitrary<Expr> expression(ColType t, int depth) {
      if (t == ColType.BOOL) {
        return predicate(depth);
      }
      if (depth <= 0) {
        return leaf(t);
      }
      return Arbitraries.frequencyOf(Tuple.of(1, leaf(t)), Tuple.of(1, Arbitraries.lazy(() -> compound(t, depth))));
    }

    private Arbitrary<Expr> compound(ColType t, int depth) {
      List<Arbitrary<Expr>> options = new ArrayList<>();
      Arbitrary<Boolean> colon = Arbitraries.of(false, true);
      Arbitrary<Expr> sub = expression(t, depth - 1);
      options.add(Combinators.combine(predicate(depth - 1), sub, leaf(t)).as(Expr.Case::new));
      if (t == ColType.TEXT) { // constants and NULL: text in PostgreSQL (it was printed as char(n))
        options.add(Combinators.combine(predicate(depth - 1), literal(t)).as((w, l) -> new Expr.Case(w, l, null)));
      }
      if (!columns(t).isEmpty() && t.typedLiterals()) {
        options.add(Combinators.combine(Arbitraries.of(columns(t)), literal(t)).as(Expr.Coalesce::new));
      }
      switch (t) {
        case INT -> {
          options.add(Combinators.combine(Arbitraries.of("+", "-", "*"), sub, leaf(ColType.INT))
              .as((op, l, r) -> new Expr.Arith(op, l, r, ColType.INT)));
          if (!columns(ColType.NUMERIC).isEmpty()) {
            options.add(Combinators.combine(leaf(ColType.NUMERIC), colon)
                .as((e, c) -> new Expr.Cast(e, ColType.INT, c)));
          }
          if (!columns(ColType.DATE).isEmpty()) {
            options.add(Combinators.combine(leaf(ColType.DATE), literal(ColType.DATE))
                .as((l, r) -> new Expr.Arith("-", l, r, ColType.INT)));
          }
        }
        case BIGINT -> {
          options.add(Combinators.combine(expression(ColType.INT, depth - 1), colon)
              .as((e, c) -> new Expr.Cast(e, ColType.BIGINT, c)));
          options.add(Combinators.combine(Arbitraries.of("+", "-", "*"), sub, leaf(ColType.INT))
              .as((op, l, r) -> new Expr.Arith(op, l, r, ColType.BIGINT)));
        }
        case NUMERIC -> {
          options.add(Combinators.combine(expression(ColType.INT, depth - 1), colon)
              .as((e, c) -> new Expr.Cast(e, ColType.NUMERIC, c)));
          options.add(Combinators.combine(Arbitraries.of("+", "-", "*"), sub,
                  Arbitraries.oneOf(leaf(ColType.NUMERIC), leaf(ColType.INT)))
              .as((op, l, r) -> new Expr.Arith(op, l, r, ColType.NUMERIC)));
        }
        case TEXT -> {
          Arbitrary<Expr> concat = Combinators.combine(sub, literal(ColType.TEXT))
              .as((l, r) -> new Expr.Arith("||", l, r, ColType.TEXT));
          options.add(concat);
          options.add(concat);
          options.add(Combinators.combine(expression(ColType.INT, depth - 1), colon)
              .as((e, c) -> new Expr.Cast(e, ColType.TEXT, c)));
          if (!columns(ColType.JSONB).isEmpty()) {
            options.add(jsonField());
            options.add(jsonField());
          }
          if (!columns(ColType.ENUM).isEmpty()) {
            // an enum's label: compared and sorted as text, not in the enum's declared order
            options.add(Combinators.combine(Arbitraries.of(columns(ColType.ENUM)), colon)
                .as((e, c) -> new Expr.Cast(e, ColType.TEXT, c)));
          }
          List<Expr.Col> printable = textCastable();
          if (!printable.isEmpty()) {
            // a value's text: '24:00:00' for '24 hours', 1.50 and 1.5, 'a' for 'a  '::char(3), {1,NULL}
            Arbitrary<Expr> text = Combinators.combine(Arbitraries.of(printable), colon)
                .as((e, c) -> new Expr.Cast(e, ColType.TEXT, c));
            options.add(text);
            options.add(text);
          }
        }
        case DATE -> options.add(Combinators.combine(Arbitraries.of("+", "-"), sub, Arbitraries.of("1", "2", "-1"))
            .as((op, l, days) -> new Expr.Arith(op, l, new Expr.Lit(ColType.INT, days), ColType.DATE)));
        case BOOL -> throw new IllegalArgumentException("predicates are built by predicate()");
        default -> {
          // no operators generated on the other types: CASE and COALESCE above
        }
      }
      return Arbitraries.oneOf(options);
    }

    /**
     * Columns whose text a query may show ({@code x::text}) of the types whose text tells more than their
     * equality: a source column only when equal values of its type print differently (interval, numeric),
     * since a derived table's key, DISTINCT row or min is then any of the equal values PostgreSQL met.
     */
    private List<Expr.Col> textCastable() {
      return scope.stream().filter(c -> switch (c.type()) {
        case NUMERIC, UUID, INET, BYTEA, INTERVAL, TIMESTAMPTZ, CHAR, INT_ARRAY, DOMAIN -> true;
        default -> false;
      }).filter(c -> !c.type().textVaries() || c.column().name().matches(c.type().prefix() + "[0-9]+")).toList();
    }

    /** A field of a jsonb column, {@code (a.j1 ->> 'a')}: text, or NULL where the value has no such key or index. */
    private Arbitrary<Expr> jsonField() {
      return Combinators.combine(Arbitraries.of(columns(ColType.JSONB)),
              Arbitraries.of(new Expr.Lit(ColType.TEXT, "'a'"), new Expr.Lit(ColType.TEXT, "'b'"),
                  new Expr.Lit(ColType.INT, "0")))
          .as((j, key) -> new Expr.Arith("->>", j, key, ColType.TEXT));
    }

    /** A boolean condition over the scope, nested up to {@code depth}. */
    Arbitrary<Expr> predicate(int depth) {
      List<Tuple.Tuple2<Integer, Arbitrary<Expr>>> options = new ArrayList<>();
      options.add(Tuple.of(6, comparison(0)));
      if (!columns(ColType.JSONB).isEmpty()) {
        options.add(Tuple.of(2, Combinators.combine(Arbitraries.of("=", "<>", "<", ">="), jsonField(),
                Arbitraries.of("'1'", "'x'", "'a'"))
            .as((op, field, text) -> (Expr) new Expr.Cmp(op, field, new Expr.Lit(ColType.TEXT, text)))));
      }
      options.add(Tuple.of(2, Combinators.combine(anyColumn(), Arbitraries.of(false, true))
          .as((e, neg) -> (Expr) new Expr.IsNull(e, neg))));
      if (!columns(ColType.BOOL).isEmpty()) {
        options.add(Tuple.of(2, Arbitraries.of(columns(ColType.BOOL)).map(c -> (Expr) c)));
      }
      if (!columns(ColType.TEXT).isEmpty()) {
        options.add(Tuple.of(2, Combinators.combine(expression(ColType.TEXT, 1),
                Arbitraries.of("'a%'", "'%b'", "'_'", "'a\\_b'", "'%'"), Arbitraries.of(false, true))
            .as((e, p, neg) -> (Expr) new Expr.Like(e, p, neg))));
      }
      List<ColType> listable = columnTypes().stream().filter(t -> t != ColType.BOOL).toList();
      List<ColType> rangeable = listable;
      if (!listable.isEmpty()) {
        options.add(Tuple.of(1, then(Arbitraries.of(listable), t -> Combinators.combine(leaf(t),
                literalBeside(t).list().ofMinSize(2).ofMaxSize(3))
            .as((e, items) -> (Expr) new Expr.InList(e, items)))));
      }
      if (!rangeable.isEmpty()) {
        options.add(Tuple.of(1, then(Arbitraries.of(rangeable), t -> Combinators.combine(leaf(t),
                literalBeside(t), literalBeside(t))
            .as((e, lo, hi) -> (Expr) new Expr.Between(e, lo, hi)))));
      }
      if (!columns(ColType.ENUM).isEmpty()) {
        options.add(Tuple.of(2, enumRange()));
      }
      if (depth > 0) {
        Arbitrary<Expr> sub = Arbitraries.lazy(() -> predicate(depth - 1));
        options.add(Tuple.of(3, Combinators.combine(Arbitraries.of("AND", "OR"), sub, sub)
            .as((op, l, r) -> (Expr) new Expr.Logic(op, l, r))));
        options.add(Tuple.of(1, sub.map(e -> (Expr) new Expr.Not(e))));
        options.add(Tuple.of(2, Arbitraries.lazy(() -> comparison(depth))));
      }
      return weighted(options);
    }

    /**
     * An enum column between two of its labels: {@code e BETWEEN 'sad'::mood AND 'ok'::mood}, or
     * {@code e > 'sad'::mood AND e <= 'happy'::mood}. Two constants bound one value: a planner that
     * compared them by their text (happy < meh < ok < sad) rather than in the declared order (sad < ok <
     * happy < meh) would find such a range empty, or not, wrongly.
     */
    private Arbitrary<Expr> enumRange() {
      Arbitrary<Expr> column = Arbitraries.of(columns(ColType.ENUM)).map(c -> (Expr) c);
      Arbitrary<Expr> label = literal(ColType.ENUM);
      return Arbitraries.oneOf(
          Combinators.combine(column, label, label).as((e, lo, hi) -> (Expr) new Expr.Between(e, lo, hi)),
          Combinators.combine(column, Arbitraries.of(">", ">="), label, Arbitraries.of("<", "<="), label)
              .as((e, low, lo, high, hi) -> (Expr) new Expr.Logic("AND", new Expr.Cmp(low, e, lo),
                  new Expr.Cmp(high, e, hi))));
    }

    /** {@code expr op literal} or {@code expr op column}, over comparable types. */
    private Arbitrary<Expr> comparison(int depth) {
      return then(Arbitraries.of(scope), c -> {
        ColType t = c.type();
        Arbitrary<String> op = t == ColType.BOOL ? Arbitraries.of("=", "<>")
            : Arbitraries.of("=", "<>", "<", "<=", ">", ">=");
        Arbitrary<Expr> left = depth > 0 ? expression(t, depth)
            : t == ColType.DATE ? Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(c)),
                Tuple.of(1, Arbitraries.of("+", "-").map(sign -> new Expr.Arith(sign, c, new Expr.Lit(ColType.INT, "1"), t))))
            : Arbitraries.just(c);
        List<Expr.Col> comparable = scope.stream().filter(o -> o.type().comparableWith(t) && o != c).toList();
        Arbitrary<Expr> right = comparable.isEmpty() ? literalBeside(t)
            : Arbitraries.frequencyOf(Tuple.of(3, literalBeside(t)), Tuple.of(1, Arbitraries.of(comparable).map(x -> (Expr) x)));
        return Combinators.combine(op, left, right).as((o, l, r) -> (Expr) new Expr.Cmp(o, l, r));
      });
    }
  }
}
