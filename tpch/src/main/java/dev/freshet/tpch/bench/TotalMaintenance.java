package dev.freshet.tpch.bench;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.runtime.oracle.BagComparison;
import dev.freshet.runtime.streamtable.StreamTableVerifier;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tpch.RefreshResult;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchRefresh;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What maintaining the queries costs per batch of writes, in total: Freshet's capture overhead on the writer
 * plus its refresh, against the writer alone and, when asked for, against pg_ivm maintaining the same queries
 * inside the writing transactions. For each refresh function (RF1: new orders, RF2: deleted orders) and each
 * shape (the batch as one transaction, and as {@code transactions} smaller ones between two refreshes), every
 * round writes the <em>same rows</em> under each setup in turn:
 *
 * <ul>
 *   <li>{@link Setup#NONE}: Freshet's capture triggers disabled and pg_ivm's too: the writer alone;</li>
 *   <li>{@link Setup#FRESHET}: capture on; after the writes, {@code CALL freshet.refresh(name)} of each stream
 *       table, timed one by one;</li>
 *   <li>{@link Setup#PG_IVM}: pg_ivm's triggers on, Freshet's off.</li>
 * </ul>
 *
 * <p>After each setup the batch is undone, untimed and with that setup's maintenance on (RF1's orders deleted,
 * RF2's orders and line items, saved before, inserted again), and under FRESHET the stream tables refreshed
 * again; the data are then what they were, and the next setup's fresh {@link TpchRefresh} of the same seed makes
 * the same changes (the k-th call of a seed on the same data does). A setup with some maintenance off writes and
 * undoes with it off, so what it maintains never sees either and stays right. The setups' order rotates round by
 * round. Before the rounds, one warm-up batch of each function under FRESHET is refreshed through the command
 * line's refresh, which installs the refresh programs for the sources RF1 and RF2 change. At the end both
 * maintenances are on, and every stream table and IMMV is compared with its query.
 */
public final class TotalMaintenance {

  /** Who maintains the queries while the batch is written. */
  public enum Setup {
    NONE, FRESHET, PG_IVM
  }

  /**
   * One refresh function in one shape: per setup the writer's time per round, the Freshet refresh of each
   * stream table per round, and the rows the function wrote.
   */
  public record Cell(String function, int transactions, long rows, Map<Setup, List<Long>> writer,
      Map<Integer, List<Long>> refresh) {

    /** Per round: the writer with {@code setup} minus the writer alone, in nanoseconds. */
    public List<Long> overhead(Setup setup) {
      List<Long> with = writer.get(setup);
      List<Long> without = writer.get(Setup.NONE);
      List<Long> out = new ArrayList<>();
      for (int r = 0; r < Math.min(with.size(), without.size()); r++) {
        out.add(with.get(r) - without.get(r));
      }
      return out;
    }

    /** Per round: the refresh of every stream table, summed. */
    public List<Long> refreshAll() {
      List<Long> out = new ArrayList<>();
      for (List<Long> perQuery : refresh.values()) {
        for (int r = 0; r < perQuery.size(); r++) {
          if (out.size() <= r) {
            out.add(0L);
          }
          out.set(r, out.get(r) + perQuery.get(r));
        }
      }
      return out;
    }

    /** Per round: Freshet's capture overhead plus its refresh. */
    public List<Long> freshetTotal() {
      List<Long> overhead = overhead(Setup.FRESHET);
      List<Long> refreshes = refreshAll();
      List<Long> out = new ArrayList<>();
      for (int r = 0; r < Math.min(overhead.size(), refreshes.size()); r++) {
        out.add(overhead.get(r) + refreshes.get(r));
      }
      return out;
    }
  }

  /** The measurement: the queries both maintain, the cells, and what did not match its query at the end. */
  public record Result(List<Integer> queries, List<Cell> cells, List<String> mismatches) {
  }

  /** The key of the refresh times under which a refresh together keeps what is not any one stream table's. */
  public static final int COMMIT_AND_CLEANUPS = 0;

  private static final String SAVED_ORDERS = "freshet_bench_saved_orders";
  private static final String SAVED_LINEITEM = "freshet_bench_saved_lineitem";

  private final Connection c;
  private final List<Integer> queries;
  private final boolean pgIvm;
  private final boolean together;
  private final Consumer<String> progress;
  private Setup current;

  /**
   * @param queries the stream tables (and IMMVs) that exist, {@code qNN} (and {@code ivm_qNN})
   * @param pgIvm whether pg_ivm's IMMVs exist and take part
   * @param together whether Freshet's stream tables are refreshed together ({@code freshet.refresh_together}, as the
   *     command line's {@code refresh --all} and the service refresh them), else by {@code CALL freshet.refresh} each
   */
  public TotalMaintenance(Connection c, List<Integer> queries, boolean pgIvm, boolean together,
      Consumer<String> progress) {
    this.c = c;
    this.queries = List.copyOf(queries);
    this.pgIvm = pgIvm;
    this.together = together;
    this.progress = progress;
  }

  /**
   * Runs the warm-up and {@code rounds} rounds of RF1 and RF2 in each shape ({@code shapes}: numbers of
   * transactions per batch), {@code batch} orders per batch; the k-th round's batches come from seed
   * {@code seed + k}.
   */
  public Result measure(int batch, long seed, int rounds, List<Integer> shapes) throws SQLException {
    List<Setup> setups = pgIvm ? List.of(Setup.NONE, Setup.FRESHET, Setup.PG_IVM) : List.of(Setup.NONE,
        Setup.FRESHET);
    Map<String, Cell> cells = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int shape : shapes) {
      for (String function : List.of("RF1", "RF2")) {
        Map<Setup, List<Long>> writer = new EnumMap<>(Setup.class);
        setups.forEach(s -> writer.put(s, new ArrayList<>()));
        Map<Integer, List<Long>> refresh = new LinkedHashMap<>();
        queries.forEach(q -> refresh.put(q, new ArrayList<>()));
        if (together) {
          refresh.put(COMMIT_AND_CLEANUPS, new ArrayList<>());
        }
        cells.put(function + "x" + shape, new Cell(function, shape, 0, writer, refresh));
      }
    }
    try {
      progress.accept("warm-up (not measured): RF1 and RF2 with capture, refreshed by the command line's refresh");
      for (String function : List.of("RF1", "RF2")) {
        setup(Setup.FRESHET);
        TpchRefresh warm = new TpchRefresh("public", seed, batch);
        Undo undo = prepare(function, warm);
        write(function, warm, 1);
        refreshEach(true);
        undo.run();
        refreshEach(true);
      }
      int turn = 0;
      for (int r = 1; r <= rounds; r++) {
        for (int shape : shapes) {
          for (String function : List.of("RF1", "RF2")) {
            Cell cell = cells.get(function + "x" + shape);
            turn++; // which setup goes first rotates
            java.util.Set<Long> written = new java.util.TreeSet<>();
            for (int i = 0; i < setups.size(); i++) {
              Setup setup = setups.get((i + turn) % setups.size());
              long rows = one(cell, setup, new TpchRefresh("public", seed + r, batch), r, rounds);
              written.add(rows);
              cells.put(function + "x" + shape, cell = new Cell(cell.function(), shape, Math.max(rows, cell.rows()),
                  cell.writer(), cell.refresh()));
            }
            if (written.size() > 1) {
              // the undo did not restore the data: the setups were not compared on the same rows
              problems.add("round " + r + ", " + function + " in " + shape + " transactions: the setups wrote "
                  + written + " rows, not the same batch");
            }
          }
        }
      }
    } finally {
      restoreAll();
    }
    progress.accept("checking every stream table" + (pgIvm ? " and IMMV" : "") + " against its query");
    List<String> mismatches = new ArrayList<>(problems);
    for (int q : queries) {
      StreamTableVerifier.Verification v = StreamTableVerifier.verify(c, TpchQueries.name(q));
      if (!v.ok()) {
        mismatches.add(TpchQueries.name(q) + ": " + v.summary());
      }
      if (pgIvm) {
        BagComparison.Result immv = PgIvm.verify(c, q);
        if (!immv.equal()) {
          mismatches.add(PgIvm.name(q) + ": " + immv.summary());
        }
      }
    }
    return new Result(queries, List.copyOf(cells.values()), mismatches);
  }

  /** One function, one shape, one setup: the timed writes, under FRESHET the timed refreshes, then the undo. */
  private long one(Cell cell, Setup setup, TpchRefresh refresh, int round, int rounds) throws SQLException {
    setup(setup);
    Undo undo = prepare(cell.function(), refresh);
    long start = System.nanoTime();
    RefreshResult result = write(cell.function(), refresh, cell.transactions());
    long writer = System.nanoTime() - start;
    cell.writer().get(setup).add(writer);
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d of %d: %s in %d transaction%s, %s: "
        + "%s in %.1f ms", round, rounds, cell.function(), cell.transactions(), cell.transactions() == 1 ? "" : "s",
        label(setup), MaintenanceRun.describe(result), writer / 1e6));
    if (setup == Setup.FRESHET) {
      Map<Integer, Long> times = refreshEach(false);
      times.forEach((q, nanos) -> cell.refresh().get(q).add(nanos));
      line.append(String.format(Locale.ROOT, ", refresh of %d stream tables %.1f ms", queries.size(),
          times.values().stream().mapToLong(Long::longValue).sum() / 1e6));
    }
    progress.accept(line.toString());
    undo.run();
    if (setup == Setup.FRESHET) {
      refreshEach(false);
    }
    return result.totalRows();
  }

  private RefreshResult write(String function, TpchRefresh refresh, int transactions) throws SQLException {
    return function.equals("RF1") ? refresh.rf1(c, transactions) : refresh.rf2(c, transactions);
  }

  /** What puts the data back after a batch. */
  @FunctionalInterface
  private interface Undo {
    void run() throws SQLException;
  }

  /**
   * Before a batch: RF1's undo deletes the orders above today's largest key (and their line items); RF2's
   * saves the orders the batch will delete, and their line items, to insert them again.
   */
  private Undo prepare(String function, TpchRefresh refresh) throws SQLException {
    String orders = Quoting.qualified("public", "orders");
    String lineitem = Quoting.qualified("public", "lineitem");
    if (function.equals("RF1")) {
      long max;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max("
          + Quoting.identifier("o_orderkey") + ") FROM " + orders)) {
        rs.next();
        max = rs.getLong(1);
      }
      return () -> inTransaction(
          "DELETE FROM " + lineitem + " WHERE " + Quoting.identifier("l_orderkey") + " > " + max,
          "DELETE FROM " + orders + " WHERE " + Quoting.identifier("o_orderkey") + " > " + max);
    }
    List<Long> keys = refresh.nextRf2Keys(c);
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS pg_temp." + SAVED_ORDERS + ", pg_temp." + SAVED_LINEITEM);
      s.execute("CREATE TEMP TABLE " + SAVED_ORDERS + " (LIKE " + orders + ")");
      s.execute("CREATE TEMP TABLE " + SAVED_LINEITEM + " (LIKE " + lineitem + ")");
    }
    Long[] array = keys.toArray(Long[]::new);
    for (String[] t : new String[][] {{SAVED_ORDERS, orders, "o_orderkey"}, {SAVED_LINEITEM, lineitem, "l_orderkey"}}) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO pg_temp." + t[0] + " SELECT * FROM " + t[1]
          + " WHERE " + Quoting.identifier(t[2]) + " = ANY (?::bigint[])")) {
        ps.setArray(1, c.createArrayOf("int8", array));
        ps.executeUpdate();
      }
    }
    return () -> inTransaction(
        "INSERT INTO " + orders + " SELECT * FROM pg_temp." + SAVED_ORDERS,
        "INSERT INTO " + lineitem + " SELECT * FROM pg_temp." + SAVED_LINEITEM,
        "DROP TABLE pg_temp." + SAVED_ORDERS + ", pg_temp." + SAVED_LINEITEM);
  }

  private void inTransaction(String... statements) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /**
   * Refreshes every stream table, one after the other, and returns each one's time: {@code CALL
   * freshet.refresh(name)}, the refresh as any SQL client runs it, or with {@code commandLine} the command
   * line's refresh (which also installs a refresh program for a set of changed sources met for the first time).
   */
  private Map<Integer, Long> refreshEach(boolean commandLine) throws SQLException {
    Map<Integer, Long> times = new LinkedHashMap<>();
    if (together && !commandLine) {
      // each stream table's time inside the transaction; the rest of the call (the commit, the buffers' cleanups and
      // any refreshed alone after it) under COMMIT_AND_CLEANUPS
      long start = System.nanoTime();
      List<String> names = queries.stream().map(TpchQueries::name).toList();
      StreamTables.Together done = StreamTables.refreshTogether(c, names, false, false);
      long inside = 0;
      for (int i = 0; i < queries.size(); i++) {
        if (done.reports().get(i).isEmpty()) {
          StreamTables.refresh(c, names.get(i));
          continue;
        }
        long nanos = done.reports().get(i).get().millis() * 1_000_000;
        times.put(queries.get(i), nanos);
        inside += nanos;
      }
      times.put(COMMIT_AND_CLEANUPS, System.nanoTime() - start - inside);
      return times;
    }
    for (int q : queries) {
      String name = TpchQueries.name(q);
      long start = System.nanoTime();
      if (commandLine) {
        StreamTables.refresh(c, name);
      } else {
        try (PreparedStatement ps = c.prepareStatement("CALL freshet.refresh(?)")) {
          ps.setString(1, Quoting.qualified("public", name));
          ps.execute();
        }
      }
      times.put(q, System.nanoTime() - start);
    }
    return times;
  }

  /** Switches Freshet's capture and pg_ivm's maintenance to what {@code setup} needs. */
  private void setup(Setup setup) throws SQLException {
    if (setup == current) {
      return;
    }
    WriterOverhead.capture(c, setup == Setup.FRESHET);
    if (pgIvm) {
      PgIvm.maintain(c, setup == Setup.PG_IVM);
    }
    if (setup == Setup.FRESHET && current != null) {
      // Capture enabled again by name writes the triggers' rows anew, and the next refresh of each stream table
      // recomputes in full (catalog V45: writes may have gone uncaptured meanwhile): done here, untimed, so that the
      // timed refresh reads the batch alone. The data is as it was (each batch was undone).
      refreshEach(true);
    }
    current = setup;
  }

  /** Both maintenances on, as they were before the run. */
  private void restoreAll() throws SQLException {
    WriterOverhead.capture(c, true);
    if (pgIvm) {
      PgIvm.maintain(c, true);
    }
    current = null;
  }

  private static String label(Setup setup) {
    return switch (setup) {
      case NONE -> "no maintenance";
      case FRESHET -> "Freshet capturing";
      case PG_IVM -> "pg_ivm maintaining";
    };
  }
}
