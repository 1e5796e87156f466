package dev.freshet.codegen.sql;

import com.google.common.collect.ImmutableMap;
import dev.freshet.rules.rel.RequiredChanges;
import dev.freshet.rules.rel.StateTables;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.util.Util;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Calcite's {@link RelToSqlConverter} for the PostgreSQL dialect. Freshet's own relational nodes
 * get their {@code visit} methods here; the converter dispatches to them by reflection.
 *
 * <p>FROM items are named for what they read ({@link TableAliases}), where Calcite numbers its names apart
 * across the whole statement ({@code "Δpublic.t10"}, {@code "t4"}): a table by its name, a change table
 * {@code pg_temp."Δpublic.orders"} as {@code "Δorders"}, a sub-select of one FROM item as that item, of a
 * join {@code "join"}, a UNION {@code "union"}; a second FROM item of the same name in a scope is
 * {@code "orders_2"}. Each
 * branch of a UNION, INTERSECT or EXCEPT is a scope of its own, so each term of a delta names its tables
 * alike; every name in use around the operator stays reserved in each branch, and every branch's after it.
 */
public class FreshetRelToSqlConverter extends RelToSqlConverter {

  /** The alias given to each FROM item (a table's name, a sub-select) when it was made a result. */
  private final Map<SqlNode, String> aliasOf = new IdentityHashMap<>();

  /** For each set operation being printed, the names in use around it (before its first branch). */
  private final Map<RelNode, Set<String>> aroundSetOp = new IdentityHashMap<>();

  /** The inputs of set operations printed so far: a projection of a join among them names every column. */
  private final Set<RelNode> setOpBranches = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  /** When set, the branches of a UNION ALL of delta terms are marked with the sources they need (DeltaTermMarks). */
  private final @Nullable RequiredChanges requiredChanges;

  public FreshetRelToSqlConverter() {
    this(null);
  }

  /**
   * A converter that marks each branch of a UNION ALL but the first with the changed sources it needs to hold
   * rows, {@code requiredChanges} (none: no marks), so that a refresh can leave out those it knows are empty.
   */
  public FreshetRelToSqlConverter(@Nullable RequiredChanges requiredChanges) {
    super(FreshetPostgresDialect.INSTANCE);
    this.requiredChanges = requiredChanges;
  }

  @Override
  public Result visitInput(RelNode parent, int i, boolean anon, boolean ignoreClauses,
      Set<Clause> expectedClauses) {
    if (!(parent instanceof SetOp)) {
      return super.visitInput(parent, i, anon, ignoreClauses, expectedClauses);
    }
    if (i == 0) {
      aroundSetOp.put(parent, new LinkedHashSet<>(aliasSet));
    }
    setOpBranches.add(parent.getInput(i));
    Set<String> inUse = new LinkedHashSet<>(aliasSet); // around it, and the branches before this one
    aliasSet.clear();
    aliasSet.addAll(aroundSetOp.get(parent));
    try {
      return super.visitInput(parent, i, anon, ignoreClauses, expectedClauses);
    } finally {
      inUse.addAll(aliasSet);
      aliasSet.clear();
      aliasSet.addAll(inUse);
      if (i == parent.getInputs().size() - 1) {
        aroundSetOp.remove(parent);
      }
    }
  }

  /**
   * A projection of every column of a join, in order, that is a branch of a set operation ({@link
   * UnionBranchNamesShuttle} puts one there) selects each column under the plan's name ({@code "join_2"."i0" AS "c1"}). Calcite prints a projection of every
   * column, in order and under the same names, as {@code SELECT *}, whose columns PostgreSQL names as the FROM items
   * print them (a sub-select's {@code "i0"} where the plan says {@code c1}, or a name twice); a union takes the names of
   * its columns from its first branch, so a select above it missed {@code c1} (property soak seed 807) or found
   * {@code i0} ambiguous (seed 5).
   */
  @Override
  public Result visit(Project e) {
    if (!setOpBranches.contains(e) || !(e.getInput().stripped() instanceof Join) || !e.getVariablesSet().isEmpty()
        || !org.apache.calcite.rex.RexUtil.isIdentity(e.getProjects(), e.getInput().getRowType())) {
      return super.visit(e); // any other projection selects its columns by name already
    }
    Result x = visitInput(e, 0, Clause.SELECT);
    Builder builder = x.builder(e);
    List<SqlNode> selectList = new java.util.ArrayList<>();
    for (RexNode project : e.getProjects()) {
      addSelect(selectList, builder.context.toSql(null, project), e.getRowType());
    }
    builder.setSelect(new SqlNodeList(selectList, SqlParserPos.ZERO));
    return builder.result();
  }

