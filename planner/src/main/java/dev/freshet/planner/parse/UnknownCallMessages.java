package dev.freshet.planner.parse;

import dev.freshet.planner.types.PostgresTypeWords;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Names a call Freshet's planner has no signature for as PostgreSQL names an operator or function in its
 * messages: {@code operator inet << unknown}, {@code function array_length(integer[], integer)}. PostgreSQL has
 * read the query already (it knows the call); what Calcite said instead ({@code Cannot apply '<<' to arguments
 * of type '<POSTGRES(INET)> << <CHAR(10)>'. Supported form(s): '<INTEGER> << <INTEGER>'}) named its own types,
 * a string constant by its length, and forms PostgreSQL does not have.
 */
public final class UnknownCallMessages {

  private UnknownCallMessages() {
  }

  /**
   * @param call the call no signature of the planner's takes
   * @param argumentTypes its arguments' types, in order (null where not known)
   */
  public static String notKnown(SqlCall call, List<@Nullable RelDataType> argumentTypes) {
    List<String> types = new ArrayList<>();
    List<SqlNode> operands = call.getOperandList();
    for (int i = 0; i < operands.size(); i++) {
      RelDataType type = i < argumentTypes.size() ? argumentTypes.get(i) : null;
      types.add(typeWords(operands.get(i), type));
    }
    String name = call.getOperator().getName();
    boolean symbol = !name.isEmpty() && !Character.isLetter(name.charAt(0)) && name.charAt(0) != '_';
    SqlSyntax syntax = call.getOperator().getSyntax();
    if (symbol && syntax == SqlSyntax.PREFIX && types.size() == 1) {
      return "operator " + name + " " + types.get(0) + " is not known to Freshet's planner";
    }
    if (symbol && types.size() == 2) { // binary, or written as one (InfixOperators' @>, &&, ?)
      return "operator " + types.get(0) + " " + name + " " + types.get(1) + " is not known to Freshet's planner";
    }
    if (syntax == SqlSyntax.BINARY && types.size() == 2) { // a word: LIKE, AND
      return "operator " + types.get(0) + " " + name.toLowerCase(Locale.ROOT) + " " + types.get(1)
          + " is not known to Freshet's planner";
    }
    return "function " + name.toLowerCase(Locale.ROOT) + "(" + String.join(", ", types)
        + ") is not known to Freshet's planner";
  }

  /** {@link #notKnown(SqlCall, List)} with each argument's type from {@code typeOf}. */
  public static String notKnown(SqlCall call, Function<SqlNode, @Nullable RelDataType> typeOf) {
    List<@Nullable RelDataType> types = new ArrayList<>();
    for (SqlNode operand : call.getOperandList()) {
      types.add(operand == null ? null : typeOf.apply(operand));
    }
    return notKnown(call, types);
  }

  /**
   * A CASE or COALESCE whose results are of types the planner has no common type for ({@code coalesce(addr, net)}
   * over inet and cidr), named by those types; Calcite said {@code Illegal mixing of types in CASE or COALESCE
   * statement}.
   */
  public static String mixedTypes(SqlCall call, Function<SqlNode, @Nullable RelDataType> typeOf) {
    List<SqlNode> results = new ArrayList<>();
    if (call instanceof org.apache.calcite.sql.fun.SqlCase sqlCase) {
      results.addAll(sqlCase.getThenOperands());
      results.add(sqlCase.getElseOperand());
    } else {
      results.addAll(call.getOperandList());
    }
    java.util.Set<String> types = new java.util.LinkedHashSet<>();
    for (SqlNode result : results) {
      if (result != null && !(result instanceof SqlLiteral literal && literal.getTypeName() == SqlTypeName.NULL)) {
        types.add(typeWords(result, typeOf.apply(result)));
      }
    }
    return "CASE or COALESCE over values of types " + String.join(", ", types) + ": Freshet's planner cannot tell "
        + "the type PostgreSQL gives the result";
  }

  /** An argument's type in PostgreSQL's words: a quoted constant is {@code unknown}, as PostgreSQL reads it. */
  private static String typeWords(@Nullable SqlNode operand, @Nullable RelDataType type) {
    if (operand instanceof SqlLiteral literal
        && (literal.getTypeName() == SqlTypeName.CHAR || literal.getTypeName() == SqlTypeName.NULL)) {
      return PostgresTypeWords.UNKNOWN;
    }
    if (type == null) {
      return "?";
    }
    boolean column = operand != null
        && (operand.getKind() == SqlKind.IDENTIFIER || operand.getKind() == SqlKind.CAST);
    return PostgresTypeWords.of(type, column);
  }
}
