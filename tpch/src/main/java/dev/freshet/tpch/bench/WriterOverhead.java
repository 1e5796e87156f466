package dev.freshet.tpch.bench;

import dev.freshet.codegen.ddl.CaptureEvent;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.runtime.streamtable.StreamTableVerifier;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tpch.RefreshResult;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchRefresh;
import dev.freshet.tpch.TpchSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What change capture costs the writers: the TPC-H refresh functions timed with the stream tables of
 * {@code queries} capturing their sources and without capture, in one run on one database. The two
 * alternate round by round (which goes first alternates too), so that the data, its bloat and the caches
 * are the same for both; without means the capture triggers for INSERT, UPDATE and DELETE disabled by name on
 * the TPC-H tables ({@link #capture}), after which every stream table is recomputed ({@code refresh --full}, untimed)
 * since it missed those changes. After a round with capture every stream table is refreshed (untimed), so
 * the change buffers are cleaned as in operation. The stream tables are verified at the end.
 */
public final class WriterOverhead {

  /** One refresh function's times: without and with capture, per round, in nanoseconds. */
  public record FunctionTimes(String function, long rows, List<Long> without, List<Long> with) {
    public double ratio() {
      return Stats.median(with) / Stats.median(without);
    }
  }

  /** The measurement, and the stream tables that did not match their query at the end. */
  public record Result(List<FunctionTimes> functions, int streamTables, List<String> mismatches) {
  }

  private WriterOverhead() {
  }

  /**
   * Creates the stream tables of {@code queries} (DIFFERENTIAL), runs a warm-up round and a refresh, then
   * {@code rounds} pairs of rounds, one with capture and one without.
   */
  public static Result measure(Connection c, List<Integer> queries, TpchRefresh refresh, int rounds,
      Consumer<String> progress) throws SQLException {
    MaintenanceRun run = new MaintenanceRun(c, queries, refresh, progress);
    int created = (int) run.createStreamTables().stream().filter(x -> x.error().isEmpty()).count();
    progress.accept("warm-up round with " + created + " stream tables capturing (not measured)");
    round(c, refresh);
    refreshAll(c, queries, false);
    List<List<Long>> without = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<List<Long>> with = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    long[] rows = new long[3];
    for (int r = 1; r <= rounds; r++) {
      for (boolean capturing : r % 2 == 1 ? new boolean[] {true, false} : new boolean[] {false, true}) {
        progress.accept("round " + r + " of " + rounds + (capturing ? " with " + created + " stream tables capturing"
            : " without capture"));
        if (!capturing) {
          capture(c, false);
        }
        List<RefreshResult> results = round(c, refresh, capturing ? with : without);
        for (int f = 0; f < 3; f++) {
          rows[f] = Math.max(rows[f], results.get(f).totalRows());
        }
        if (!capturing) {
          capture(c, true);
        }
        refreshAll(c, queries, !capturing); // after uncaptured changes: recomputed
      }
    }
    List<String> mismatches = new ArrayList<>();
    for (int q : queries) {
      String name = TpchQueries.name(q);
      if (StreamTables.list(c).stream().noneMatch(st -> st.name().name().equals(name))) {
        continue;
      }
      StreamTableVerifier.Verification v = StreamTableVerifier.verify(c, name);
      if (!v.ok()) {
        mismatches.add(name + ": " + v.summary());
      }
    }
    List<String> names = List.of("RF1", "RF2", "RF3");
    List<FunctionTimes> functions = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      functions.add(new FunctionTimes(names.get(f), rows[f], without.get(f), with.get(f)));
    }
    return new Result(functions, created, mismatches);
  }

  /**
   * Enables or disables Freshet's capture of rows on the TPC-H tables: its statement triggers for INSERT, UPDATE and
   * DELETE, by name. Not {@code ENABLE TRIGGER USER}, which would also enable the replica triggers for the default
   * mode, a mark the next capture check takes for writes gone uncaptured (catalog V44), making the next refresh
   * recompute; they do not fire in the default mode, so the two setups differ in the capture triggers alone.
   */
  static void capture(Connection c, boolean on) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (TpchSchema.Table table : TpchSchema.TABLES) {
        for (CaptureEvent event : List.of(CaptureEvent.INSERT, CaptureEvent.UPDATE, CaptureEvent.DELETE)) {
          if (hasTrigger(c, table.name(), event.triggerName())) {
            s.execute("ALTER TABLE " + Quoting.qualified("public", table.name()) + (on ? " ENABLE" : " DISABLE")
                + " TRIGGER " + Quoting.identifier(event.triggerName()));
          }
        }
      }
    }
  }

  private static boolean hasTrigger(Connection c, String table, String trigger) throws SQLException {
    try (var ps = c.prepareStatement("SELECT EXISTS (SELECT FROM pg_catalog.pg_trigger "
        + "WHERE tgrelid = to_regclass(?) AND tgname = ?)")) {
      ps.setString(1, Quoting.qualified("public", table));
      ps.setString(2, trigger);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static List<RefreshResult> round(Connection c, TpchRefresh refresh) throws SQLException {
    return round(c, refresh, List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
  }

  private static List<RefreshResult> round(Connection c, TpchRefresh refresh, List<List<Long>> times)
      throws SQLException {
    List<RefreshResult> results = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      long start = System.nanoTime();
      results.add(switch (f) {
        case 0 -> refresh.rf1(c);
        case 1 -> refresh.rf2(c);
        default -> refresh.rf3(c);
      });
      times.get(f).add(System.nanoTime() - start);
    }
    return results;
  }

  private static void refreshAll(Connection c, List<Integer> queries, boolean recompute) throws SQLException {
    for (int q : queries) {
      String name = TpchQueries.name(q);
      if (StreamTables.list(c).stream().anyMatch(st -> st.name().name().equals(name))) {
        StreamTables.refresh(c, name, false, recompute);
      }
    }
  }
}
