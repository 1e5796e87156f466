package dev.freshet.tpch.bench;

import dev.freshet.runtime.streamtable.StreamTableVerifier;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tpch.RefreshResult;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchRefresh;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What change capture costs the writers: the TPC-H refresh functions timed without any stream table, then
 * with the stream tables of {@code queries} capturing their sources, in one run on one database. Between
 * the measured rounds with capture, every stream table is refreshed (not timed), so the change buffers are
 * cleaned as in operation; the stream tables are verified at the end.
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
   * Runs a warm-up round, {@code rounds} rounds without stream tables, creates the stream tables of
   * {@code queries} (DIFFERENTIAL), a warm-up round and a refresh, then {@code rounds} rounds with them.
   */
  public static Result measure(Connection c, List<Integer> queries, TpchRefresh refresh, int rounds,
      Consumer<String> progress) throws SQLException {
    progress.accept("warm-up round without stream tables (not measured)");
    round(c, refresh);
    List<List<Long>> without = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    long[] rows = new long[3];
    for (int r = 1; r <= rounds; r++) {
      progress.accept("round " + r + " of " + rounds + " without stream tables");
      List<RefreshResult> results = round(c, refresh, without);
      for (int f = 0; f < 3; f++) {
        rows[f] = Math.max(rows[f], results.get(f).totalRows());
      }
    }
    MaintenanceRun run = new MaintenanceRun(c, queries, refresh, progress);
    int created = (int) run.createStreamTables().stream().filter(x -> x.error().isEmpty()).count();
    progress.accept("warm-up round with " + created + " stream tables capturing (not measured)");
    round(c, refresh);
    refreshAll(c, queries);
    List<List<Long>> with = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int r = 1; r <= rounds; r++) {
      progress.accept("round " + r + " of " + rounds + " with " + created + " stream tables capturing");
      round(c, refresh, with);
      refreshAll(c, queries);
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

  private static void refreshAll(Connection c, List<Integer> queries) throws SQLException {
    for (int q : queries) {
      String name = TpchQueries.name(q);
      if (StreamTables.list(c).stream().anyMatch(st -> st.name().name().equals(name))) {
        StreamTables.refresh(c, name);
      }
    }
  }
}
