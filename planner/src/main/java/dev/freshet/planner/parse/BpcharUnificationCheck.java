package dev.freshet.planner.parse;

import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlQualified;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorNamespace;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Refuses a union column, {@code CASE}, {@code COALESCE}, {@code GREATEST} or {@code LEAST} that PostgreSQL
 * types {@code character} ({@code bpchar}: trailing blanks ignored when comparing and ordering, kept when
 * stored) where Calcite's planner types it VARCHAR (text) and casts the char(n) value to text, which drops
 * its trailing blanks. PostgreSQL takes the type of the mix's first value that is not a string constant;
 * Calcite, which holds string constants as CHAR too and cannot tell them from a char(n) column, makes any
 * mix of CHAR lengths or of CHAR with VARCHAR VARCHAR. {@code SELECT l FROM t UNION ALL SELECT 'a ' … ORDER
 * BY 1 LIMIT 3} ranked {@code 'a '} above {@code 'a'} and was stale right after the create (property soak
 * 211); {@code COALESCE(l, s)} (l char(3), s text) stored {@code 'a  '} as {@code 'a'}, which the next
 * refresh could not find. Mixes both type alike ({@code COALESCE(s, l)}, constants of the column's
 * length, constants alone) stay maintained.
 */
public final class BpcharUnificationCheck extends SqlBasicVisitor<Void> {

  private final SqlValidator validator;
  private final String sql;
  private final InfixCasts.Rewritten text;
  /** The SELECTs around the node visited, innermost first: where its column references resolve. */
  private final Deque<SqlSelect> selects = new ArrayDeque<>();

  private BpcharUnificationCheck(SqlValidator validator, String sql, InfixCasts.Rewritten text) {
    this.validator = validator;
    this.sql = sql;
    this.text = text;
  }

  /** Throws {@link UnsupportedQueryException} (FR003) at the first such mix in {@code validated}. */
  public static void check(SqlNode validated, SqlValidator validator, String sql, InfixCasts.Rewritten text) {
    validated.accept(new BpcharUnificationCheck(validator, sql, text));
  }

  @Override
  public Void visit(SqlCall call) {
    if (call instanceof SqlSelect select) {
      selects.push(select);
      try {
        return super.visit(call);
      } finally {
        selects.pop();
      }
    }
    switch (call.getKind()) {
      case UNION, INTERSECT, EXCEPT -> checkSetOperation(call);
      case CASE -> {
        SqlCase caseCall = (SqlCase) call;
        // PostgreSQL resolves a CASE's type from its ELSE first, then its THENs in order; a COALESCE (which
        // Calcite's validator rewrote into a CASE) from its arguments in order
        List<SqlNode> values = new ArrayList<>();
        if (isRewrittenCoalesce(caseCall)) {
          values.addAll(caseCall.getThenOperands().getList());
          values.add(caseCall.getElseOperand());
        } else {
          values.add(caseCall.getElseOperand());
          values.addAll(caseCall.getThenOperands().getList());
        }
        checkValues(call, values);
      }
      case COALESCE, GREATEST, LEAST, GREATEST_PG, LEAST_PG -> checkValues(call, call.getOperandList());
      default -> { }
    }
    return super.visit(call);
  }

  private void checkSetOperation(SqlCall call) {
    RelDataType rowType = validator.getValidatedNodeTypeIfKnown(call);
    if (rowType == null) {
      return;
    }
    for (int i = 0; i < rowType.getFieldCount(); i++) {
      if (rowType.getFieldList().get(i).getType().getSqlTypeName() != SqlTypeName.VARCHAR) {
        continue;
      }
      List<Operand> operands = new ArrayList<>();
      collectColumn(call, i, operands);
      if (isBpcharMix(operands)) {
        refuse(call, "column " + (i + 1) + " of this " + call.getKind().sql);
      }
    }
  }