  /**
   * Calcite's {@code SqlImplementor.result}, with Freshet's names for FROM items (see the class comment):
   * the same node keeps its name when the converter adds a clause to it, and a sub-select of one FROM item
   * takes that item's name, which is in scope only inside it.
   */
  @Override
  public Result result(SqlNode node, Collection<Clause> clauses, RelNode rel,
      @Nullable Map<String, RelDataType> aliases) {
    if (requiredChanges != null && rel instanceof Union union && union.all) {
      markTerms(node, union);
    }
    String implicit = SqlValidatorUtil.alias(node); // what PostgreSQL calls it without AS
    String alias = aliasOf.get(node);
    if (alias == null) {
      alias = node instanceof SqlIdentifier table ? TableAliases.unique(TableAliases.of(table.names), aliasSet)
          : fromItemAlias(node);
      aliasOf.put(node, alias);
    }
    RelDataType rowType = adjustedRowType(rel, node);
    if (aliases != null && !aliases.isEmpty() && (!dialect.hasImplicitTableAlias() || aliases.size() > 1)) {
      return result(node, clauses, alias, rowType, aliases);
    }
    String needed = implicit == null || !implicit.equals(alias) || !dialect.hasImplicitTableAlias() ? alias : null;
    return result(node, clauses, needed, rowType, ImmutableMap.of(alias, rowType));
  }

  /**
   * Marks the branches of {@code node}, {@code union} as Calcite prints it ({@code ((b0 UNION ALL b1) UNION ALL
   * b2)}), each but the first with the changed sources it needs; those that need none stay unmarked.
   */
  private void markTerms(SqlNode node, Union union) {
    SqlNode call = node;
    for (int i = union.getInputs().size() - 1; i > 0; i--) {
      if (!(call instanceof SqlBasicCall set) || set.getOperator() != SqlStdOperatorTable.UNION_ALL) {
        return; // not the shape printed for a UNION ALL of these inputs: nothing more is marked
      }
      long requires = requiredChanges.of(union.getInput(i));
      if (requires != 0 && !DeltaTermMarks.isMarked(set.operand(1))) {
        set.setOperand(1, DeltaTermMarks.mark(set.operand(1), requires));
      }
      call = set.operand(0);
    }
  }

  /**
   * The name of a FROM item that is not a table: a sub-select of one FROM item takes that item's name, when it
   * is a table or a sub-select named here (inside the sub-select that name means the item, outside the
   * sub-select itself); a sub-select of a join is {@code "join"} (Calcite keeps the join's names for its
   * columns when the sub-select has one of them); a set operation {@code "union"}, {@code "intersect"} or
   * {@code "except"}; anything else (a VALUES) {@code "t"}, as Calcite names it.
   */
  private String fromItemAlias(SqlNode node) {
    if (node instanceof SqlSelect select && select.getFrom() instanceof SqlJoin) {
      return TableAliases.unique(TableAliases.JOIN, aliasSet);
    }
    if (node instanceof SqlSelect select && select.getFrom() != null) {
      SqlNode from = select.getFrom();
      SqlNode item = from.getKind() == SqlKind.AS ? ((SqlCall) from).operand(0) : from;
      String known = aliasOf.get(item);
      if (known != null && (from.getKind() != SqlKind.AS || known.equals(SqlValidatorUtil.alias(from)))) {
        return known;
      }
      if (from instanceof SqlIdentifier table) { // a table read by a select of our own (state tables)
        return TableAliases.unique(TableAliases.of(table.names), aliasSet);
      }
    }
    return TableAliases.unique(TableAliases.setOperation(node.getKind()).orElse(TableAliases.OTHER), aliasSet);
  }

