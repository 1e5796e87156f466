package dev.freshet.tpch.bench;

import dev.freshet.codegen.program.RefreshSessionSql;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.UserException;
import dev.freshet.runtime.streamtable.AutoChoice;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTableVerifier;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tpch.RefreshResult;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchRefresh;
import dev.freshet.tpch.TpchSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The work shared by {@code freshet demo} and {@code freshet bench}: stream tables for TPC-H
 * queries over a loaded schema, then rounds of RF1, RF2, RF3, each followed by a refresh of every
 * stream table, a timed full recompute of its defining query, and optionally a check against that
 * query ({@link StreamTableVerifier}).
 *
 * <p>The full recompute is {@code CREATE TEMP TABLE ... AS <defining query>}, timed, then dropped:
 * the query runs to completion and every output column is computed and written (a
 * {@code SELECT count(*) FROM (<query>)} would let PostgreSQL drop the unused aggregates). A FULL
 * refresh would cost this plus diffing the result into the stored table, so the ratio against a
 * differential refresh is, if anything, in favour of recomputing.
 *
 * <p>A stream table whose creation or refresh fails is reported and left out of later rounds; the
 * others go on. The connection must be in auto-commit mode and its search path must reach the
 * TPC-H tables; stream tables are named {@code q01}..{@code q22} in the current schema.
 */
public final class MaintenanceRun {

  /** The TPC-H queries Freshet maintains DIFFERENTIAL: all 22. */
  public static final List<Integer> IN_SCOPE = java.util.stream.IntStream.rangeClosed(1, TpchQueries.COUNT)
      .boxed().toList();

  private static final Pattern STREAM_TABLE_NAME = Pattern.compile("q\\d\\d");
  private static final String FULL_TABLE = "freshet_bench_full";

  /** The creation of one stream table: rows stored and seconds, or why it failed. */
  public record Created(int query, String name, long rows, long nanos, Optional<String> error) {
  }

  /** One refresh function of a round and its wall-clock time. */
  public record FunctionRun(RefreshResult result, long nanos) {
  }

  /**
   * One stream table in one round: the refresh (its report and wall-clock time, measured around
   * {@link StreamTables#refresh}), the full recompute time, the verification if asked for, or the
   * error that stopped it; what AUTO would have chosen for that refresh, asked just before it; and, when
   * asked for, the time of a FULL refresh right after it ({@code refresh --full}: what AUTO weighs a
   * differential refresh against), else 0.
   */
  public record QueryRound(int query, String name, Optional<RefreshReport> report, long refreshNanos,
      long fullNanos, Optional<StreamTableVerifier.Verification> verification, Optional<String> error,
      Optional<AutoChoice> auto, long fullRefreshNanos) {

    public boolean failed() {
      return error.isPresent() || verification.map(v -> !v.ok()).orElse(false);
    }
  }

  /** One round: the three refresh functions, then every stream table still in the run. */
  public record Round(int number, List<FunctionRun> functions, List<QueryRound> queries) {
    public long functionNanos() {
      return functions.stream().mapToLong(FunctionRun::nanos).sum();
    }
  }

  private final Connection c;
  private final List<Integer> queries;
  private final TpchRefresh refresh;
  private final Consumer<String> progress;
  /** Query number → why it left the run. */
  private final Map<Integer, String> stopped = new LinkedHashMap<>();
  /**
   * The mode the stream tables are created in. AUTO for the sweep: its refreshes are then measured differential
   * under {@code freshet.auto_override} (catalog V32), recorded as AUTO's own, so that AUTO's choice, asked before
   * each, has the history it would have in operation.
   */
  private Mode mode = Mode.DIFFERENTIAL;

  public MaintenanceRun(Connection c, List<Integer> queries, TpchRefresh refresh, Consumer<String> progress) {
    this.c = c;
    this.queries = List.copyOf(queries);
    this.refresh = refresh;
    this.progress = progress;
  }

  /**
   * Drops the stream tables named {@code q01}..{@code q22} in the current schema (left by an earlier
   * run), so the TPC-H tables can be reloaded; returns the names dropped.
   */
  public static List<String> dropEarlierStreamTables(Connection c) throws SQLException {
    String schema = currentSchema(c);
    List<String> dropped = new ArrayList<>();
    for (StoredStreamTable st : StreamTables.list(c)) {
      if (st.name().schema().equals(schema) && STREAM_TABLE_NAME.matcher(st.name().name()).matches()) {
        StreamTables.drop(c, st.name().sql(), true);
        dropped.add(st.name().toString());
      }
    }
    return dropped;
  }

