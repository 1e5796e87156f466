package dev.freshet.codegen.sql;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.rules.rel.ReadableNamesShuttle;
import dev.freshet.rules.rel.RequiredChanges;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Prints a relational plan as one formatted PostgreSQL query, its columns named as people would
 * ({@link ReadableNamesShuttle}: no {@code EXPR$1} or {@code $f4}) and its FROM items by their tables
 * ({@link FreshetRelToSqlConverter}).
 */
public final class QuerySqlPrinter {

  private QuerySqlPrinter() {
  }

  public static SqlNode toSqlNode(RelNode rel) {
    return toSqlNode(rel, null);
  }

  private static SqlNode toSqlNode(RelNode rel, @Nullable RequiredChanges requiredChanges) {
    RelNode shaped = ReadableNamesShuttle.rename(rel).accept(new UnionBranchNamesShuttle())
        .accept(new UnionNullBranchShuttle()).accept(new TypeValuesShuttle()).accept(new CharComparisonShuttle())
        .accept(new TypedNullShuttle()).accept(new PostgresConstantShuttle());
    SqlNode sql = new FreshetRelToSqlConverter(requiredChanges).visitRoot(shaped).asStatement();
    // A scan alone prints as SELECT *, which PostgreSQL expands with every column of the table, also those
    // the plan does not see (a stream table's hidden __freshet_ columns, when a stream table reads all the
    // visible columns of another): name the plan's columns.
    if (shaped instanceof TableScan && sql instanceof SqlSelect select
        && select.getSelectList().equals(SqlNodeList.SINGLETON_STAR)) {
      select.setSelectList(new SqlNodeList(shaped.getRowType().getFieldNames().stream()
          .map(name -> (SqlNode) new SqlIdentifier(name, SqlParserPos.ZERO)).toList(), SqlParserPos.ZERO));
    }
    return sql;
  }

  public static String print(RelNode rel) {
    return SqlFormat.format(toSqlNode(rel));
  }

  /**
   * {@link #print(RelNode)} with the result's columns named {@code columnNames} (a stream table's: PostgreSQL's
   * names for its query's result, {@code ?column?} and {@code count} where the plan says {@code expr} and
   * {@code case}); empty: the plan's own names.
   */
  public static String print(RelNode rel, List<String> columnNames) {
    return print(columnNames.isEmpty() ? rel : ResultColumnNames.apply(rel, columnNames, true));
  }

  /**
   * A delta plan as {@link #print(RelNode, List)} prints a plan, with the filtered lookups of a change table that
   * several of its terms do alike done once ({@link SharedDeltaLookups}: {@code WITH "Δlineitem ⋈ part" (…) AS
   * MATERIALIZED (…)}), and, given {@code requiredChanges}, each branch of a UNION ALL but the first marked with the
   * changed sources it needs to hold rows ({@link DeltaTermMarks}), so that a refresh where fewer changed can leave
   * it out.
   */
  public static String printDelta(RelNode rel, List<String> columnNames, @Nullable RequiredChanges requiredChanges) {
    RelNode named = columnNames.isEmpty() ? rel : ResultColumnNames.apply(rel, columnNames, true);
    SharedDeltaLookups.Result shared = SharedDeltaLookups.share(named);
    if (shared.shared().isEmpty()) {
      return SqlFormat.format(toSqlNode(named, requiredChanges));
    }
    RequiredChanges marks = requiredChanges;
    List<String> ctes = new ArrayList<>();
    for (SharedDeltaLookups.Shared s : shared.shared()) {
      if (marks != null) { // a term reading it needs what it needs
        marks = marks.with(List.of(s.name()), marks.of(s.plan()));
      }
      List<String> columns = s.plan().getRowType().getFieldNames().stream().map(Quoting::identifier).toList();
      // named by position: the join's columns, in order, as the terms read them
      ctes.add(Quoting.identifier(s.name()) + " (" + String.join(", ", columns) + ") AS MATERIALIZED (\n  "
          + SqlFormat.format(toSqlNode(s.plan(), null)).replace("\n", "\n  ") + "\n)");
    }
    return "WITH " + String.join(",\n", ctes) + "\n" + SqlFormat.format(toSqlNode(shared.rel(), marks));
  }
}