  /** The expressions that make column {@code i} of a set operation's branches. */
  private void collectColumn(SqlNode branch, int i, List<Operand> out) {
    if (branch instanceof SqlOrderBy orderBy) {
      collectColumn(orderBy.query, i, out);
    } else if (branch instanceof SqlSelect select) {
      selects.push(select); // its items' names resolve in its own FROM
      Operand item;
      try {
        item = operand(select.getSelectList().get(i));
      } finally {
        selects.pop();
      }
      if (item.type() == null) { // a column reference, typed in its select's scope
        item = new Operand(item.node(), validator.deriveType(validator.getSelectScope(select), item.node()),
            item.text());
      }
      out.add(item);
    } else if (branch.getKind() == SqlKind.VALUES) {
      for (SqlNode row : ((SqlCall) branch).getOperandList()) {
        out.add(operand(((SqlCall) row).operand(i)));
      }
    } else if (branch instanceof SqlCall setOperation && setOperation.getKind().belongsTo(SqlKind.SET_QUERY)) {
      for (SqlNode operand : setOperation.getOperandList()) {
        collectColumn(operand, i, out);
      }
    } else {
      out.add(new Operand(branch, null, false)); // a form not looked into: nothing refused for it
    }
  }

  private void checkValues(SqlCall call, List<SqlNode> values) {
    RelDataType type = validator.getValidatedNodeTypeIfKnown(call);
    if (type == null || type.getSqlTypeName() != SqlTypeName.VARCHAR) {
      return;
    }
    List<Operand> operands = new ArrayList<>();
    for (SqlNode value : values) {
      if (value != null) {
        operands.add(operand(value));
      }
    }
    if (isBpcharMix(operands)) {
      refuse(call, "this " + call.getOperator().getName());
    }
  }

