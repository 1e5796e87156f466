package dev.freshet.tpch;

import static dev.freshet.planner.sql.Quoting.identifier;
import static dev.freshet.planner.sql.Quoting.qualified;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.tpch.RefreshResult.StatementRows;
import dev.freshet.tpch.RowPicker.KeySpace;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The TPC-H refresh functions, extended for testing incremental maintenance:
 *
 * <ul>
 *   <li>RF1 inserts new orders (keys above the current maximum) with 1 to 7 line items each,
 *       referencing existing customers and existing (part, supplier) pairs of partsupp;</li>
 *   <li>RF2 deletes existing orders with their line items;</li>
 *   <li>RF3 updates group keys, aggregated values, filtered columns and join keys (the last keeping
 *       every foreign key valid), one statement per column.</li>
 * </ul>
 *
 * <p>Each function runs in its own transaction on the given connection (auto-commit is switched off
 * for it and restored after the commit) and writes each table with one statement, values bound as
 * arrays, so statement-level change capture sees one batch per table ({@code rf1(c, n)} and {@code rf2(c, n)}
 * write the same rows in {@code n} transactions, one statement per table in each). Everything random derives
 * from the seed: the k-th call of a function with a given seed, on the same database state, makes
 * the same changes. Not thread-safe; use one instance per connection.
 */
public final class TpchRefresh {

  public static final long DEFAULT_SEED = 20260101L;
  public static final int MIN_BATCH_SIZE = 10;

  private static final List<String> SEGMENTS =
      List.of("AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY");
  private static final List<String> RETURN_FLAGS = List.of("R", "A", "N");

  private enum RefreshFunction {
    RF1, RF2, RF3
  }

  /** How an RF3 statement derives the new value from the bound value {@code u.v}. */
  private enum Change {
    /** {@code column = u.v} */
    SET,
    /** {@code column = round(column * u.v, 2)}: a money value moves by a few percent. */
    SCALE,
    /** {@code column = column + u.v}: a date moves by {@code u.v} days. */
    SHIFT_DAYS;

    String expression(String column) {
      return switch (this) {
        case SET -> "u.v";
        case SCALE -> "round(t." + identifier(column) + " * u.v, 2)";
        case SHIFT_DAYS -> "t." + identifier(column) + " + u.v";
      };
    }
  }

  /** An RF3 statement whose values are drawn without looking at the database. */
  private record DrawnUpdate(KeySpace rows, String column, String role, Change change,
                             String valueType, Function<Random, Object> draw) {
  }

  /** Group keys, values, filter columns, in that order; join keys follow in {@link #rf3}. */
  private static final List<DrawnUpdate> DRAWN_UPDATES = List.of(
      new DrawnUpdate(RowPicker.CUSTOMER, "c_mktsegment", "group key", Change.SET, "text",
          r -> SEGMENTS.get(r.nextInt(SEGMENTS.size()))),
      new DrawnUpdate(RowPicker.ORDERS, "o_orderpriority", "group key", Change.SET, "text",
          r -> NewOrders.PRIORITIES.get(r.nextInt(NewOrders.PRIORITIES.size()))),
      new DrawnUpdate(RowPicker.LINEITEM, "l_returnflag", "group key", Change.SET, "text",
          r -> RETURN_FLAGS.get(r.nextInt(RETURN_FLAGS.size()))),
      new DrawnUpdate(RowPicker.LINEITEM, "l_shipmode", "group key", Change.SET, "text",
          r -> NewOrders.SHIP_MODES.get(r.nextInt(NewOrders.SHIP_MODES.size()))),
      new DrawnUpdate(RowPicker.LINEITEM, "l_extendedprice", "value", Change.SCALE, "numeric",
          TpchRefresh::priceFactor),
      new DrawnUpdate(RowPicker.LINEITEM, "l_discount", "value", Change.SET, "numeric",
          r -> BigDecimal.valueOf(r.nextInt(11), 2)),
      new DrawnUpdate(RowPicker.ORDERS, "o_totalprice", "value", Change.SCALE, "numeric",
          TpchRefresh::priceFactor),
      new DrawnUpdate(RowPicker.PARTSUPP, "ps_supplycost", "value", Change.SCALE, "numeric",
          TpchRefresh::priceFactor),
      new DrawnUpdate(RowPicker.LINEITEM, "l_quantity", "filter column", Change.SET, "numeric",
          r -> BigDecimal.valueOf(1 + r.nextInt(50)).setScale(2)),
      new DrawnUpdate(RowPicker.LINEITEM, "l_shipdate", "filter column", Change.SHIFT_DAYS,
          "integer", TpchRefresh::dayShift),
      new DrawnUpdate(RowPicker.ORDERS, "o_orderdate", "filter column", Change.SHIFT_DAYS,
          "integer", TpchRefresh::dayShift));

