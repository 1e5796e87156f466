package dev.freshet.tests.property;

import static dev.freshet.tests.property.SubQueryFeature.COMMA_JOIN;
import static dev.freshet.tests.property.SubQueryFeature.CORRELATED;
import static dev.freshet.tests.property.SubQueryFeature.CORRELATED_TO_GRANDPARENT;
import static dev.freshet.tests.property.SubQueryFeature.EMPTY_TABLE;
import static dev.freshet.tests.property.SubQueryFeature.EXISTS;
import static dev.freshet.tests.property.SubQueryFeature.EXISTS_IN_SELECT;
import static dev.freshet.tests.property.SubQueryFeature.GROUP_BY;
import static dev.freshet.tests.property.SubQueryFeature.GROUP_BY_IN_SUB_QUERY;
import static dev.freshet.tests.property.SubQueryFeature.HAVING;
import static dev.freshet.tests.property.SubQueryFeature.IN;
import static dev.freshet.tests.property.SubQueryFeature.IN_HAVING;
import static dev.freshet.tests.property.SubQueryFeature.JOIN_ON;
import static dev.freshet.tests.property.SubQueryFeature.LEFT_JOIN;
import static dev.freshet.tests.property.SubQueryFeature.NATURAL;
import static dev.freshet.tests.property.SubQueryFeature.NOT_EXISTS;
import static dev.freshet.tests.property.SubQueryFeature.NOT_IN;
import static dev.freshet.tests.property.SubQueryFeature.SCALAR_IN_SELECT;
import static dev.freshet.tests.property.SubQueryFeature.SCALAR_IN_WHERE;
import static dev.freshet.tests.property.SubQueryFeature.UNCORRELATED;
import static dev.freshet.tests.property.SubQueryFeature.UNDER_AND;
import static dev.freshet.tests.property.SubQueryFeature.UNDER_NOT;
import static dev.freshet.tests.property.SubQueryFeature.UNDER_OR;
import static dev.freshet.tests.property.SubQueryFeature.USING;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds a {@link SubQueryCase} from a seed: a query with sub-queries nested up to a depth of 1–3 over
 * {@link SubQueryTable#ALL}, and its data. Every query is valid PostgreSQL; every expression is typed
 * (int compares with int, text with text); aliases {@code t1, t2, …} are unique in the whole query, so
 * a correlated reference names exactly the enclosing level it means.
 *
 * <p>Generated from a {@link Random} rather than composed jqwik arbitraries: a sub-query's shape depends
 * on every enclosing level (which aliases it may correlate to, which columns are grouped, which type
 * an {@code IN} must return), which is plain code here and a tangle of {@code flatMap}s there. Shrinking
 * is by hand anyway (a failing case prints as a SQL script), so nothing is lost.
 */
final class SubQueryQueries {

  private static final List<String> OPERATORS = List.of("=", "<>", "<", "<=", ">", ">=");

  /**
   * A column as one query level names it: {@code t3.a}, or {@code a} when a {@code USING} or
   * {@code NATURAL} join merged it (then {@code qualified} is false).
   */
  private record Col(String sql, boolean text, boolean qualified) {
  }

  /**
   * One query level: the columns its own expressions may name, and those a sub-query nested in it may
   * name to correlate. Only qualified columns correlate (an unqualified {@code a} would bind to the
   * sub-query's own FROM first), and below the SELECT list or HAVING of a grouped level only its
   * grouped columns do (PostgreSQL: "subquery uses ungrouped column from outer query").
   */
  private record Level(List<Col> columns, List<Col> correlatable) {
    List<Col> ofType(boolean text) {
      return columns.stream().filter(c -> c.text() == text).toList();
    }

    boolean hasText() {
      return columns.stream().anyMatch(Col::text);
    }
  }

  /** A FROM clause, and the join condition a comma join leaves for the WHERE clause. */
  private record From(String sql, Level level, Optional<String> joinCondition) {
  }

  /** What a sub-query returns: any rows, one column of a type, one aggregate value of a type. */
  private enum Kind { EXISTS, IN, SCALAR }

  /** The boolean connectives above a sub-query predicate within its own WHERE clause. */
  private enum Connective { AND, OR, NOT }

  private final Random random;
  /** How deep sub-queries may nest: a sub-query at depth {@code budget} holds no sub-query. */
  private final int budget;
  private final Set<SubQueryFeature> features = EnumSet.noneOf(SubQueryFeature.class);
  private final Set<String> tables = new TreeSet<>();
  private int aliases;
  private int depth;

  private SubQueryQueries(Random random) {
    this.random = random;
    this.budget = 1 + random.nextInt(3);
  }

  static SubQueryCase generate(long seed) {
    Random random = new Random(seed);
    SubQueryQueries generator = new SubQueryQueries(random);
    String sql = generator.query();
    SubQueryData data = SubQueryData.random(random);
    Set<SubQueryFeature> features = generator.features;
    if (generator.depth > 0) {
      features.add(SubQueryFeature.depth(generator.depth));
    }
    if (generator.tables.stream().anyMatch(data::isEmpty)) {
      features.add(EMPTY_TABLE);
    }
    List<String> emptiable = generator.tables.stream().filter(t -> !data.isEmpty(t)).toList();
    List<String> candidates = emptiable.isEmpty() ? List.copyOf(generator.tables) : emptiable;
    String emptied = candidates.get(random.nextInt(candidates.size()));
    return new SubQueryCase(seed, sql, features, generator.depth, generator.tables, data, emptied);
  }

  // ---- the outer query ---------------------------------------------------------------------------

  private String query() {
    From from = from(false, true);
    Level level = from.level();
    List<String> where = new ArrayList<>();
    from.joinCondition().ifPresent(where::add);
    if (random.nextInt(8) != 0) {
      where.add(condition(List.of(level), random.nextInt(6) == 0 ? 3 : 1 + random.nextInt(2), true));
    }
    boolean grouped = random.nextInt(4) == 0;
    List<String> items = new ArrayList<>();
    String tail = "";
    if (grouped) {
      features.add(GROUP_BY);
      List<Col> keys = distinctColumns(level, 1 + random.nextInt(2));
      keys.forEach(k -> items.add(k.sql()));
      List<Level> groupedChain = List.of(new Level(keys, keys.stream().filter(Col::qualified).toList()));
      for (int i = 1 + random.nextInt(2); i > 0; i--) {
        items.add(aggregate(level, level.hasText() && random.nextInt(4) == 0).sql());
      }
      if (random.nextInt(8) == 0) {
        features.add(SCALAR_IN_SELECT);
        items.add("(" + subQuery(groupedChain, Kind.SCALAR, false) + ")");
      }
      tail = " GROUP BY " + keys.stream().map(Col::sql).collect(Collectors.joining(", "));
      if (random.nextBoolean()) {
        features.add(HAVING);
        tail += " HAVING " + having(level, groupedChain);
      }
    } else {
      distinctColumns(level, 1 + random.nextInt(3)).forEach(c -> items.add(c.sql()));
      if (random.nextInt(5) == 0) {
        features.add(SCALAR_IN_SELECT);
        boolean text = random.nextInt(4) == 0;
        items.add("(" + subQuery(List.of(level), Kind.SCALAR, text) + ")");
      }
      if (random.nextInt(6) == 0) {
        features.add(EXISTS_IN_SELECT);
        items.add("EXISTS (" + subQuery(List.of(level), Kind.EXISTS, false) + ")");
      }
    }
    List<String> aliased = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      aliased.add(items.get(i) + " AS c" + (i + 1));
    }
    return "SELECT " + String.join(", ", aliased) + " FROM " + from.sql() + where(where) + tail;
  }

  /**
   * {@code n} columns of the level (fewer if it has fewer), a merged USING/NATURAL column first when
   * there is one: it is named unqualified, which is what such joins are for.
   */
  private List<Col> distinctColumns(Level level, int n) {
    List<Col> pool = new ArrayList<>(level.columns());
    List<Col> out = new ArrayList<>();
    if (!pool.get(0).qualified()) {
      out.add(pool.remove(0));
    }
    while (out.size() < n && !pool.isEmpty()) {
      out.add(pool.remove(random.nextInt(pool.size())));
    }
    return out;
  }

  /** A HAVING condition: an aggregate compared with a literal, with a scalar sub-query, or an EXISTS. */
  private String having(Level level, List<Level> groupedChain) {
    int roll = random.nextInt(10);
    if (roll < 6) {
      Col aggregate = aggregate(level, level.hasText() && random.nextInt(4) == 0);
      return aggregate.sql() + " " + operator() + " " + literal(aggregate.text());
    }
    features.add(IN_HAVING);
    if (roll < 9) {
      Col aggregate = aggregate(level, level.hasText() && random.nextInt(4) == 0);
      return aggregate.sql() + " " + operator() + " (" + subQuery(groupedChain, Kind.SCALAR, aggregate.text()) + ")";
    }
    features.add(EXISTS);
    return "EXISTS (" + subQuery(groupedChain, Kind.EXISTS, false) + ")";
  }

  // ---- FROM --------------------------------------------------------------------------------------

  /**
   * One aliased table, or two joined: {@code JOIN … ON} an equality, {@code [LEFT] JOIN … USING},
   * {@code NATURAL JOIN} (a cross join when the tables share no column), {@code LEFT JOIN … ON}, or
   * {@code FROM x, y} with the equality left for WHERE. {@code needText}: the first table has a text
   * column, for a sub-query that must return text.
   */
  private From from(boolean needText, boolean top) {
    List<SubQueryTable> firsts = needText
        ? SubQueryTable.ALL.stream().filter(SubQueryTable::hasText).toList() : SubQueryTable.ALL;
    SubQueryTable left = pick(firsts);
    String leftSql = alias(left);
    List<Col> leftColumns = qualified(left, leftSql);
    if (random.nextInt(10) < (top ? 5 : 7)) {
      return new From(left.name() + " " + leftSql, new Level(leftColumns, leftColumns), Optional.empty());
    }
    SubQueryTable right = pick(SubQueryTable.ALL);
    String rightSql = alias(right);
    List<Col> rightColumns = qualified(right, rightSql);
    List<Col> both = Stream.concat(leftColumns.stream(), rightColumns.stream()).toList();
    String tables = left.name() + " " + leftSql;
    String other = right.name() + " " + rightSql;
    List<SubQueryTable.Column> common = left.commonColumns(right);
    int roll = random.nextInt(10);
    if (roll < 2 && !common.isEmpty()) {
      features.add(USING);
      List<SubQueryTable.Column> using = random.nextInt(3) == 0 ? common : List.of(pick(common));
      String join = " JOIN ";
      if (random.nextInt(4) == 0) {
        features.add(LEFT_JOIN);
        join = " LEFT JOIN ";
      }
      return merged(tables + join + other + " USING ("
          + using.stream().map(SubQueryTable.Column::name).collect(Collectors.joining(", ")) + ")", using, both);
    }
    if (roll < 4) {
      features.add(NATURAL);
      return merged(tables + " NATURAL JOIN " + other, common, both);
    }
    if (roll < 5) {
      features.add(COMMA_JOIN);
      Optional<String> condition = random.nextInt(10) == 0 ? Optional.empty()
          : Optional.of(equality(leftColumns, rightColumns));
      return new From(tables + ", " + other, new Level(both, both), condition);
    }
    String join = " JOIN ";
    if (roll < 6) {
      features.add(LEFT_JOIN);
      join = " LEFT JOIN ";
    } else {
      features.add(JOIN_ON);
    }
    String on = equality(leftColumns, rightColumns);
    if (random.nextInt(5) == 0) {
      Col col = pick(rightColumns);
      on += " AND " + col.sql() + " " + operator() + " " + literal(col.text());
    }
    return new From(tables + join + other + " ON " + on, new Level(both, both), Optional.empty());
  }

  /** A USING or NATURAL join: its merged columns are named unqualified, listed first. */
  private static From merged(String sql, List<SubQueryTable.Column> merged, List<Col> qualified) {
    List<Col> columns = Stream.concat(merged.stream().map(c -> new Col(c.name(), c.text(), false)),
        qualified.stream()).toList();
    return new From(sql, new Level(columns, qualified), Optional.empty());
  }

  /** {@code l = r} over columns of one type, the same name more often than not. */
  private String equality(List<Col> left, List<Col> right) {
    List<Col[]> pairs = new ArrayList<>();
    List<Col[]> sameName = new ArrayList<>();
    for (Col l : left) {
      for (Col r : right) {
        if (l.text() == r.text()) {
          pairs.add(new Col[] {l, r});
          if (name(l).equals(name(r))) {
            sameName.add(new Col[] {l, r});
          }
        }
      }
    }
    Col[] pair = !sameName.isEmpty() && random.nextInt(5) < 3 ? pick(sameName) : pick(pairs);
    return pair[0].sql() + " = " + pair[1].sql();
  }

  private static String name(Col col) {
    return col.sql().substring(col.sql().indexOf('.') + 1);
  }

  private String alias(SubQueryTable table) {
    tables.add(table.name());
    return "t" + ++aliases;
  }

  private static List<Col> qualified(SubQueryTable table, String alias) {
    return table.columns().stream().map(c -> new Col(alias + "." + c.name(), c.text(), true)).toList();
  }

  // ---- conditions --------------------------------------------------------------------------------

  /**
   * A condition of {@code atoms} atoms over the innermost level of {@code chain} (the outer levels are
   * there to correlate to), combined with AND, OR and NOT. With {@code wantSubQuery}, one atom is a
   * sub-query predicate if the depth budget allows; others are, one time in four.
   */
  private String condition(List<Level> chain, int atoms, boolean wantSubQuery) {
    int forced = wantSubQuery ? random.nextInt(atoms) : -1;
    return condition(chain, 0, atoms, forced, EnumSet.noneOf(Connective.class));
  }

  private String condition(List<Level> chain, int first, int count, int forced, Set<Connective> path) {
    boolean negate = random.nextInt(count == 1 ? 10 : 6) == 0;
    Set<Connective> inner = negate ? with(path, Connective.NOT) : path;
    String text;
    if (count == 1) {
      text = atom(chain, first == forced, inner);
    } else {
      int left = 1 + random.nextInt(count - 1);
      Connective connective = random.nextInt(5) < 3 ? Connective.AND : Connective.OR;
      Set<Connective> below = with(inner, connective);
      text = "(" + condition(chain, first, left, forced, below) + " " + connective + " "
          + condition(chain, first + left, count - left, forced, below) + ")";
    }
    return negate ? "NOT " + (count == 1 ? "(" + text + ")" : text) : text;
  }

  private static Set<Connective> with(Set<Connective> path, Connective connective) {
    Set<Connective> out = EnumSet.noneOf(Connective.class);
    out.addAll(path);
    out.add(connective);
    return out;
  }

  private String atom(List<Level> chain, boolean forceSubQuery, Set<Connective> path) {
    boolean subQuery = chain.size() <= budget && (forceSubQuery || random.nextInt(4) == 0);
    if (!subQuery) {
      return simple(chain.get(chain.size() - 1));
    }
    for (Connective c : path) {
      features.add(switch (c) {
        case AND -> UNDER_AND;
        case OR -> UNDER_OR;
        case NOT -> UNDER_NOT;
      });
    }
    return subQueryPredicate(chain);
  }

  /** A comparison with a literal or another column, or a NULL test. */
  private String simple(Level level) {
    Col col = pick(level.columns());
    return switch (random.nextInt(6)) {
      case 0 -> col.sql() + " IS NULL";
      case 1 -> col.sql() + " IS NOT NULL";
      case 2, 3 -> col.sql() + " " + operator() + " " + literal(col.text());
      default -> col.sql() + " " + operator() + " " + pick(level.ofType(col.text())).sql();
    };
  }

  /** [NOT] EXISTS, [NOT] IN or a comparison with a scalar sub-query, nested one level below chain. */
  private String subQueryPredicate(List<Level> chain) {
    Level level = chain.get(chain.size() - 1);
    int roll = random.nextInt(6);
    if (roll < 2) {
      boolean not = roll == 1;
      features.add(not ? NOT_EXISTS : EXISTS);
      return (not ? "NOT EXISTS (" : "EXISTS (") + subQuery(chain, Kind.EXISTS, false) + ")";
    }
    Col col = pick(level.columns());
    if (roll < 4) {
      boolean not = roll == 3;
      features.add(not ? NOT_IN : IN);
      return col.sql() + (not ? " NOT IN (" : " IN (") + subQuery(chain, Kind.IN, col.text()) + ")";
    }
    features.add(SCALAR_IN_WHERE);
    return col.sql() + " " + operator() + " (" + subQuery(chain, Kind.SCALAR, col.text()) + ")";
  }

  // ---- sub-queries -------------------------------------------------------------------------------

  /**
   * A sub-query one level below {@code chain}: its own FROM, a correlation to the parent or an older
   * ancestor half of the time, and more conditions, holding a nested sub-query while the budget lasts.
   * {@code text}: the type an IN or scalar sub-query returns. A scalar sub-query is an aggregate without
   * GROUP BY, so it returns exactly one row whatever the data.
   */
  private String subQuery(List<Level> chain, Kind kind, boolean text) {
    int level = chain.size();
    depth = Math.max(depth, level);
    From from = from(kind != Kind.EXISTS && text, false);
    List<Level> inner = Stream.concat(chain.stream(), Stream.of(from.level())).toList();
    List<String> where = new ArrayList<>();
    from.joinCondition().ifPresent(where::add);
    Optional<String> correlation = random.nextBoolean() ? correlation(chain, from.level()) : Optional.empty();
    correlation.ifPresent(where::add);
    features.add(correlation.isPresent() ? CORRELATED : UNCORRELATED);
    boolean nest = level < budget && random.nextInt(3) != 0;
    if (nest || random.nextInt(5) < 2) {
      where.add(condition(inner, random.nextInt(4) == 0 ? 2 : 1, nest));
    }
    String select = switch (kind) {
      case EXISTS -> random.nextInt(3) == 0 ? pick(from.level().columns()).sql() : "1";
      case IN -> pick(from.level().ofType(text)).sql();
      case SCALAR -> aggregate(from.level(), text).sql();
    };
    String tail = "";
    if (kind == Kind.IN && random.nextInt(8) == 0) {
      features.add(GROUP_BY_IN_SUB_QUERY);
      tail = " GROUP BY " + select + (random.nextBoolean() ? " HAVING count(*) > 1" : "");
    }
    return "SELECT " + select + " FROM " + from.sql() + where(where) + tail;
  }

  /**
   * {@code inner op outer} for a column of an enclosing level: the parent, or (two times in five, when
   * there is one) an older ancestor, which a decorrelator must carry through the level between. Mostly
   * an equality; sometimes another comparison, or {@code OR outer IS NULL}. Empty when no enclosing
   * level has a column this sub-query may name.
   */
  private Optional<String> correlation(List<Level> chain, Level inner) {
    int parent = chain.size() - 1;
    int target = parent >= 1 && random.nextInt(5) < 2 ? random.nextInt(parent) : parent;
    if (chain.get(target).correlatable().isEmpty()) {
      target = parent;
    }
    List<Col> outer = chain.get(target).correlatable().stream()
        .filter(c -> !c.text() || inner.hasText()).toList();
    if (outer.isEmpty()) {
      return Optional.empty();
    }
    if (target < parent) {
      features.add(CORRELATED_TO_GRANDPARENT);
    }
    Col o = pick(outer);
    Col i = pick(inner.ofType(o.text()));
    String predicate = i.sql() + " " + (random.nextInt(4) == 0 ? operator() : "=") + " " + o.sql();
    return Optional.of(random.nextInt(8) == 0 ? "(" + predicate + " OR " + o.sql() + " IS NULL)" : predicate);
  }

  // ---- expressions -------------------------------------------------------------------------------

  /** An aggregate over the level's columns: min/max of text when {@code text}, else count/sum/min/max of int. */
  private Col aggregate(Level level, boolean text) {
    if (text) {
      return new Col((random.nextBoolean() ? "min(" : "max(") + pick(level.ofType(true)).sql() + ")", true, false);
    }
    String sql = switch (random.nextInt(5)) {
      case 0 -> "count(*)";
      case 1 -> "count(" + pick(level.columns()).sql() + ")";
      case 2 -> "sum(" + pick(level.ofType(false)).sql() + ")";
      case 3 -> "min(" + pick(level.ofType(false)).sql() + ")";
      default -> "max(" + pick(level.ofType(false)).sql() + ")";
    };
    return new Col(sql, false, false);
  }

  private String literal(boolean text) {
    return text ? (random.nextBoolean() ? "'x'" : "'y'") : Integer.toString(random.nextInt(4));
  }

  private String operator() {
    return random.nextInt(3) == 0 ? "=" : pick(OPERATORS);
  }

  private static String where(List<String> conjuncts) {
    return conjuncts.isEmpty() ? "" : " WHERE " + String.join(" AND ", conjuncts);
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