  /**
   * Whether {@code caseCall} is Calcite's rewrite of {@code COALESCE(a, b, …)}: {@code CASE WHEN a IS NOT NULL
   * THEN a … ELSE last END}, each WHEN given the COALESCE's own position (one the user wrote has its own).
   */
  private static boolean isRewrittenCoalesce(SqlCase caseCall) {
    for (SqlNode when : caseCall.getWhenOperands()) {
      if (when.getKind() != SqlKind.IS_NOT_NULL || !when.getParserPosition().equals(caseCall.getParserPosition())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether PostgreSQL types the mix {@code character} while Calcite made it VARCHAR: PostgreSQL takes the
   * type of its first value that is not a string constant or NULL ({@code COALESCE(l, s)} is character,
   * {@code COALESCE(s, l)} text; bpchar and text convert to each other implicitly, so neither wins), and
   * here that value is a char(n) one. A concatenation is text in PostgreSQL whatever its operands, though
   * Calcite types one of CHAR values CHAR ({@code 'b' || 'b'} is CHAR(2)): not a char(n) value (property soak
   * 419 refused {@code SELECT 'b' … UNION ALL SELECT ('b' || 'b') …}); nor is a value of string constants alone,
   * which PostgreSQL types text ({@link Operand#text}; soak 709 refused a union column of {@code CASE WHEN … THEN ''
   * ELSE '' END} beside {@code 'B'}).
   */
  private static boolean isBpcharMix(List<Operand> operandsInPostgresOrder) {
    for (Operand operand : operandsInPostgresOrder) {
      if (!(operand.node() instanceof SqlLiteral)) {
        return !operand.text() && operand.type() != null && operand.type().getSqlTypeName() == SqlTypeName.CHAR
            && !isConcatenation(operand.node());
      }
    }
    return false;
  }

  /** Whether {@code node} is {@code a || b}, which PostgreSQL types text (textcat, or anytextcat for bpchar). */
  private static boolean isConcatenation(SqlNode node) {
    return node instanceof SqlCall call && call.getOperator() == SqlStdOperatorTable.CONCAT;
  }

  private void refuse(SqlCall call, String where) {
    throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_CONSTRUCT,
        text.original(SourcePosition.of(call.getParserPosition())),
        where + " mixes a char(n) value with strings of other lengths: PostgreSQL gives it the type character, "
            + "which ignores trailing blanks, and Freshet's planner would make it text",
        "cast the strings to the column's type ('a '::char(3)), or the char(n) value to text (l::text); or use "
            + "--mode FULL or AUTO"), sql, null);
  }

  /**
   * {@code value} as written, with its type: without its alias and without the cast Calcite's type coercion
   * put around it to the mix's type (its type has no position in the text; one the user wrote has one).
   */
  private Operand operand(SqlNode value) {
    SqlNode node = written(value);
    return new Operand(node, validator.getValidatedNodeTypeIfKnown(node),
        !(node instanceof SqlLiteral) && isConstantsOnly(node));
  }

  /** {@code value} without its alias and the casts Calcite's type coercion put around it. */
  private static SqlNode written(SqlNode value) {
    SqlNode node = value;
    while (node.getKind() == SqlKind.AS || node.getKind() == SqlKind.CAST_NOT_NULL || node.getKind() == SqlKind.CAST
        && ((SqlCall) node).operand(1).getParserPosition().equals(SqlParserPos.ZERO)) {
      node = ((SqlCall) node).operand(0);
    }
    return node;
  }

  /**
   * Whether {@code node} is made of string constants alone, which PostgreSQL resolves to text where Calcite types
   * them CHAR: a constant or NULL, a CASE of such values ({@code CASE WHEN … THEN '' ELSE '' END}), a function or
   * aggregate of such ({@code min('a')}, soak 743), or a sub-query's column of such ({@link #isConstantsColumn}).
   */
  private boolean isConstantsOnly(SqlNode node) {
    return switch (node) {
      case SqlLiteral literal -> true;
      case SqlIdentifier id -> isConstantsColumn(id);
      case SqlCase caseCall -> {
        List<SqlNode> values = new ArrayList<>(caseCall.getThenOperands().getList());
        values.add(caseCall.getElseOperand());
        yield values.stream().allMatch(v -> v == null || isConstantsOnly(written(v)));
      }
      // a cast the user wrote ('a'::char(3)) gives its type; a sub-query is not looked into
      case SqlCall call when call.getKind() == SqlKind.CAST || call.getKind() == SqlKind.SCALAR_QUERY
          || call instanceof SqlSelect || call.getKind().belongsTo(SqlKind.QUERY) -> false;
      // a function or aggregate of constants alone (min('a'), COALESCE('a', 'b')): PostgreSQL resolves them to text
      case SqlCall call -> !call.getOperandList().isEmpty()
          && call.getOperandList().stream().allMatch(v -> v == null || isConstantsOnly(written(v)));
      default -> false;
    };
  }

  /**
   * Whether {@code id} names a column of a sub-query in FROM that is string constants (or NULL) in every branch:
   * Calcite types it CHAR, PostgreSQL text (unknown literals resolve to text in a sub-query's output and a union's
   * column). {@code COALESCE(u.c2, 'ab')} over {@code (SELECT 'B' AS c2 … UNION ALL VALUES ('a')) u} was refused as
   * a char(n) mix (property soaks 557, 709, 739).
   */
  private boolean isConstantsColumn(SqlIdentifier id) {
    SqlSelect select = selects.peek();
    if (select == null) {
      return false;
    }
    SqlQualified qualified;
    try {
      qualified = validator.getSelectScope(select).fullyQualify(id);
    } catch (RuntimeException e) {
      return false; // not resolved here (another clause's scope): typed as Calcite types it
    }
    SqlValidatorNamespace namespace = qualified.namespace;
    if (namespace == null || qualified.suffix().size() != 1 || namespace.getNode() == null) {
      return false;
    }
    SqlNode query = namespace.getNode();
    while (query.getKind() == SqlKind.AS) {
      query = ((SqlCall) query).operand(0);
    }
    if (!(query instanceof SqlSelect || query instanceof SqlOrderBy || query.getKind() == SqlKind.VALUES
        || query.getKind().belongsTo(SqlKind.SET_QUERY))) {
      return false; // a table: its char(n) column is one
    }
    RelDataTypeField field = namespace.getRowType().getField(qualified.suffix().getFirst(), true, false);
    if (field == null) {
      return false;
    }
    List<Operand> values = new ArrayList<>();
    collectColumn(query, field.getIndex(), values);
    return !values.isEmpty() && values.stream().allMatch(v -> v.node() instanceof SqlLiteral || v.text());
  }

  /**
   * One value of a mix, its type as Calcite derived it (null when not known here), and whether PostgreSQL types it
   * text for being made of string constants alone ({@link #isConstantsOnly}; a constant itself is not: PostgreSQL
   * resolves a mix's constants last).
   */
  private record Operand(SqlNode node, @Nullable RelDataType type, boolean text) { }
}