  /**
   * Refuses, naming them, when stream tables other than ours ({@code q01}..{@code q22}) read the
   * TPC-H tables of {@code schema}: reloading would have to drop their sources (and PostgreSQL would
   * refuse half-way).
   */
  public static void refuseForeignReaders(Connection c, String schema) throws SQLException {
    // a table of a TPC-H name that is not TPC-H's is the user's: say so before anything about its readers
    dev.freshet.tpch.TpchLoader.refuseOtherTables(c, schema);
    String current = currentSchema(c);
    List<String> readers = new ArrayList<>();
    for (StoredStreamTable st : StreamTables.list(c)) {
      if (st.name().schema().equals(current) && STREAM_TABLE_NAME.matcher(st.name().name()).matches()) {
        continue; // ours, dropped by dropEarlierStreamTables
      }
      List<StreamTables.Source> sources = StreamTables.status(c, st.name().sql(), 0).sources();
      boolean readsTpch = TpchSchema.TABLES.stream().anyMatch(t -> sources.stream()
          .anyMatch(src -> src.name().equals(Quoting.qualified(schema, t.name()))));
      if (readsTpch) {
        readers.add(st.name().toString());
      }
    }
    if (!readers.isEmpty()) {
      throw new UserException(ExitCode.REFUSED, "the TPC-H tables in schema " + Quoting.identifier(schema) + " are "
          + "replaced, but stream table" + (readers.size() == 1 ? " " : "s ") + String.join(", ", readers)
          + (readers.size() == 1 ? " reads" : " read") + " them; drop " + (readers.size() == 1 ? "it" : "them")
          + " first ('freshet drop NAME'), or use another database");
    }
  }

  /**
   * Creates the stream tables in {@code mode} (DIFFERENTIAL unless set): AUTO ones are refreshed differentially all
   * the same ({@code freshet.auto_override}), what AUTO would choose being asked before each refresh.
   */
  public MaintenanceRun inMode(Mode mode) {
    this.mode = mode;
    return this;
  }

  /** Creates a stream table in {@link #inMode its mode} for each query, timing each (population included). */
  public List<Created> createStreamTables() {
    List<Created> created = new ArrayList<>();
    for (int q : queries) {
      String name = TpchQueries.name(q);
      long start = System.nanoTime();
      try {
        StreamTables.create(c, name, TpchQueries.get(q).sql(), mode, null);
        long nanos = System.nanoTime() - start;
        long rows = scalarLong("SELECT count(*) FROM " + name);
        created.add(new Created(q, name, rows, nanos, Optional.empty()));
        progress.accept(String.format(Locale.ROOT, "created %s: %s in %.2f s", name,
            dev.freshet.runtime.oracle.BagComparison.rows(rows), nanos / 1e9));
      } catch (SQLException | RuntimeException e) {
        String why = firstLine(e);
        stopped.put(q, "creation failed: " + why);
        created.add(new Created(q, name, 0, System.nanoTime() - start, Optional.of(why)));
        progress.accept("could not create " + name + ": " + why);
      }
    }
    return created;
  }

  /**
   * RF1, RF2, RF3, then for each stream table still in the run: refresh, full recompute, and
   * (when {@code verify}) the comparison with its defining query.
   */
  public Round runRound(int number, boolean verify) throws SQLException {
    return runRound(number, verify, refresh);
  }

  /** {@link #runRound(int, boolean)} with the refresh functions of {@code batch} (another batch size). */
  public Round runRound(int number, boolean verify, TpchRefresh batch) throws SQLException {
    return runRound(number, verify, batch, false);
  }

  /** {@link #runRound(int, boolean, TpchRefresh)}, measuring a FULL refresh after each refresh when asked. */
  public Round runRound(int number, boolean verify, TpchRefresh batch, boolean fullRefresh) throws SQLException {
    List<FunctionRun> functions = new ArrayList<>();
    for (int f = 1; f <= 3; f++) {
      long start = System.nanoTime();
      RefreshResult result = switch (f) {
        case 1 -> batch.rf1(c);
        case 2 -> batch.rf2(c);
        default -> batch.rf3(c);
      };
      long nanos = System.nanoTime() - start;
      functions.add(new FunctionRun(result, nanos));
      progress.accept(String.format(Locale.ROOT, "round %d: %s %s in %.2f s", number, result.function(),
          describe(result), nanos / 1e9));
    }
    List<QueryRound> rounds = new ArrayList<>();
    for (int q : queries) {
      if (stopped.containsKey(q)) {
        continue;
      }
      rounds.add(measure(number, q, verify, fullRefresh));
    }
    return new Round(number, functions, rounds);
  }

  /** Queries that left the run, with the reason. */
  public Map<Integer, String> stopped() {
    return Map.copyOf(stopped);
  }

  /** A differential refresh of AUTO stream table {@code name}, recorded as AUTO's own (catalog V32). */
  private RefreshReport differentialWhateverAuto(String name) throws SQLException {
    try (java.sql.Statement s = c.createStatement()) {
      s.execute(RefreshSessionSql.AUTO_OVERRIDE_DIFFERENTIAL);
    }
    try {
      return StreamTables.refresh(c, name);
    } finally {
      try (java.sql.Statement s = c.createStatement()) {
        s.execute(RefreshSessionSql.RESET_AUTO_OVERRIDE);
      }
    }
  }

