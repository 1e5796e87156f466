package dev.freshet.planner.parse;

import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.types.PostgresNamedType;
import java.util.EnumSet;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlValidator;

/**
 * Refuses what Calcite's simplifier would decide about constants of a type Freshet carries by name
 * (jsonb, enums, inet, ranges, citext, …: {@link PostgresNamedType}) from their text, not as PostgreSQL
 * compares them:
 * <ul>
 *   <li>an ordering comparison ({@code <}, {@code <=}, {@code >}, {@code >=}, {@code BETWEEN}) with a
 *       constant: {@code mood BETWEEN 'sad' AND 'happy'} (enum order sad, ok, happy) was planned as no rows,
 *       since 'sad' &gt; 'happy' as text;</li>
 *   <li>one expression compared for equality with two or more different constants, other than in one
 *       {@code IN} list: {@code doc = '1'::jsonb AND doc = '1.0'::jsonb} was planned as no rows, and
 *       {@code ip = '10.0.0.1'::inet AND ip <> '10.0.0.1/32'::inet} as {@code ip = '10.0.0.1'}: different
 *       texts, equal values.</li>
 * </ul>
 * The create-time plan check sees such a difference only when the data shows it (never on an empty table),
 * so the query is refused (FR001; AUTO runs it as written) until such constants are opaque to the
 * simplifier. Comparing with a column, or with one constant, is not affected.
 */
public final class NamedTypeConstantCheck extends SqlBasicVisitor<Void> {

  private static final Set<SqlKind> ORDERING = EnumSet.of(SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL,
      SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL, SqlKind.BETWEEN);

  private static final Set<SqlKind> EQUALITY = EnumSet.of(SqlKind.EQUALS, SqlKind.NOT_EQUALS);
  private static final Set<SqlKind> LISTS = EnumSet.of(SqlKind.IN, SqlKind.NOT_IN);

  private final SqlValidator validator;
  private final String sql;
  private final InfixCasts.Rewritten text;
  /** Per expression of a named type (its text) in the current SELECT: the constants it is compared with. */
  private java.util.Map<String, java.util.Set<String>> constants = new java.util.HashMap<>();
  /** Per such expression: the IN lists and single comparisons it appears in. */
  private java.util.Map<String, Integer> uses = new java.util.HashMap<>();
  /** Per such expression: its type and the last comparison naming it, for the refusal. */
  private java.util.Map<String, SqlCall> lastUse = new java.util.HashMap<>();

  private NamedTypeConstantCheck(SqlValidator validator, String sql, InfixCasts.Rewritten text) {
    this.validator = validator;
    this.sql = sql;
    this.text = text;
  }

  /** Throws {@link UnsupportedQueryException} at the first such comparison of the validated query. */
  public static void check(SqlNode validated, SqlValidator validator, String sql, InfixCasts.Rewritten text) {
    NamedTypeConstantCheck check = new NamedTypeConstantCheck(validator, sql, text);
    validated.accept(check);
    check.refuseSeveralConstants();
  }

  private void refuseSeveralConstants() {
    for (var e : constants.entrySet()) {
      if (e.getValue().size() >= 2 && uses.getOrDefault(e.getKey(), 0) >= 2) {
        SqlCall at = lastUse.get(e.getKey());
        String what = ((PostgresNamedType) firstNamed(at)).postgresName();
        throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_FUNCTION,
            text.original(SourcePosition.of(at.getParserPosition())),
            "a value of type " + what + " compared with " + e.getValue().size() + " different constants outside one "
                + "IN list is not maintained yet: Freshet's planner would compare the constants by their text, not "
                + "as PostgreSQL compares " + what + " (different texts may be equal values)",
            "use --mode FULL or AUTO: PostgreSQL runs the query as written; or one IN (…) list"), sql, null);
      }
    }
  }

  /** Notes {@code expr = constant}, {@code expr <> constant} and {@code expr [NOT] IN (constants)}. */
  private void noteEquality(SqlCall call) {
    SqlNode left = call.operand(0);
    SqlNode right = call.operand(1);
    if (left == null || right == null) {
      return;
    }
    if (LISTS.contains(call.getKind())) {
      if (right instanceof org.apache.calcite.sql.SqlNodeList list && typeOf(left) instanceof PostgresNamedType
          && !mentionsColumn(right)) {
        String key = left.toString();
        list.forEach(item -> constants.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(item.toString()));
        uses.merge(key, 1, Integer::sum);
        lastUse.put(key, call);
      }
      return;
    }
    for (SqlNode[] pair : new SqlNode[][] {{left, right}, {right, left}}) {
      if (typeOf(pair[0]) instanceof PostgresNamedType && mentionsColumn(pair[0]) && !mentionsColumn(pair[1])) {
        String key = pair[0].toString();
        constants.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(pair[1].toString());
        uses.merge(key, 1, Integer::sum);
        lastUse.put(key, call);
        return;
      }
    }
  }

  @Override
  public Void visit(SqlCall call) {
    if (call.getKind() == SqlKind.SELECT) { // each SELECT is simplified on its own: its own constants
      var outerConstants = constants;
      var outerUses = uses;
      var outerLastUse = lastUse;
      constants = new java.util.HashMap<>();
      uses = new java.util.HashMap<>();
      lastUse = new java.util.HashMap<>();
      super.visit(call);
      refuseSeveralConstants();
      constants = outerConstants;
      uses = outerUses;
      lastUse = outerLastUse;
      return null;
    }
    if (EQUALITY.contains(call.getKind()) || LISTS.contains(call.getKind())) {
      noteEquality(call);
    }
    if (ORDERING.contains(call.getKind())) {
      boolean named = false;
      boolean constant = false;
      for (SqlNode operand : call.getOperandList()) {
        if (operand == null || !(operand instanceof SqlCall || operand instanceof SqlIdentifier
            || operand.getKind() == SqlKind.LITERAL)) {
          continue;
        }
        RelDataType type = typeOf(operand);
        named |= type instanceof PostgresNamedType;
        constant |= !(operand instanceof SqlIdentifier) && !mentionsColumn(operand);
      }
      if (named && constant) {
        String what = ((PostgresNamedType) firstNamed(call)).postgresName();
        throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_FUNCTION,
            text.original(SourcePosition.of(call.getParserPosition())),
            "comparing a value of type " + what + " with a constant by order ("
                + (call.getKind() == SqlKind.BETWEEN ? "BETWEEN" : call.getOperator().getName())
                + ") is not maintained yet: Freshet's planner would order the constants by their text, not as "
                + "PostgreSQL orders " + what,
            "use --mode FULL or AUTO: PostgreSQL runs the query as written"), sql, null);
      }
    }
    return super.visit(call);
  }

  private RelDataType typeOf(SqlNode operand) {
    try {
      return validator.getValidatedNodeTypeIfKnown(operand);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private RelDataType firstNamed(SqlCall call) {
    for (SqlNode operand : call.getOperandList()) {
      RelDataType type = operand == null ? null : typeOf(operand);
      if (type instanceof PostgresNamedType) {
        return type;
      }
    }
    throw new IllegalStateException("no operand of a named type in " + call);
  }

  private static boolean mentionsColumn(SqlNode node) {
    Boolean found = node.accept(new SqlBasicVisitor<Boolean>() {
      @Override
      public Boolean visit(SqlIdentifier id) {
        return true;
      }

      @Override
      public Boolean visit(SqlCall call) {
        for (SqlNode operand : call.getOperandList()) {
          if (operand != null && Boolean.TRUE.equals(operand.accept(this))) {
            return true;
          }
        }
        return false;
      }
    });
    return Boolean.TRUE.equals(found);
  }
}
