package dev.freshet.tests.property;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A table of the fixed schema {@link PlannerRoundTripPropertyTest} generates sub-queries over. Every
 * column is nullable and tables share column names ({@code a}, {@code b}, {@code c}), so that
 * {@code USING} and {@code NATURAL} joins have something to merge; {@code u NATURAL JOIN w} has nothing
 * in common and is a cross join, which is valid too.
 */
record SubQueryTable(String name, List<Column> columns) {

  /**
   * A column: {@code text}, or a number, {@code int} or (wide) {@code bigint}, so comparisons are easy to keep
   * typed; an {@code int} compared with a {@code bigint} is cast by Calcite, in a correlated sub-query a cast of an
   * outer column (CorrelatedCastPullUp).
   */
  record Column(String name, boolean text, boolean wide) {
    Column(String name, boolean text) {
      this(name, text, false);
    }

    String type() {
      return text ? "text" : wide ? "bigint" : "int";
    }
  }

  static final List<SubQueryTable> ALL = List.of(
      new SubQueryTable("r", List.of(new Column("a", false), new Column("b", false), new Column("c", true))),
      new SubQueryTable("s", List.of(new Column("a", false), new Column("b", false), new Column("d", true))),
      new SubQueryTable("u", List.of(new Column("a", false), new Column("e", false, true))),
      new SubQueryTable("w", List.of(new Column("b", false), new Column("c", true))));

  SubQueryTable {
    columns = List.copyOf(columns);
  }

  String ddl() {
    return "CREATE TABLE " + name + " (" + columns.stream().map(c -> c.name() + " " + c.type())
        .collect(Collectors.joining(", ")) + ");";
  }

  boolean hasText() {
    return columns.stream().anyMatch(Column::text);
  }

  /** The columns both tables have, by name and type: what {@code USING} may list and {@code NATURAL} merges. */
  List<Column> commonColumns(SubQueryTable other) {
    return columns.stream().filter(other.columns::contains).toList();
  }
}