  private QueryRound measure(int round, int q, boolean verify, boolean measureFullRefresh) {
    String name = TpchQueries.name(q);
    Optional<AutoChoice> auto;
    try {
      auto = StreamTables.autoChoice(c, StreamTables.status(c, name, 0).table().id());
    } catch (SQLException | RuntimeException e) {
      auto = Optional.empty();
      progress.accept("round " + round + ": " + name + ": AUTO's choice not known: " + firstLine(e));
    }
    long start = System.nanoTime();
    RefreshReport report;
    try {
      report = mode == Mode.AUTO ? differentialWhateverAuto(name) : StreamTables.refresh(c, name);
    } catch (SQLException | RuntimeException e) {
      long nanos = System.nanoTime() - start;
      String why = "refresh failed: " + firstLine(e);
      stopped.put(q, why);
      progress.accept("round " + round + ": " + name + " " + why);
      return new QueryRound(q, name, Optional.empty(), nanos, 0, Optional.empty(), Optional.of(why), auto, 0);
    }
    long refreshNanos = System.nanoTime() - start;
    long fullNanos;
    try {
      fullNanos = fullRecompute(TpchQueries.get(q).sql());
    } catch (SQLException e) {
      String why = "full recompute failed: " + firstLine(e);
      return new QueryRound(q, name, Optional.of(report), refreshNanos, 0, Optional.empty(), Optional.of(why),
          auto, 0);
    }
    long fullRefreshNanos = 0;
    if (measureFullRefresh) {
      long fullStart = System.nanoTime();
      try {
        StreamTables.refresh(c, name, false, true);
        fullRefreshNanos = System.nanoTime() - fullStart;
      } catch (SQLException | RuntimeException e) {
        String why = "FULL refresh failed: " + firstLine(e);
        stopped.put(q, why);
        return new QueryRound(q, name, Optional.of(report), refreshNanos, fullNanos, Optional.empty(),
            Optional.of(why), auto, 0);
      }
    }
    Optional<StreamTableVerifier.Verification> verification = Optional.empty();
    if (verify) {
      try {
        verification = Optional.of(StreamTableVerifier.verify(c, name));
      } catch (SQLException | RuntimeException e) {
        String why = "verification failed: " + firstLine(e);
        return new QueryRound(q, name, Optional.of(report), refreshNanos, fullNanos, Optional.empty(),
            Optional.of(why), auto, fullRefreshNanos);
      }
    }
    progress.accept(String.format(Locale.ROOT,
        "round %d: %s refreshed %s in %.1f ms (%d delta rows), full recompute %.1f ms%s%s", round, name,
        report.modeUsed(), refreshNanos / 1e6, report.deltaRows(), fullNanos / 1e6,
        measureFullRefresh ? String.format(Locale.ROOT, ", FULL refresh %.1f ms", fullRefreshNanos / 1e6) : "",
        verification.map(v -> v.ok() ? ", matches" : ", DOES NOT MATCH: " + v.summary()).orElse("")));
    return new QueryRound(q, name, Optional.of(report), refreshNanos, fullNanos, verification, Optional.empty(),
        auto, fullRefreshNanos);
  }

  /** Nanoseconds of {@code CREATE TEMP TABLE ... AS <sql>}; the table is dropped afterwards. */
  private long fullRecompute(String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS pg_temp." + FULL_TABLE);
      long start = System.nanoTime();
      s.execute("CREATE TEMP TABLE " + FULL_TABLE + " AS " + sql);
      long nanos = System.nanoTime() - start;
      s.execute("DROP TABLE pg_temp." + FULL_TABLE);
      return nanos;
    }
  }

  /** {@code 15 orders, 61 lineitem rows} style summary of a refresh function's statements. */
  public static String describe(RefreshResult result) {
    Map<String, Long> byTable = new LinkedHashMap<>();
    String verb = switch (result.function()) {
      case "RF1" -> "inserted";
      case "RF2" -> "deleted";
      default -> "updated";
    };
    for (RefreshResult.StatementRows s : result.statements()) {
      byTable.merge(s.table(), s.rows(), Long::sum);
    }
    List<String> parts = new ArrayList<>();
    byTable.forEach((table, rows) -> parts.add(rows + " " + table));
    return verb + " " + String.join(", ", parts);
  }

  private long scalarLong(String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String currentSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The first line of an error's message: enough for a table cell; --verbose is not involved here. */
  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : dev.freshet.runtime.jdbc.DatabaseErrors.message(e);
    return message.lines().findFirst().orElse(message);
  }
}
