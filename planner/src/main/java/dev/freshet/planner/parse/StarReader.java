package dev.freshet.planner.parse;

import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.StarExpansion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.calcite.sql.validate.SqlValidatorTable;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlValidator;

/**
 * Reads the stars of a query: which select lists hold one (before validation, which replaces each
 * star by the columns it stands for), then what the validator put in their place.
 *
 * <p>Calcite expands a star in place and gives every column it adds the star's parser position; the
 * columns a {@code JOIN … USING} merges come first, as {@code COALESCE(l.c, r.c) AS c} without a
 * position. Every other select item stays one item, so the expanded list is read in step with the list
 * the user wrote.
 */
public final class StarReader {

  private final Map<SqlSelect, List<SqlNode>> written = new IdentityHashMap<>();
  private final List<SqlCall> explicitTables = new ArrayList<>();

  private StarReader() {
  }

  /** Notes the select lists with a star, and each {@code TABLE t}, of a query not validated yet. */
  public static StarReader before(SqlNode parsed) {
    StarReader reader = new StarReader();
    Set<SqlNode> underExists = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    parsed.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        if (call.getKind() == SqlKind.EXISTS && !call.getOperandList().isEmpty()) {
          SqlNode query = call.operand(0);
          underExists.add(query instanceof SqlOrderBy orderBy ? orderBy.query : query);
        }
        if (call instanceof SqlSelect select && !underExists.contains(select)
            && select.getSelectList().stream().anyMatch(StarReader::isStar)) {
          reader.written.put(select, List.copyOf(select.getSelectList()));
        }
        if (call.getKind() == SqlKind.EXPLICIT_TABLE) {
          reader.explicitTables.add(call);
        }
        return super.visit(call);
      }
    });
    return reader;
  }

  /**
   * The stars noted by {@link #before}, with the columns {@code validator} expanded them into.
   *
   * @param toOriginal maps a position in the parsed text to the text the user wrote
   */
  public List<StarExpansion> after(SqlValidator validator, UnaryOperator<SourcePosition> toOriginal) {
    List<StarExpansion> stars = new ArrayList<>();
    written.forEach((select, items) -> read(select, items, toOriginal, stars));
    for (SqlCall table : explicitTables) {
      SqlIdentifier name = (SqlIdentifier) table.operand(0);
      SqlValidatorTable relOptTable = validator.getCatalogReader().getTable(name.names);
      if (relOptTable == null) {
        continue; // not a table Freshet's catalog reads (the validator has said so already)
      }
      List<StarExpansion.Column> columns = new ArrayList<>();
      for (RelDataTypeField field : relOptTable.getRowType().getFieldList()) {
        columns.add(new StarExpansion.Column(List.of(), field.getName()));
      }
      // the call has no position: the printer finds the keyword TABLE before the name
      stars.add(new StarExpansion(toOriginal.apply(SourcePosition.of(name.getParserPosition())), true, columns));
    }
    return stars;
  }

  private static void read(SqlSelect select, List<SqlNode> written, UnaryOperator<SourcePosition> toOriginal,
      List<StarExpansion> stars) {
    SqlNodeList expanded = select.getSelectList();
    int next = 0;
    for (SqlNode item : written) {
      if (!isStar(item)) {
        next++;
        continue;
      }
      SqlParserPos at = item.getParserPosition();
      List<SqlNode> standsFor = new ArrayList<>();
      while (next < expanded.size() && fromStar(expanded.get(next), at)) {
        standsFor.add(expanded.get(next++));
      }
      if (standsFor.isEmpty() || standsFor.stream().anyMatch(StarReader::isStar)) {
        return; // not expanded as read here: the select keeps its stars
      }
      SqlIdentifier star = (SqlIdentifier) item;
      stars.add(new StarExpansion(toOriginal.apply(SourcePosition.of(at)), false,
          columns(standsFor, star.names.subList(0, star.names.size() - 1))));
    }
  }

  /** Whether {@code item} of an expanded select list is one of the columns of the star at {@code star}. */
  private static boolean fromStar(SqlNode item, SqlParserPos star) {
    SqlParserPos pos = item.getParserPosition();
    return pos.equals(star) || pos.getLineNum() == 0 && item.getKind() == SqlKind.AS;
  }

  /**
   * The columns a star stands for: those of {@code t.*} qualified as written; those of {@code *} by
   * their name alone where the star has that name once (a merged USING column is one), else by their
   * relation's name.
   */
  private static List<StarExpansion.Column> columns(List<SqlNode> items, List<String> writtenQualifier) {
    List<String> names = new ArrayList<>();
    List<List<String>> qualifiers = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (SqlNode item : items) {
      SqlNode expression = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
      if (expression instanceof SqlIdentifier id && !id.isSimple()) {
        names.add(id.names.get(id.names.size() - 1));
        qualifiers.add(writtenQualifier.isEmpty() ? id.names.subList(0, id.names.size() - 1) : writtenQualifier);
      } else { // the merged column of a JOIN … USING: its alias is its name
        names.add(((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple());
        qualifiers.add(List.of());
      }
      seen.merge(names.get(names.size() - 1), 1, Integer::sum);
    }
    List<StarExpansion.Column> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      boolean byNameAlone = writtenQualifier.isEmpty() && seen.get(names.get(i)) == 1;
      columns.add(new StarExpansion.Column(byNameAlone ? List.of() : qualifiers.get(i), names.get(i)));
    }
    return columns;
  }

  private static boolean isStar(SqlNode item) {
    return item instanceof SqlIdentifier id && id.isStar();
  }
}
