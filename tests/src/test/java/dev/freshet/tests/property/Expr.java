package dev.freshet.tests.property;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** A typed scalar expression of a generated query or statement; renders as PostgreSQL SQL. */
sealed interface Expr {

  String sql();

  ColType type();

  /** Adds the constructs this expression uses. */
  void constructs(Set<Construct> out);

  /**
   * The expression as an operand of a comparison, IS, LIKE, IN or BETWEEN: in parentheses unless it
   * is a column, a literal or already bracketed ({@code a = b <> true} is a syntax error, and
   * {@code NOT x = y} means {@code NOT (x = y)}). A cast needs none: {@code ::} binds tightest.
   */
  static String operand(Expr e) {
    boolean bracketed = e instanceof Col || e instanceof Lit || e instanceof Arith || e instanceof Logic
        || e instanceof Coalesce || e instanceof Case || e instanceof Cast || e instanceof AggRef
        || e instanceof Subquery;
    return bracketed ? e.sql() : "(" + e.sql() + ")";
  }

  /** True if {@code e} reads a column or a row (an aggregate, a sub-query); false for a constant. */
  static boolean readsColumn(Expr e) {
    return switch (e) {
      case Col c -> true;
      case Lit l -> false;
      case AggRef a -> true;
      case Subquery s -> true;
      case Arith a -> readsColumn(a.left()) || readsColumn(a.right());
      case Cast c -> readsColumn(c.inner());
      case Coalesce c -> readsColumn(c.inner()) || readsColumn(c.fallback());
      case Case c -> readsColumn(c.when()) || readsColumn(c.then()) || c.otherwise() != null && readsColumn(c.otherwise());
      case Cmp c -> readsColumn(c.left()) || readsColumn(c.right());
      case Logic l -> readsColumn(l.left()) || readsColumn(l.right());
      case Not n -> readsColumn(n.inner());
      case IsNull n -> readsColumn(n.inner());
      case Like l -> readsColumn(l.inner());
      case InList i -> readsColumn(i.inner()) || i.items().stream().anyMatch(Expr::readsColumn);
      case Between b -> readsColumn(b.inner()) || readsColumn(b.low()) || readsColumn(b.high());
    };
  }

  /** A column, qualified by its table alias (or unqualified when {@code qualifier} is null). */
  record Col(String qualifier, Schema.Column column) implements Expr {
    @Override
    public String sql() {
      return qualifier == null ? column.name() : qualifier + "." + column.name();
    }

    @Override
    public ColType type() {
      return column.type();
    }

    @Override
    public void constructs(Set<Construct> out) {
    }
  }

  /** A literal of the value domain, or a typed NULL. */
  record Lit(ColType type, String text) implements Expr {
    static Lit nullOf(ColType type) {
      return new Lit(type, type.nullLiteral());
    }

    @Override
    public String sql() {
      return text;
    }

    @Override
    public void constructs(Set<Construct> out) {
    }
  }

  /**
   * An aggregate call where a grouped query may name one: in HAVING ({@code count(*) > 1}), or as a
   * derived table's output column.
   */
  record AggRef(Query.AggCall call) implements Expr {
    @Override
    public String sql() {
      return call.sql(); // a call, or a finisher that is a call or bracketed
    }

    @Override
    public ColType type() {
      return call.resultType();
    }

    @Override
    public void constructs(Set<Construct> out) {
      call.constructs(out);
    }
  }

  /** An uncorrelated scalar sub-query as a select item: {@code (SELECT max(q.i0) FROM t2 q) AS c2}. */
  record Subquery(Query.ScalarSubquery subquery) implements Expr {
    @Override
    public String sql() {
      return subquery.sql();
    }

