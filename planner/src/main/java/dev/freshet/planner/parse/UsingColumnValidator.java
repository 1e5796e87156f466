package dev.freshet.planner.parse;

import static org.apache.calcite.util.Static.RESOURCE;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.runtime.Resources;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlValidatorCatalogReader;
import org.apache.calcite.sql.validate.SqlValidatorImpl;
import org.apache.calcite.sql.validate.SqlValidatorException;
import org.apache.calcite.sql.validate.SqlValidatorNamespace;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The validator, reading a column named in {@code JOIN … USING} or shared by a {@code NATURAL JOIN}
 * as PostgreSQL does in WHERE and HAVING too: one column, {@code COALESCE(left.c, right.c)}.
 *
 * <p>Calcite merges such a column in the select list and GROUP BY only; elsewhere it finds two
 * columns of that name and reports it ambiguous ({@code SELECT i FROM a JOIN b USING (i) WHERE i > 1}
 * is valid PostgreSQL). Before WHERE and HAVING are validated, each unqualified reference to a merged
 * column is replaced by the expression Calcite gives it in the select list, so that GROUP BY and
 * HAVING still match. References inside sub-queries belong to their own SELECT and are left alone.
 */
public final class UsingColumnValidator extends SqlValidatorImpl {

  public UsingColumnValidator(SqlOperatorTable opTab, SqlValidatorCatalogReader catalogReader,
      RelDataTypeFactory typeFactory, Config config) {
    super(opTab, catalogReader, typeFactory, config);
  }

