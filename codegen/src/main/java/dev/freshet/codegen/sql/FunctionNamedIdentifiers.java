package dev.freshet.codegen.sql;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * Marks as quoted every unqualified name that Calcite would print as a function: a column named {@code user},
 * {@code current_date}, {@code session_user}, {@code current_role}, {@code localtime} … Calcite unparses a
 * simple identifier not written in quotes whose name is one of its niladic functions ({@code SqlSyntax.FUNCTION_ID})
 * as that function, whatever the dialect's quoting: {@code SELECT "user" FROM t} printed as {@code SELECT USER},
 * which PostgreSQL reads as the current role's name: a wrong result, or {@code operator does not exist: uuid =
 * name}. The plans Freshet prints build their identifiers unquoted ({@code SqlParserPos.ZERO}), so every printer
 * passes its tree here first. The tree is changed in place (a freshly built one, owned by the printer).
 */
public final class FunctionNamedIdentifiers {

  private FunctionNamedIdentifiers() {
  }

  /** {@code node}, with such names quoted; a copy of it when it is such a name itself. */
  @SuppressWarnings("unchecked") // the copy of a SqlIdentifier is a SqlIdentifier
  public static <T extends SqlNode> T quoted(T node) {
    if (printsAsFunction(node)) {
      return (T) asQuoted(node); // a plan's column printed alone: USER, where the column "user" is meant
    }
    if (node != null) {
      node.accept(new Marker());
    }
    return node;
  }

  private static boolean printsAsFunction(SqlNode node) {
    return node instanceof SqlIdentifier id && id.isSimple() && !id.getParserPosition().isQuoted()
        && SqlValidatorUtil.lookupSqlFunctionByID(SqlStdOperatorTable.instance(), id, null) != null;
  }

  private static SqlIdentifier asQuoted(SqlNode node) {
    return new SqlIdentifier(((SqlIdentifier) node).getSimple(), SqlParserPos.QUOTED_ZERO);
  }

  /** Replaces each such operand or list item by its quoted copy; recurses into the rest. */
  private static final class Marker extends SqlBasicVisitor<Void> {

    @Override
    public Void visit(SqlNodeList list) {
      for (int i = 0; i < list.size(); i++) {
        SqlNode item = list.get(i);
        if (printsAsFunction(item)) {
          list.set(i, asQuoted(item));
        } else if (item != null) {
          item.accept(this);
        }
      }
      return null;
    }

    @Override
    public Void visit(SqlCall call) {
      var operands = call.getOperandList();
      for (int i = 0; i < operands.size(); i++) {
        SqlNode operand = operands.get(i);
        if (printsAsFunction(operand)) {
          try {
            call.setOperand(i, asQuoted(operand));
          } catch (UnsupportedOperationException e) {
            // printing it unquoted would read the function: never print a wrong query
            throw new IllegalStateException("cannot quote the name " + operand + " in " + call.getKind()
                + ": it would print as the function of that name", e);
          }
        } else if (operand != null) {
          operand.accept(this);
        }
      }
      return null;
    }
  }
}