    @Override
    public ColType type() {
      return subquery.type();
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.SCALAR_SUBQUERY_IN_SELECT);
      subquery.constructs(out);
    }
  }

  /**
   * {@code +}, {@code -}, {@code *} on numbers, {@code date ± int}, {@code date - date}, {@code ||}, and
   * {@code jsonb ->> key} (text).
   */
  record Arith(String op, Expr left, Expr right, ColType type) implements Expr {
    @Override
    public String sql() {
      return "(" + left.sql() + " " + op + " " + right.sql() + ")";
    }

    @Override
    public void constructs(Set<Construct> out) {
      if (op.equals("||")) {
        out.add(Construct.CONCAT);
      } else if (op.equals("->>")) {
        out.add(Construct.JSON_OPERATOR);
      } else if (left.type() == ColType.DATE || right.type() == ColType.DATE) {
        out.add(Construct.DATE_ARITHMETIC);
      } else {
        out.add(Construct.ARITHMETIC);
      }
      left.constructs(out);
      right.constructs(out);
    }
  }

  record Cast(Expr inner, ColType type, boolean colonSyntax) implements Expr {
    /**
     * The operand of {@code ::}, bare when PostgreSQL casts exactly it ({@code a.i0::text},
     * {@code (a.i0 + 1)::text}), so that {@code ::} meets other operators unbracketed: {@code (x + a.i0::numeric)}.
     * A negative literal is bracketed: {@code -1::text} is {@code -(1::text)}.
     */
    private static String colonOperand(Expr inner) {
      boolean primary = inner instanceof Col || inner instanceof Arith
          || inner instanceof Lit l && !l.sql().startsWith("-");
      return primary ? inner.sql() : "(" + inner.sql() + ")";
    }

    @Override
    public String sql() {
      return colonSyntax ? colonOperand(inner) + "::" + type.castName()
          : "CAST(" + inner.sql() + " AS " + type.castName() + ")";
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.CAST);
      inner.constructs(out);
    }
  }

  record Coalesce(Expr inner, Expr fallback) implements Expr {
    @Override
    public String sql() {
      return "COALESCE(" + inner.sql() + ", " + fallback.sql() + ")";
    }

    @Override
    public ColType type() {
      return inner.type();
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.COALESCE);
      inner.constructs(out);
      fallback.constructs(out);
    }
  }

  /** {@code CASE WHEN … THEN … ELSE … END}; without ELSE (NULL) when {@code otherwise} is null. */
  record Case(Expr when, Expr then, Expr otherwise) implements Expr {
    @Override
    public String sql() {
      return "CASE WHEN " + when.sql() + " THEN " + then.sql() + (otherwise == null ? "" : " ELSE " + otherwise.sql())
          + " END";
    }

    @Override
    public ColType type() {
      return then.type();
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.CASE);
      when.constructs(out);
      then.constructs(out);
      if (otherwise != null) {
        otherwise.constructs(out);
      }
    }
  }

  record Cmp(String op, Expr left, Expr right) implements Expr {
    @Override
    public String sql() {
      return operand(left) + " " + op + " " + operand(right);
    }

    @Override
    public ColType type() {
      return ColType.BOOL;
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.COMPARISON);
      left.constructs(out);
      right.constructs(out);
    }
  }

  /** AND / OR. */
  record Logic(String op, Expr left, Expr right) implements Expr {
    @Override
    public String sql() {
      return "(" + left.sql() + " " + op + " " + right.sql() + ")";
    }

    @Override
    public ColType type() {
      return ColType.BOOL;
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(op.equals("AND") ? Construct.AND : Construct.OR);
      left.constructs(out);
      right.constructs(out);
    }
  }

  record Not(Expr inner) implements Expr {
    @Override
    public String sql() {
      return "NOT (" + inner.sql() + ")";
    }

    @Override
    public ColType type() {
      return ColType.BOOL;
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.NOT);
      inner.constructs(out);
    }
  }

  record IsNull(Expr inner, boolean negated) implements Expr {
    @Override
    public String sql() {
      return operand(inner) + (negated ? " IS NOT NULL" : " IS NULL");
    }

    @Override
    public ColType type() {
      return ColType.BOOL;
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.IS_NULL);
      inner.constructs(out);
    }
  }

  record Like(Expr inner, String pattern, boolean negated) implements Expr {
    @Override
    public String sql() {
      return operand(inner) + (negated ? " NOT LIKE " : " LIKE ") + pattern;
    }

    @Override
    public ColType type() {
      return ColType.BOOL;
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.LIKE);
      inner.constructs(out);
    }
  }

  record InList(Expr inner, List<Expr> items) implements Expr {
    @Override
    public String sql() {
      return operand(inner) + " IN (" + items.stream().map(Expr::sql).collect(Collectors.joining(", ")) + ")";
    }

    @Override
    public ColType type() {
      return ColType.BOOL;
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.IN_LIST);
      inner.constructs(out);
    }
  }

  record Between(Expr inner, Expr low, Expr high) implements Expr {
    @Override
    public String sql() {
      return operand(inner) + " BETWEEN " + operand(low) + " AND " + operand(high);
    }

    @Override
    public ColType type() {
      return ColType.BOOL;
    }

    @Override
    public void constructs(Set<Construct> out) {
      out.add(Construct.BETWEEN);
      inner.constructs(out);
    }
  }
}