  /**
   * Runs right after the FROM clause is validated (its namespaces know their columns) and before
   * anything that names columns: rewrites the select list, WHERE, GROUP BY, HAVING and ORDER BY at
   * once, so that a merged column is the same expression wherever it appears (GROUP BY 1 and HAVING
   * i match).
   */
  @Override
  protected void validateWhereClause(SqlSelect select) {
    if (select.getFrom() instanceof SqlJoin) {
      // In place: validateSelect holds on to the select list it read before validating FROM.
      SqlNodeList items = select.getSelectList();
      for (int i = 0; i < items.size(); i++) {
        SqlNode item = items.get(i);
        SqlNode merged = mergeUsingColumns(select, item);
        items.set(i, merged != item && item instanceof SqlIdentifier id // keep the column's name
            ? SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, merged, new SqlIdentifier(id.getSimple(), SqlParserPos.ZERO))
            : merged);
      }
      if (select.getWhere() != null) {
        select.setWhere(mergeUsingColumns(select, select.getWhere()));
      }
      SqlNodeList group = select.getGroup();
      if (group != null) {
        for (int i = 0; i < group.size(); i++) {
          group.set(i, mergeUsingColumns(select, group.get(i)));
        }
      }
      if (select.getHaving() != null) {
        select.setHaving(mergeUsingColumns(select, select.getHaving()));
      }
      SqlNodeList order = select.getOrderList();
      if (order != null) { // ORDER BY names an output column first, else an input column
        Set<String> outputs = new HashSet<>();
        for (SqlNode item : items) {
          String alias = SqlValidatorUtil.alias(item);
          if (alias != null) {
            outputs.add(alias);
          }
        }
        for (int i = 0; i < order.size(); i++) {
          SqlNode key = order.get(i);
          if (!(key instanceof SqlIdentifier id && id.isSimple() && outputs.contains(id.getSimple()))) {
            order.set(i, mergeUsingColumns(select, key));
          }
        }
      }
    }
    super.validateWhereClause(select);
  }

  /** Calcite's messages about a call it has no signature for, which Freshet words itself (UnknownCallMessages). */
  private static final Set<String> UNKNOWN_CALL = Set.of(
      RESOURCE.canNotApplyOp2Type("", "", "").raw(),
      RESOURCE.validatorUnknownFunction("").raw(),
      RESOURCE.invalidArgCount("", 0).raw(),
      RESOURCE.cannotInferReturnType("", "").raw());

  /** Calcite's message about CASE or COALESCE results without a common type. */
  private static final String MIXED_TYPES = RESOURCE.illegalMixingOfTypes().raw();

  /**
   * A call no signature of the planner's takes is named with PostgreSQL's types ({@code operator inet << unknown})
   * where Calcite named its own ({@code '<POSTGRES(INET)> << <CHAR(10)>'}); at the call's position, as before.
   */
  @Override
  public CalciteContextException newValidationError(SqlNode node,
      Resources.ExInst<SqlValidatorException> e) {
    if (node instanceof SqlCall call && (UNKNOWN_CALL.contains(e.raw()) || MIXED_TYPES.equals(e.raw()))) {
      String message = UNKNOWN_CALL.contains(e.raw())
          ? UnknownCallMessages.notKnown(call, this::getValidatedNodeTypeIfKnown)
          : UnknownCallMessages.mixedTypes(call, this::getValidatedNodeTypeIfKnown);
      SqlParserPos pos = node.getParserPosition();
      return new CalciteContextException(message, new SqlValidatorException(message, null),
          pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum());
    }
    return super.newValidationError(node, e);
  }

  private SqlNode mergeUsingColumns(SqlSelect select, SqlNode expression) {
    if (!(select.getFrom() instanceof SqlJoin join)) {
      return expression;
    }
    SqlNode merged = expression.accept(new SqlShuttle() {
      @Override
      public @Nullable SqlNode visit(SqlIdentifier id) {
        if (!id.isSimple() || id.getSimple().isEmpty()) {
          return id;
        }
        SqlNode column = columnOf(join, id.getSimple(), id.getParserPosition());
        return column instanceof SqlCall ? column : id; // a merged column only; plain ones stay as written
      }

      @Override
      public @Nullable SqlNode visit(SqlCall call) {
        return call instanceof SqlSelect || call.getKind() == SqlKind.SELECT ? call : super.visit(call);
      }
    });
    return merged == null ? expression : merged;
  }

  /**
   * The expression for column {@code name} of FROM item {@code from}: {@code alias.name} for a table
   * or derived table that has it, {@code COALESCE(left, right)} for a column a join merges; null if
   * the item has no such column, or it cannot be named (a derived table without an alias).
   */
  private @Nullable SqlNode columnOf(SqlNode from, String name, SqlParserPos pos) {
    SqlNameMatcher matcher = getCatalogReader().nameMatcher();
    if (from instanceof SqlJoin join) {
      SqlNode left = columnOf(join.getLeft(), name, pos);
      SqlNode right = columnOf(join.getRight(), name, pos);
      if (left != null && right != null && merges(join, name, matcher)) {
        return new SqlBasicCall(SqlStdOperatorTable.COALESCE, List.of(left, right), SqlParserPos.ZERO);
      }
      return left != null && right == null ? left : right != null && left == null ? right : null;
    }
    SqlValidatorNamespace namespace = getNamespace(from);
    String alias = from instanceof SqlIdentifier table ? org.apache.calcite.util.Util.last(table.names)
        : from.getKind() == SqlKind.AS ? SqlValidatorUtil.alias(from) : null;
    if (namespace == null || alias == null
        || matcher.indexOf(namespace.getRowType().getFieldNames(), name) < 0) {
      return null;
    }
    return new SqlIdentifier(List.of(alias, name), pos);
  }

  private boolean merges(SqlJoin join, String name, SqlNameMatcher matcher) {
    if (join.isNatural()) {
      SqlValidatorNamespace left = getNamespace(join.getLeft());
      SqlValidatorNamespace right = getNamespace(join.getRight());
      return left != null && right != null && matcher.indexOf(SqlValidatorUtil.deriveNaturalJoinColumnList(
          matcher, left.getRowType(), right.getRowType()), name) >= 0;
    }
    return join.getConditionType() == JoinConditionType.USING && join.getCondition() instanceof SqlNodeList using
        && matcher.indexOf(SqlIdentifier.simpleNames(using), name) >= 0;
  }
}