  private final String schema;
  private final long seed;
  private final int batchSize;
  private final long[] completedCalls = new long[RefreshFunction.values().length];

  /**
   * @param batchSize orders inserted by RF1, deleted by RF2, and rows updated by each RF3 statement
   */
  public TpchRefresh(String schema, long seed, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("the refresh batch size must be at least 1, got " + batchSize);
    }
    this.schema = schema;
    this.seed = seed;
    this.batchSize = batchSize;
  }

  /** With the default batch size, {@link #defaultBatchSize}, computed once now. */
  public static TpchRefresh withDefaultBatchSize(Connection c, String schema, long seed)
      throws SQLException {
    return new TpchRefresh(schema, seed, defaultBatchSize(c, schema));
  }

  /**
   * 0.1% of the orders (the specification's RF size: 1,500 orders at SF-1), at least
   * {@value #MIN_BATCH_SIZE}. Counted exactly, not estimated, so it is reproducible.
   */
  public static int defaultBatchSize(Connection c, String schema) throws SQLException {
    try (var statement = c.createStatement();
         var rows = statement.executeQuery("SELECT count(*) FROM " + qualified(schema, "orders"))) {
      rows.next();
      return (int) Math.max(MIN_BATCH_SIZE, rows.getLong(1) / 1000);
    }
  }

  public int batchSize() {
    return batchSize;
  }

  public long seed() {
    return seed;
  }

  /** RF1: {@code batchSize} new orders and their line items. */
  public RefreshResult rf1(Connection c) throws SQLException {
    return rf1(c, 1);
  }

  /**
   * RF1's rows, the same as {@link #rf1(Connection)} would insert, in {@code transactions} transactions of
   * consecutive orders, each with its line items: one refresh's worth arriving as many small writes. The
   * keys are chosen once, in the first transaction (under its lock), so no other RF1 may run meanwhile.
   */
  public RefreshResult rf1(Connection c, int transactions) throws SQLException {
    return inTransactions(c, RefreshFunction.RF1, transactions, random -> {
      // Concurrent RF1s would compute the same new keys; this makes the second wait for the first.
      // Readers are not blocked.
      execute(c, "LOCK TABLE " + qualified(schema, "orders") + " IN SHARE ROW EXCLUSIVE MODE");
      NewOrders.Bounds bounds = rf1Bounds(c);
      List<NewOrders.OrderDraft> drafts = NewOrders.draft(random, bounds, batchSize);
      NewOrders.Batch batch = NewOrders.complete(drafts, partOffers(c, NewOrders.partKeys(drafts)));
      List<NewOrders.OrderRow> orders = batch.orders();
      Map<Long, List<NewOrders.LineRow>> linesByOrder = batch.lines().stream()
          .collect(Collectors.groupingBy(NewOrders.LineRow::orderKey));
      List<Slice> slices = new ArrayList<>();
      for (int t = 0; t < transactions; t++) {
        List<NewOrders.OrderRow> part = orders.subList(t * orders.size() / transactions,
            (t + 1) * orders.size() / transactions);
        List<NewOrders.LineRow> lines = transactions == 1 ? batch.lines() : part.stream()
            .flatMap(o -> linesByOrder.getOrDefault(o.orderKey(), List.of()).stream()).toList();
        slices.add(() -> List.of(
            new StatementRows("orders", "insert", insertOrders(c, part)),
            new StatementRows("lineitem", "insert", insertLines(c, lines))));
      }
      return slices;
    }, "RF1");
  }

  private long insertOrders(Connection c, List<NewOrders.OrderRow> orders) throws SQLException {
    return insert(c, TpchSchema.table("orders"), List.of(
        column(orders, NewOrders.OrderRow::orderKey),
        column(orders, NewOrders.OrderRow::custKey),
        column(orders, NewOrders.OrderRow::status),
        column(orders, NewOrders.OrderRow::totalPrice),
        column(orders, o -> o.orderDate().toString()),
        column(orders, NewOrders.OrderRow::priority),
        column(orders, NewOrders.OrderRow::clerk),
        column(orders, o -> (long) o.shipPriority()),
        column(orders, NewOrders.OrderRow::comment)));
  }

  private long insertLines(Connection c, List<NewOrders.LineRow> lines) throws SQLException {
    return insert(c, TpchSchema.table("lineitem"), List.of(
        column(lines, NewOrders.LineRow::orderKey),
        column(lines, NewOrders.LineRow::partKey),
        column(lines, NewOrders.LineRow::suppKey),
        column(lines, l -> (long) l.lineNumber()),
        column(lines, NewOrders.LineRow::quantity),
        column(lines, NewOrders.LineRow::extendedPrice),
        column(lines, NewOrders.LineRow::discount),
        column(lines, NewOrders.LineRow::tax),
        column(lines, NewOrders.LineRow::returnFlag),
        column(lines, NewOrders.LineRow::lineStatus),
        column(lines, l -> l.shipDate().toString()),
        column(lines, l -> l.commitDate().toString()),
        column(lines, l -> l.receiptDate().toString()),
        column(lines, NewOrders.LineRow::shipInstruct),
        column(lines, NewOrders.LineRow::shipMode),
        column(lines, NewOrders.LineRow::comment)));
  }

  /** RF2: up to {@code batchSize} existing orders, picked at random, and their line items. */
  public RefreshResult rf2(Connection c) throws SQLException {
    return rf2(c, 1);
  }

  /**
   * RF2's deletions, the same orders as {@link #rf2(Connection)} would delete, in {@code transactions}
   * transactions of consecutive orders (ascending keys), each with its line items.
   */
  public RefreshResult rf2(Connection c, int transactions) throws SQLException {
    return inTransactions(c, RefreshFunction.RF2, transactions, random -> {
      Long[] orderKeys = rf2Keys(c, random);
      List<Slice> slices = new ArrayList<>();
      for (int t = 0; t < transactions; t++) {
        Long[] part = Arrays.copyOfRange(orderKeys, t * orderKeys.length / transactions,
            (t + 1) * orderKeys.length / transactions);
        // Line items first: the foreign key lineitem → orders has no ON DELETE CASCADE.
        slices.add(() -> List.of(
            new StatementRows("lineitem", "delete", deleteByKeys(c, "lineitem", "l_orderkey", part)),
            new StatementRows("orders", "delete", deleteByKeys(c, "orders", "o_orderkey", part))));
      }
      return slices;
    }, "RF2");
  }

  /**
   * The order keys the next {@link #rf2} call will delete (the same draws, without making the call): what
   * a benchmark saves to put the rows back afterwards.
   */
  public List<Long> nextRf2Keys(Connection c) throws SQLException {
    return List.of(rf2Keys(c, new Random(callSeed(RefreshFunction.RF2))));
  }

  private Long[] rf2Keys(Connection c, Random random) throws SQLException {
    return new RowPicker(c, schema).pick(RowPicker.ORDERS, random, batchSize).stream().map(k -> k[0])
        .toArray(Long[]::new);
  }

  /**
   * RF3: one {@code UPDATE} per changed column, each on up to {@code batchSize} rows picked at
   * random: group keys ({@code c_mktsegment}, {@code o_orderpriority}, {@code l_returnflag},
   * {@code l_shipmode}), values ({@code l_extendedprice}, {@code l_discount},
   * {@code o_totalprice}, {@code ps_supplycost}), filter columns ({@code l_quantity},
   * {@code l_shipdate}, {@code o_orderdate}) and join keys ({@code o_custkey} to another customer,
   * {@code c_nationkey} to another nation, {@code l_suppkey} to another supplier of the same part,
   * {@code l_partkey} to another part of the same supplier: both stay in partsupp).
   */
  public RefreshResult rf3(Connection c) throws SQLException {
    return inTransaction(c, RefreshFunction.RF3, random -> {
      var picker = new RowPicker(c, schema);
      var results = new ArrayList<StatementRows>();
      for (DrawnUpdate u : DRAWN_UPDATES) {
        List<long[]> keys = picker.pick(u.rows(), random, batchSize);
        var values = new ArrayList<Object>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
          values.add(u.draw().apply(random));
        }
        long rows = update(c, u.rows(), u.column(), u.change(), u.valueType(), keys, values);
        results.add(new StatementRows(u.rows().table(), "update " + u.column() + " (" + u.role() + ")",
            rows));
      }
      results.add(moveToOtherRow(c, picker, random, RowPicker.ORDERS, "o_custkey", RowPicker.CUSTOMER));
      results.add(moveToOtherRow(c, picker, random, RowPicker.CUSTOMER, "c_nationkey", RowPicker.NATION));
      results.add(swapWithinPartsupp(c, picker, random, "l_suppkey", "ps_suppkey", "l_partkey",
          "ps_partkey"));
      results.add(swapWithinPartsupp(c, picker, random, "l_partkey", "ps_partkey", "l_suppkey",
          "ps_suppkey"));
      return new RefreshResult("RF3", results);
    });
  }

  /** Sets {@code column} of picked rows of {@code rows} to keys picked in {@code targets}. */
  private StatementRows moveToOtherRow(Connection c, RowPicker picker, Random random, KeySpace rows,
                                       String column, KeySpace targets) throws SQLException {
    List<long[]> keys = picker.pick(rows, random, batchSize);
    List<long[]> candidates = picker.pick(targets, random, batchSize);
    var values = new ArrayList<Object>(keys.size());
    for (int i = 0; i < keys.size() && !candidates.isEmpty(); i++) {
      values.add(candidates.get(random.nextInt(candidates.size()))[0]);
    }
    long updated = candidates.isEmpty() ? 0
        : update(c, rows, column, Change.SET, "bigint", keys, values);
    return new StatementRows(rows.table(), "update " + column + " (join key)", updated);
  }

  /**
   * Changes one half of lineitem's (l_partkey, l_suppkey) to another pair partsupp lists with the
   * same other half, so all three lineitem foreign keys still hold.
   */
  private StatementRows swapWithinPartsupp(Connection c, RowPicker picker, Random random,
                                           String lineColumn, String partsuppColumn,
                                           String keptLineColumn, String keptPartsuppColumn)
      throws SQLException {
    List<long[]> picked = picker.pick(RowPicker.LINEITEM, random, batchSize);
    String sql = """
        SELECT l.%1$s, l.%2$s, array_agg(ps.%3$s ORDER BY ps.%3$s)
        FROM unnest(?::bigint[], ?::bigint[]) AS u(k1, k2)
        JOIN %4$s AS l ON l.%1$s = u.k1 AND l.%2$s = u.k2
        JOIN %5$s AS ps ON ps.%6$s = l.%7$s AND ps.%3$s <> l.%8$s
        GROUP BY l.%1$s, l.%2$s
        ORDER BY 1, 2""".formatted(
        identifier("l_orderkey"), identifier("l_linenumber"), identifier(partsuppColumn),
        qualified(schema, "lineitem"), qualified(schema, "partsupp"),
        identifier(keptPartsuppColumn), identifier(keptLineColumn), identifier(lineColumn));
    var keys = new ArrayList<long[]>();
    var values = new ArrayList<Object>();
    try (var statement = c.prepareStatement(sql)) {
      statement.setArray(1, c.createArrayOf("int8", picked.stream().map(k -> k[0]).toArray()));
      statement.setArray(2, c.createArrayOf("int8", picked.stream().map(k -> k[1]).toArray()));
      try (var rows = statement.executeQuery()) {
        while (rows.next()) {
          Long[] alternatives = convertToLongs(rows.getArray(3).getArray());
          keys.add(new long[] {rows.getLong(1), rows.getLong(2)});
          values.add(alternatives[random.nextInt(alternatives.length)]);
        }
      }
    }
    long updated = update(c, RowPicker.LINEITEM, lineColumn, Change.SET, "bigint", keys, values);
    return new StatementRows("lineitem", "update " + lineColumn + " (join key)", updated);
  }

  /**
   * {@code UPDATE table AS t SET column = <change> FROM unnest(keys..., values) AS u(k1, .., v)
   * WHERE t.key1 = u.k1 ...}: one statement for all picked rows.
   */
  private long update(Connection c, KeySpace rows, String column, Change change, String valueType,
                      List<long[]> keys, List<Object> values) throws SQLException {
    if (keys.isEmpty()) {
      return 0;
    }
    int width = rows.keys().size();
    String keyArrays = String.join(", ", Collections.nCopies(width, "?::bigint[]"));
    String keyNames = IntStream.rangeClosed(1, width).mapToObj(i -> "k" + i)
        .collect(Collectors.joining(", "));
    String match = IntStream.range(0, width)
        .mapToObj(i -> "t." + identifier(rows.keys().get(i)) + " = u.k" + (i + 1))
        .collect(Collectors.joining(" AND "));
    String sql = "UPDATE " + qualified(schema, rows.table()) + " AS t\n"
        + "SET " + identifier(column) + " = " + change.expression(column) + "\n"
        + "FROM unnest(" + keyArrays + ", ?::" + valueType + "[]) AS u(" + keyNames + ", v)\n"
        + "WHERE " + match;
    try (var statement = c.prepareStatement(sql)) {
      for (int i = 0; i < width; i++) {
        int component = i;
        statement.setArray(i + 1, c.createArrayOf("int8",
            keys.stream().map(k -> k[component]).toArray()));
      }
      statement.setArray(width + 1, c.createArrayOf(arrayElementType(valueType), values.toArray()));
      return statement.executeLargeUpdate();
    }
  }

  private long deleteByKeys(Connection c, String table, String keyColumn, Long[] keys)
      throws SQLException {
    if (keys.length == 0) {
      return 0;
    }
    String sql = "DELETE FROM " + qualified(schema, table) + " WHERE " + identifier(keyColumn)
        + " = ANY (?::bigint[])";
    try (var statement = c.prepareStatement(sql)) {
      statement.setArray(1, c.createArrayOf("int8", keys));
      return statement.executeLargeUpdate();
    }
  }

  /**
   * {@code INSERT INTO table (columns) SELECT * FROM unnest(?::type[], ...)}: one statement for
   * the whole batch; {@code columns} holds one array per table column, in table order.
   */
  private long insert(Connection c, TpchSchema.Table table, List<Object[]> columns)
      throws SQLException {
    if (columns.getFirst().length == 0) {
      return 0;
    }
    String names = table.columnNames().stream().map(Quoting::identifier)
        .collect(Collectors.joining(", "));
    String arrays = table.columns().stream()
        .map(col -> "?::" + arrayCastType(col.type()) + "[]")
        .collect(Collectors.joining(", "));
    String sql = "INSERT INTO " + qualified(schema, table.name()) + " (" + names + ")\n"
        + "SELECT * FROM unnest(" + arrays + ")";
    try (var statement = c.prepareStatement(sql)) {
      for (int i = 0; i < columns.size(); i++) {
        String castType = arrayCastType(table.columns().get(i).type());
        statement.setArray(i + 1, c.createArrayOf(arrayElementType(castType), columns.get(i)));
      }
      return statement.executeLargeUpdate();
    }
  }

  private NewOrders.Bounds rf1Bounds(Connection c) throws SQLException {
    String sql = "SELECT (SELECT max(" + identifier("o_orderkey") + ") FROM " + qualified(schema, "orders") + "),"
        + " (SELECT max(" + identifier("c_custkey") + ") FROM " + qualified(schema, "customer") + "),"
        + " (SELECT max(" + identifier("p_partkey") + ") FROM " + qualified(schema, "part") + "),"
        + " (SELECT max(" + identifier("s_suppkey") + ") FROM " + qualified(schema, "supplier") + ")";
    try (var statement = c.createStatement(); var rows = statement.executeQuery(sql)) {
      rows.next();
      // getLong reads NULL (empty table) as 0, which Bounds then refuses with a message
      return new NewOrders.Bounds(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4));
    }
  }

  /** Retail price and suppliers of each part, one query for the whole batch. */
  private Map<Long, NewOrders.PartOffer> partOffers(Connection c, long[] partKeys)
      throws SQLException {
    String sql = """
        SELECT p.%1$s, p.%2$s, array_agg(ps.%3$s ORDER BY ps.%3$s)
        FROM %4$s AS p
        JOIN %5$s AS ps ON ps.%6$s = p.%1$s
        WHERE p.%1$s = ANY (?::bigint[])
        GROUP BY p.%1$s, p.%2$s""".formatted(
        identifier("p_partkey"), identifier("p_retailprice"), identifier("ps_suppkey"),
        qualified(schema, "part"), qualified(schema, "partsupp"), identifier("ps_partkey"));
    var offers = new HashMap<Long, NewOrders.PartOffer>();
    try (var statement = c.prepareStatement(sql)) {
      Long[] keys = new Long[partKeys.length];
      for (int i = 0; i < partKeys.length; i++) {
        keys[i] = partKeys[i];
      }
      statement.setArray(1, c.createArrayOf("int8", keys));
      try (var rows = statement.executeQuery()) {
        while (rows.next()) {
          Long[] suppliers = convertToLongs(rows.getArray(3).getArray());
          offers.put(rows.getLong(1),
              new NewOrders.PartOffer(rows.getBigDecimal(2), List.of(suppliers)));
        }
      }
    }
    return offers;
  }

  /** Runs {@code work} with a fresh per-call random stream in one transaction, then commits. */
  private RefreshResult inTransaction(Connection c, RefreshFunction function, Work work)
      throws SQLException {
    Random random = new Random(callSeed(function));
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      RefreshResult result = work.run(random);
      c.commit();
      // Counted only once committed: a failed call that is retried makes the same changes.
      completedCalls[function.ordinal()]++;
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Runs {@code work} with the call's random stream in the first of {@code transactions} transactions; it
   * returns one slice per transaction, and each slice runs and commits in turn (the first in the same
   * transaction as {@code work}). A failure rolls back the transaction it happened in; earlier slices stay.
   */
  private RefreshResult inTransactions(Connection c, RefreshFunction function, int transactions, SlicedWork work,
      String name) throws SQLException {
    if (transactions < 1) {
      throw new IllegalArgumentException("at least one transaction, got " + transactions);
    }
    Random random = new Random(callSeed(function));
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      List<StatementRows> rows = new ArrayList<>();
      for (Slice slice : work.run(random)) {
        rows.addAll(slice.run());
        c.commit();
      }
      completedCalls[function.ordinal()]++;
      // one line per table and action, as the single-transaction call reports it
      Map<List<String>, Long> merged = new LinkedHashMap<>();
      rows.forEach(r -> merged.merge(List.of(r.table(), r.action()), r.rows(), Long::sum));
      List<StatementRows> statements = new ArrayList<>();
      merged.forEach((k, v) -> statements.add(new StatementRows(k.get(0), k.get(1), v)));
      return new RefreshResult(name, statements);
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** The statements of one transaction of a call split into several. */
  @FunctionalInterface
  private interface Slice {
    List<StatementRows> run() throws SQLException;
  }

  @FunctionalInterface
  private interface SlicedWork {
    List<Slice> run(Random random) throws SQLException;
  }

  /**
   * One independent stream per (seed, function, call number), so RF3's k-th changes do not depend
   * on how many RF1 calls came before. SplitMix64's finaliser spreads nearby inputs apart.
   */
  private long callSeed(RefreshFunction function) {
    long h = mix(seed);
    h = mix(h ^ (function.ordinal() + 1));
    return mix(h ^ completedCalls[function.ordinal()]);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @FunctionalInterface
  private interface Work {
    RefreshResult run(Random random) throws SQLException;
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (var statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  private static <R> Object[] column(List<R> rows, Function<R, Object> value) {
    return rows.stream().map(value).toArray();
  }

  /** The SQL type the bound array is cast to: text for char/varchar, so lengths are checked on assignment. */
  private static String arrayCastType(String columnType) {
    if (columnType.startsWith("numeric")) {
      return "numeric";
    }
    if (columnType.startsWith("char") || columnType.startsWith("varchar")) {
      return "text";
    }
    return switch (columnType) {
      case "integer", "bigint" -> "bigint";
      case "date" -> "date";
      default -> throw new IllegalArgumentException("no array binding for column type " + columnType);
    };
  }

  /** The element type pgjdbc builds the array as; dates travel as ISO text and are cast. */
  private static String arrayElementType(String castType) {
    return switch (castType) {
      case "bigint" -> "int8";
      case "integer" -> "int4";
      case "numeric" -> "numeric";
      case "text", "date" -> "text";
      default -> throw new IllegalArgumentException("no array element type for " + castType);
    };
  }

  private static Long[] convertToLongs(Object sqlArray) {
    if (sqlArray instanceof Long[] longs) {
      return longs;
    }
    if (sqlArray instanceof Integer[] ints) {
      Long[] longs = new Long[ints.length];
      for (int i = 0; i < ints.length; i++) {
        longs[i] = ints[i].longValue();
      }
      return longs;
    }
    throw new IllegalStateException("expected an integer array, got " + sqlArray.getClass());
  }

  /** 0.90 .. 1.10, never 1.00: every scaled value really changes (unless it is 0). */
  private static Object priceFactor(Random random) {
    int percent = 90 + random.nextInt(20);
    return BigDecimal.valueOf(percent >= 100 ? percent + 1 : percent, 2);
  }

  /** -60 .. +60 days, never 0. */
  private static Object dayShift(Random random) {
    int days = 1 + random.nextInt(60);
    return random.nextBoolean() ? days : -days;
  }
}