  /**
   * Calcite's private {@code SqlImplementor.adjustedRowType}: the row type of {@code rel}, named as the
   * columns of {@code node} are ({@code SELECT x AS y}, {@code (VALUES …) AS t (a, b)}).
   */
  private static RelDataType adjustedRowType(RelNode rel, SqlNode node) {
    RelDataType rowType = rel.getRowType();
    switch (node.getKind()) {
      case UNION, INTERSECT, EXCEPT -> {
        return adjustedRowType(rel, ((SqlCall) node).getOperandList().get(0));
      }
      case SELECT -> {
        SqlNodeList selectList = ((SqlSelect) node).getSelectList();
        if (selectList.equals(SqlNodeList.SINGLETON_STAR)) {
          return rowType;
        }
        RelDataTypeFactory.Builder builder = rel.getCluster().getTypeFactory().builder();
        List<RelDataTypeField> fields = rowType.getFieldList();
        for (int i = 0; i < Math.min(selectList.size(), fields.size()); i++) {
          builder.add(Util.first(SqlValidatorUtil.alias(selectList.get(i)), fields.get(i).getName()),
              fields.get(i).getType());
        }
        return builder.build();
      }
      case AS -> {
        List<SqlNode> operands = ((SqlCall) node).getOperandList();
        if (operands.size() <= 2) {
          return rowType;
        }
        RelDataTypeFactory.Builder builder = rel.getCluster().getTypeFactory().builder();
        List<RelDataTypeField> fields = rowType.getFieldList();
        for (int i = 0; i < Math.min(operands.size() - 2, fields.size()); i++) {
          builder.add(operands.get(i + 2).toString(), fields.get(i).getType());
        }
        return builder.build();
      }
      default -> {
        return rowType;
      }
    }
  }

  /**
   * A state table is read through its result's columns, never as {@code SELECT *}: it also holds hidden
   * columns (keys, counts, aggregate state), which a {@code *} over it, in a UNION for instance, would
   * add to the rows.
   */
  @Override
  public Result visit(TableScan e) {
    List<String> name = e.getTable().getQualifiedName();
    if (name.size() != 2 || !StateTables.SCHEMA.equals(name.get(0))) {
      return super.visit(e);
    }
    SqlNodeList columns = new SqlNodeList(SqlParserPos.ZERO);
    for (String field : e.getRowType().getFieldNames()) {
      columns.add(new SqlIdentifier(field, SqlParserPos.ZERO));
    }
    SqlSelect select = new SqlSelect(SqlParserPos.ZERO, null, columns, new SqlIdentifier(name, SqlParserPos.ZERO),
        null, null, null, null, null, null, null, null, null);
    return result(select, List.of(Clause.SELECT), e, null);
  }

  /**
   * An anti- or semi-join as {@code SELECT <left columns> FROM <left> WHERE [NOT] EXISTS (SELECT 1 FROM
   * <right> WHERE <condition>)}. Calcite's own version adds the WHERE to the left's SELECT, and, for a
   * table read under an alias, prints a second alias ({@code FROM "a" AS "a1" AS "t2"}); here the left
   * is always one FROM item, read by its alias, and its columns are named (a {@code *} would also read
   * the hidden columns of a state table or stream table).
   */
  @Override
  protected Result visitAntiOrSemiJoin(Join e) {
    Result left = visitInput(e, 0).resetAlias();
    Result right = visitInput(e, 1).resetAlias();
    Context leftContext = left.qualifiedContext();
    SqlNode condition = convertConditionToSqlNode(e.getCondition(), leftContext, right.qualifiedContext());
    SqlSelect exists = new SqlSelect(SqlParserPos.ZERO, null,
        SqlNodeList.of(SqlLiteral.createExactNumeric("1", SqlParserPos.ZERO)), right.asFrom(), condition,
        null, null, null, null, null, null, null, null);
    SqlNode where = SqlStdOperatorTable.EXISTS.createCall(SqlParserPos.ZERO, exists);
    if (e.getJoinType() == JoinRelType.ANTI) {
      where = SqlStdOperatorTable.NOT.createCall(SqlParserPos.ZERO, where);
    }
    SqlNodeList columns = new SqlNodeList(SqlParserPos.ZERO);
    List<String> names = e.getRowType().getFieldNames();
    for (int i = 0; i < names.size(); i++) {
      columns.add(as(leftContext.field(i), names.get(i)));
    }
    SqlSelect select = new SqlSelect(SqlParserPos.ZERO, null, columns, left.asFrom(), where,
        null, null, null, null, null, null, null, null);
    return result(select, List.of(Clause.SELECT), e, null);
  }

  /** {@code node AS name}, or {@code node} when it is an identifier ending in {@code name}. */
  private static SqlNode as(SqlNode node, String name) {
    if (node instanceof SqlIdentifier id && Util.last(id.names).equals(name)) {
      return node;
    }
    return SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, node, new SqlIdentifier(name, SqlParserPos.ZERO));
  }
}
