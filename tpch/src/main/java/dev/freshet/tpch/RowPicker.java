package dev.freshet.tpch;

import static dev.freshet.planner.sql.Quoting.qualified;
import static dev.freshet.planner.sql.Quoting.identifier;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Picks existing rows by key for RF2 and RF3, reproducibly: random probe keys are drawn in the
 * key's range and each probe takes the first row at or after it in primary-key order (an index
 * lookup). Keys with gaps (TPC-H order keys are sparse) and rows deleted by earlier refreshes are
 * handled without reading the table; the same seed and database state give the same rows.
 */
final class RowPicker {

  /** Where a key component's probes are drawn from. */
  sealed interface Range permits ColumnRange, FixedRange {
  }

  /** {@code min(column)..max(column)} of a column that leads an index, so both are index lookups. */
  record ColumnRange(String table, String column) implements Range {
  }

  record FixedRange(long low, long high) implements Range {
  }

  /** A table's primary key (one or two columns) and the probe range of each key column. */
  record KeySpace(String table, List<String> keys, List<Range> ranges) {
    KeySpace {
      keys = List.copyOf(keys);
      ranges = List.copyOf(ranges);
      if (keys.isEmpty() || keys.size() != ranges.size()) {
        throw new IllegalArgumentException("one range per key column: " + keys + " " + ranges);
      }
    }
  }

  static final KeySpace ORDERS = new KeySpace("orders", List.of("o_orderkey"),
      List.of(new ColumnRange("orders", "o_orderkey")));
  /** Line numbers run 1..7 in every order. */
  static final KeySpace LINEITEM = new KeySpace("lineitem", List.of("l_orderkey", "l_linenumber"),
      List.of(new ColumnRange("lineitem", "l_orderkey"), new FixedRange(1, 7)));
  static final KeySpace CUSTOMER = new KeySpace("customer", List.of("c_custkey"),
      List.of(new ColumnRange("customer", "c_custkey")));
  static final KeySpace PARTSUPP = new KeySpace("partsupp", List.of("ps_partkey", "ps_suppkey"),
      List.of(new ColumnRange("partsupp", "ps_partkey"), new ColumnRange("supplier", "s_suppkey")));
  static final KeySpace NATION = new KeySpace("nation", List.of("n_nationkey"),
      List.of(new ColumnRange("nation", "n_nationkey")));

  private final Connection connection;
  private final String schema;

  RowPicker(Connection connection, String schema) {
    this.connection = connection;
    this.schema = schema;
  }

  /**
   * Up to {@code count} distinct existing keys of {@code space}, ascending; fewer when probes land
   * on the same row, none when the table is empty. Each key is one {@code long} per key column.
   */
  List<long[]> pick(KeySpace space, Random random, int count) throws SQLException {
    int width = space.keys().size();
    var bounds = new ArrayList<long[]>(width);
    for (Range range : space.ranges()) {
      long[] b = bounds(range);
      if (b == null) {
        return List.of();
      }
      bounds.add(b);
    }
    // Draw every probe before touching the database again, column by column, so the draws do not
    // depend on what the query returns.
    var probes = new ArrayList<Long[]>(width);
    for (long[] b : bounds) {
      Long[] column = new Long[count];
      for (int i = 0; i < count; i++) {
        column[i] = b[0] + NewOrders.nextLong(random, b[1] - b[0] + 1);
      }
      probes.add(column);
    }

    String keyList = space.keys().stream().map(k -> "t." + identifier(k)).collect(Collectors.joining(", "));
    String probeNames = IntStream.rangeClosed(1, width).mapToObj(i -> "k" + i)
        .collect(Collectors.joining(", "));
    String probeList = IntStream.rangeClosed(1, width).mapToObj(i -> "probe.k" + i)
        .collect(Collectors.joining(", "));
    String arrays = String.join(", ", Collections.nCopies(width, "?::bigint[]"));
    String ordinals = IntStream.rangeClosed(1, width).mapToObj(Integer::toString)
        .collect(Collectors.joining(", "));
    String sql = "SELECT DISTINCT picked.*\n"
        + "FROM unnest(" + arrays + ") AS probe(" + probeNames + ")\n"
        + "CROSS JOIN LATERAL (\n"
        + "  SELECT " + keyList + "\n"
        + "  FROM " + qualified(schema, space.table()) + " AS t\n"
        + "  WHERE (" + keyList + ") >= (" + probeList + ")\n"
        + "  ORDER BY " + keyList + "\n"
        + "  LIMIT 1\n"
        + ") AS picked\n"
        + "ORDER BY " + ordinals;
    var keys = new ArrayList<long[]>();
    try (var statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < width; i++) {
        statement.setArray(i + 1, connection.createArrayOf("int8", probes.get(i)));
      }
      try (var rows = statement.executeQuery()) {
        while (rows.next()) {
          long[] key = new long[width];
          for (int i = 0; i < width; i++) {
            key[i] = rows.getLong(i + 1);
          }
          keys.add(key);
        }
      }
    }
    return keys;
  }

  /** {@code [low, high]}, or null when the table is empty. */
  private long[] bounds(Range range) throws SQLException {
    return switch (range) {
      case FixedRange fixed -> new long[] {fixed.low(), fixed.high()};
      case ColumnRange column -> {
        String sql = "SELECT min(" + identifier(column.column()) + "), max(" + identifier(column.column())
            + ") FROM " + qualified(schema, column.table());
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
          rows.next();
          long low = rows.getLong(1);
          yield rows.wasNull() ? null : new long[] {low, rows.getLong(2)};
        }
      }
    };
  }
}
