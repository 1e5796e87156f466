package dev.freshet.tpch.cli;

import dev.freshet.runtime.cli.ConnectionOptions;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.UsageException;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTableVerifier;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tpch.LoadReport;
import dev.freshet.tpch.RefreshResult;
import dev.freshet.tpch.TpchLoader;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchRefresh;
import dev.freshet.tpch.TpchSchema;
import dev.freshet.tpch.bench.Machine;
import dev.freshet.tpch.bench.MaintenanceRun;
import dev.freshet.tpch.bench.PgIvm;
import dev.freshet.tpch.bench.RefreshOverhead;
import dev.freshet.tpch.bench.Stats;
import dev.freshet.tpch.bench.TextTable;
import dev.freshet.tpch.bench.TotalMaintenance;
import dev.freshet.tpch.bench.WriterOverhead;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code freshet bench}: differential refresh against full recompute, per TPC-H query in scope, at a
 * scale factor and refresh batch size. A measurement, not a test: it prints numbers (and whether
 * every stream table still matches its query at the end).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measures Freshet on TPC-H: loads the data (an embedded PostgreSQL unless "
        + "--jdbc-url or FRESHET_JDBC_URL names a database; PG* variables are not followed), creates a DIFFERENTIAL stream table per query, then runs rounds of "
        + "RF1 (new orders), RF2 (deleted orders) and RF3 (updates). After each round every stream "
        + "table is refreshed, and its defining query is run in full "
        + "(CREATE TEMP TABLE ... AS <query>, timed, dropped) on the same data.",
        "Prints, per query: the delta rows, the differential refresh time (median over the rounds, "
            + "and round 1 alone, which includes compiling the delta plan), the full-recompute time "
            + "(median), their ratio full / refresh, and whether the stream table matches its query "
            + "after the last round; then the time of the refresh functions themselves.",
        "The TPC-H tables in schema \"public\" are replaced (unless --reuse), and stream tables "
            + "q01..q22 left there by an earlier run are dropped first. Exit status 1 when a stream "
            + "table cannot be created or refreshed, or does not match its query at the end."},
    footer = {"", "Examples:",
        "  freshet bench                             SF 0.1, embedded PostgreSQL",
        "  freshet bench --sf 1 --rounds 5 --queries 1,6,14",
        "  freshet server --data-dir .freshet/sf1 &",
        "  then, to load once and measure many times:",
        "  freshet bench --sf 1 --reuse \\",
        "      --jdbc-url 'jdbc:postgresql://localhost:5433/postgres?user=postgres'",
        "  side by side with pg_ivm, on a server that has it (as a superuser):",
        "  freshet bench --pg-ivm --sf 1 --reuse \\",
        "      --jdbc-url 'jdbc:postgresql://HOST/DB?user=postgres'"})
public final class BenchCommand implements Callable<Integer> {

  /** The TPC-H queries both Freshet and pg_ivm maintain: --total's and --pg-ivm's default. */
  static final List<Integer> BOTH_MAINTAIN = List.of(1, 5, 6, 7, 9, 12, 19);

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--sf", paramLabel = "SF", defaultValue = "0.1",
      description = "TPC-H scale factor (default: ${DEFAULT-VALUE}).")
  double scaleFactor;

  @Option(names = "--batch", paramLabel = "ROWS",
      description = "Orders inserted by RF1 and deleted by RF2, rows updated by each RF3 statement "
          + "(default: 0.1%% of the orders, at least 10).")
  Integer batch;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
      description = "Rounds of RF1, RF2, RF3 followed by refreshes; times are medians over them "
          + "(default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "0",
      description = "Rounds run first, like the others, and left out of the medians (default: ${DEFAULT-VALUE}): "
          + "a program's first differential refreshes try two join orders (up to four refreshes), so medians "
          + "over later rounds show the refresh as it stays.")
  int warmup;

  @Option(names = "--queries", paramLabel = "LIST", split = ",",
      description = "TPC-H query numbers to measure, e.g. 1,5,6 (default: all 22; with --total or "
          + "--pg-ivm the seven pg_ivm also maintains: 1,5,6,7,9,12,19).")
  List<String> queryList;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "" + TpchRefresh.DEFAULT_SEED,
      description = "Seed of the refresh functions' random choices (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--reuse",
      description = "Use the TPC-H tables already in schema \"public\" when all eight exist, "
          + "instead of loading (--sf then only labels the report).")
  boolean reuse;

  @Option(names = "--sweep", paramLabel = "PERCENTS", split = ",",
      description = "Instead of --rounds: one round per batch size, each a percentage of the orders "
          + "(e.g. 0.01,0.1,1,10), and a table per query and size: the differential refresh, the query "
          + "recomputed, a FULL refresh, the faster refresh and what AUTO would have chosen. The stream tables "
          + "are AUTO, refreshed differentially under freshet.auto_override, so that AUTO learns as in operation.")
  List<Double> sweep;

  @Option(names = "--markdown", description = "Print the result tables as Markdown.")
  boolean markdown;

  @Option(names = "--writers",
      description = "Instead of refreshes: what change capture costs the writers. RF1, RF2 and RF3 timed in "
          + "--rounds pairs of rounds, with the stream tables of --queries capturing their sources and with their "
          + "capture triggers disabled (then recomputed, not timed), and the ratio per function.")
  boolean writers;

  @Option(names = "--total",
      description = "Instead of refreshes: total maintenance per batch for --queries (default the seven pg_ivm "
          + "also maintains: 1,5,6,7,9,12,19). RF1 and RF2, each as one transaction and as --transactions small ones, "
          + "written with no maintenance and with Freshet capturing (then every stream table refreshed, timed), the "
          + "same rows each time (undone in between); Freshet's writer overhead plus its refresh against the writer "
          + "alone.")
  boolean total;

  @Option(names = "--pg-ivm",
      description = "--total with pg_ivm side by side: the same queries as pg_ivm IMMVs (ivm_qNN, dropped at the "
          + "end) maintained inside the writing transactions, the same rows written a third time, and Freshet's "
          + "total against pg_ivm's writer overhead. Needs the pg_ivm extension on the server and a superuser.")
  boolean pgIvm;

  @Option(names = "--together",
      description = "With --total or --pg-ivm: Freshet's stream tables refreshed together after each batch, in one "
          + "transaction that reads each source's changes once (as 'freshet refresh --all' and the service refresh "
          + "them), instead of CALL freshet.refresh of each; the commit and the buffers' cleanups get a line of "
          + "their own.")
  boolean together;

  @Option(names = "--overhead",
      description = "Instead of batches: what a refresh of a tiny window costs beyond the statement that refreshes, "
          + "for --queries (default 1,6): --rounds times (take 50) each of the command line's refresh, a service pass "
          + "with only that stream table due and CALL freshet.refresh, with nothing in the window and after a one-row "
          + "change, in this one JVM and session, and CALL freshet.refresh as the first statement of a new session "
          + "(as pg_cron runs it); per path the median total, the median time of the statement "
          + "that refreshes, the rest, and the statements sent (commits included).")
  boolean overhead;

  @Option(names = "--transactions", paramLabel = "N", defaultValue = "100",
      description = "With --total or --pg-ivm: the many-small-transactions shape, the batch written as N "
          + "transactions between two refreshes (default: ${DEFAULT-VALUE}; 1 measures only the one-transaction "
          + "batch).")
  int transactions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!(scaleFactor > 0) || scaleFactor > 1000) {
      throw new UsageException("--sf must be a positive number, e.g. 0.1 or 1; got " + scaleFactor);
    }
    if (rounds < 1 || (batch != null && batch < 1)) {
      throw new UsageException("--rounds and --batch must be at least 1");
    }
    if (warmup < 0) {
      throw new UsageException("--warmup must be at least 0");
    }
    if (sweep != null && (batch != null || sweep.stream().anyMatch(p -> !(p > 0) || p > 50))) {
      throw new UsageException("--sweep takes percentages of the orders above 0 and at most 50 "
          + "(e.g. 0.01,0.1,1,10), and replaces --batch");
    }
    if (writers && sweep != null) {
      throw new UsageException("--writers and --sweep measure different things: give one");
    }
    boolean totalMode = total || pgIvm;
    if (overhead && (writers || sweep != null || totalMode)) {
      throw new UsageException("--overhead, --total (or --pg-ivm), --writers and --sweep measure different things: "
          + "give one");
    }
    if (together && !totalMode) {
      throw new UsageException("--together is a way to refresh for --total or --pg-ivm: give one of them with it");
    }
    if (totalMode && (writers || sweep != null)) {
      throw new UsageException("--total (or --pg-ivm), --writers and --sweep measure different things: give one");
    }
    if (transactions < 1) {
      throw new UsageException("--transactions must be at least 1");
    }
    List<Integer> queries = totalMode && (queryList == null || queryList.isEmpty()) ? BOTH_MAINTAIN
        : overhead && (queryList == null || queryList.isEmpty()) ? List.of(1, 6) : parseQueries(queryList);
    long started = System.nanoTime();
    try (Connection c = connection.connectNamedOrStartEmbedded(out)) {
      out.println("freshet bench, " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")));
      Machine.describe(c).forEach(out::println);
      out.flush();
      if (pgIvm) {
        // before anything is loaded: a server without pg_ivm is refused at once
        progress(out, "pg_ivm " + PgIvm.require(c) + " (loaded into this session)");
      }
      boolean loadData = !(reuse && tpchTablesExist(c));
      if (loadData) {
        MaintenanceRun.refuseForeignReaders(c, "public");
      }
      List<String> dropped = MaintenanceRun.dropEarlierStreamTables(c);
      if (!dropped.isEmpty()) {
        progress(out, "dropped the stream tables of an earlier run: " + String.join(", ", dropped));
      }
      if (!loadData) {
        progress(out, "reusing the TPC-H tables in schema \"public\" (--reuse): " + orders(c) + " orders");
      } else {
        progress(out, "loading TPC-H SF " + sfText() + " into schema \"public\"...");
        LoadReport load = TpchLoader.load(c, "public", scaleFactor, TpchLoader.IfExists.REPLACE,
            line -> progress(out, "load: " + line));
        progress(out, String.format(Locale.ROOT, "loaded %,d rows in %.1f s", load.totalRows(), load.totalSeconds()));
      }
      TpchRefresh refresh = batch == null
          ? TpchRefresh.withDefaultBatchSize(c, "public", seed)
          : new TpchRefresh("public", seed, batch);
      if (writers) {
        WriterOverhead.Result result = WriterOverhead.measure(c, queries, refresh, rounds, line -> progress(out, line));
        out.println();
        out.printf(Locale.ROOT, "TPC-H SF %s, batch %d, %d round%s each, alternating; the refresh functions' medians with "
            + "capture disabled and with %d stream tables (%s) capturing their sources.%n%n", sfText(), refresh.batchSize(),
            rounds, rounds == 1 ? "" : "s", result.streamTables(), joined(queries));
        TextTable table = new TextTable("function", ">rows", ">without ms", ">with capture ms", ">with / without");
        for (WriterOverhead.FunctionTimes f : result.functions()) {
          table.row(f.function(), String.format(Locale.ROOT, "%,d", f.rows()), Stats.millis(Stats.median(f.without())),
              Stats.millis(Stats.median(f.with())), String.format(Locale.ROOT, "%.2fx", f.ratio()));
        }
        table.print(out, markdown);
        result.mismatches().forEach(m -> out.println("NOT EQUAL: " + m));
        out.printf(Locale.ROOT, "%nTotal time %.1f s.%n", (System.nanoTime() - started) / 1e9);
        out.flush();
        return result.mismatches().isEmpty() ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
      }
      if (totalMode) {
        int failures = totalMaintenance(out, c, queries, refresh);
        out.printf(Locale.ROOT, "%nTotal time %.1f s.%n", (System.nanoTime() - started) / 1e9);
        out.flush();
        return failures == 0 ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
      }
      // the sweep's stream tables are AUTO, so that what AUTO would choose has the history it has in operation
      Mode mode = sweep != null ? Mode.AUTO : Mode.DIFFERENTIAL;
      MaintenanceRun run = new MaintenanceRun(c, queries, refresh, line -> progress(out, line)).inMode(mode);
      progress(out, "creating " + queries.size() + " " + mode + " stream tables: " + joined(queries));
      List<MaintenanceRun.Created> created = run.createStreamTables();
      if (overhead) {
        int failures = reportOverhead(out, c, queries, created);
        out.printf(Locale.ROOT, "%nTotal time %.1f s.%n", (System.nanoTime() - started) / 1e9);
        out.flush();
        return failures == 0 ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
      }
      if (sweep != null) {
        long orders = orderCount(c);
        List<Integer> sizes = sweep.stream().map(p -> (int) Math.max(1, Math.round(orders * p / 100))).toList();
        List<MaintenanceRun.Round> perSize = new ArrayList<>();
        // Not measured: the first refresh after a set of sources changed for the first time installs a
        // program for that set (up to a second for Q8); the sweep compares steady-state refreshes.
        progress(out, "warm-up round (not measured), batch " + sizes.getFirst());
        run.runRound(0, false, new TpchRefresh("public", seed - 1, sizes.getFirst()));
        for (int i = 0; i < sizes.size(); i++) {
          progress(out, "sweep " + (i + 1) + " of " + sizes.size() + ": " + percent(sweep.get(i)) + " of the orders, batch "
              + sizes.get(i) + (i == sizes.size() - 1 ? ", verifying each stream table at the end" : ""));
          perSize.add(run.runRound(i + 1, i == sizes.size() - 1, new TpchRefresh("public", seed + i, sizes.get(i)),
              true));
        }
        int failures = reportSweep(out, queries, created, perSize, sizes);
        out.printf(Locale.ROOT, "%nTotal time %.1f s.%n", (System.nanoTime() - started) / 1e9);
        out.flush();
        return failures == 0 ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
      }
      List<MaintenanceRun.Round> results = new ArrayList<>();
      int total = warmup + rounds;
      for (int r = 1; r <= total; r++) {
        progress(out, "round " + r + " of " + total + (r <= warmup ? " (warm-up, not in the medians)" : "")
            + " (batch " + refresh.batchSize() + ")" + (r == total ? ", verifying each stream table at the end" : ""));
        results.add(run.runRound(r, r == total));
      }
      int failures = report(out, queries, created, results, refresh);
      out.printf(Locale.ROOT, "%nTotal time %.1f s.%n", (System.nanoTime() - started) / 1e9);
      out.flush();
      return failures == 0 ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
    }
  }

  /**
   * {@code --total} and {@code --pg-ivm}: creates the stream tables (and IMMVs), measures, prints the tables;
   * returns the number of problems (a query one of the two could not take, a mismatch at the end).
   */
  private int totalMaintenance(PrintWriter out, Connection c, List<Integer> queries, TpchRefresh refresh)
      throws SQLException {
    List<String> problems = new ArrayList<>();
    MaintenanceRun run = new MaintenanceRun(c, queries, refresh, line -> progress(out, line));
    progress(out, "creating " + queries.size() + " DIFFERENTIAL stream tables: " + joined(queries));
    List<Integer> kept = new ArrayList<>();
    for (MaintenanceRun.Created created : run.createStreamTables()) {
      if (created.error().isPresent()) {
        problems.add(created.name() + ": not created: " + created.error().get());
      } else {
        kept.add(created.query());
      }
    }
    List<Integer> immvs = new ArrayList<>();
    try {
      if (pgIvm) {
        for (int q : List.copyOf(kept)) {
          long start = System.nanoTime();
          Optional<String> refused = PgIvm.create(c, q);
          if (refused.isPresent()) {
            // compared on the same queries only: Freshet's stream table goes too
            problems.add(PgIvm.name(q) + ": pg_ivm refused it: " + refused.get());
            kept.remove(Integer.valueOf(q));
            dev.freshet.runtime.streamtable.StreamTables.drop(c, TpchQueries.name(q), true);
            progress(out, "pg_ivm refused " + TpchQueries.name(q) + ": " + refused.get() + "; left out of the run");
          } else {
            immvs.add(q);
            progress(out, String.format(Locale.ROOT, "created IMMV %s in %.2f s", PgIvm.name(q),
                (System.nanoTime() - start) / 1e9));
          }
        }
      }
      List<Integer> shapes = transactions == 1 ? List.of(1) : List.of(1, transactions);
      TotalMaintenance.Result result = new TotalMaintenance(c, kept, pgIvm, together, line -> progress(out, line))
          .measure(refresh.batchSize(), seed, rounds, shapes);
      reportTotal(out, result, refresh);
      problems.addAll(result.mismatches());
    } finally {
      if (pgIvm) {
        for (int q : immvs) {
          PgIvm.drop(c, q);
        }
        if (!immvs.isEmpty()) {
          progress(out, "dropped the IMMVs (they would slow every later write to these tables)");
        }
      }
    }
    if (!problems.isEmpty()) {
      out.println();
      out.println(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":");
      problems.forEach(p -> out.println("  " + p));
    }
    return problems.size();
  }

  private void reportTotal(PrintWriter out, TotalMaintenance.Result result, TpchRefresh refresh) {
    out.println();
    out.printf(Locale.ROOT, "TPC-H SF %s, %d quer%s maintained (%s) by Freshet%s; batch %d orders: RF1 inserts them "
        + "with their line items, RF2 deletes as many with theirs; %d round%s. In each round the same rows are "
        + "written under each setup in turn (undone, untimed, in between; the order rotates): with no maintenance "
        + "(Freshet's capture triggers%s disabled), with Freshet capturing%s. Medians over the rounds, in ms. "
        + "Overhead = the writer's time minus the writer alone, paired per round; Freshet refresh = %s; Freshet "
        + "total = overhead + refresh of the same round (each column is its own median, so the total's is not the "
        + "sum of the two before it); Freshet total / pg_ivm = the two medians' ratio.%n%n",
        sfText(), result.queries().size(), result.queries().size() == 1 ? "y" : "ies", joined(result.queries()),
        pgIvm ? " and pg_ivm (IMMVs ivm_qNN)" : "", refresh.batchSize(), rounds, rounds == 1 ? "" : "s",
        pgIvm ? " and pg_ivm's" : "", pgIvm ? ", with pg_ivm maintaining its IMMVs in the writing transactions" : "",
        together ? "the stream tables refreshed together after the batch's last transaction (one transaction, each "
            + "source's changes read once, then each buffer cleaned once)" : "CALL freshet.refresh of each stream "
            + "table after the batch's last transaction, one after the other");
    List<String> header = new ArrayList<>(List.of("batch", ">rows", ">writer alone", ">Freshet capture overhead",
        ">Freshet refresh", ">Freshet total"));
    if (pgIvm) {
      header.addAll(List.of(">pg_ivm writer", ">pg_ivm overhead", ">Freshet total / pg_ivm", "goal"));
    }
    TextTable table = new TextTable(header.toArray(String[]::new));
    for (TotalMaintenance.Cell cell : result.cells()) {
      if (cell.writer().get(TotalMaintenance.Setup.NONE).isEmpty()) {
        continue;
      }
      double freshetTotal = Stats.median(cell.freshetTotal());
      List<String> row = new ArrayList<>(List.of(
          cell.function() + ", " + cell.transactions() + " transaction" + (cell.transactions() == 1 ? "" : "s"),
          String.format(Locale.ROOT, "%,d", cell.rows()),
          Stats.millis(Stats.median(cell.writer().get(TotalMaintenance.Setup.NONE))),
          signedMillis(Stats.median(cell.overhead(TotalMaintenance.Setup.FRESHET))),
          Stats.millis(Stats.median(cell.refreshAll())),
          signedMillis(freshetTotal)));
      if (pgIvm) {
        double ivm = Stats.median(cell.overhead(TotalMaintenance.Setup.PG_IVM));
        double goal = cell.transactions() == 1 ? 1 : 0.1;
        row.addAll(List.of(Stats.millis(Stats.median(cell.writer().get(TotalMaintenance.Setup.PG_IVM))),
            signedMillis(ivm), ivm > 0 ? String.format(Locale.ROOT, "%.2f", freshetTotal / ivm) : "-",
            "≤ " + (goal == 1 ? "1" : "0.1") + (ivm > 0 && freshetTotal / ivm <= goal ? ": met" : ": not met")));
      }
      table.row(row.toArray(String[]::new));
    }
    table.print(out, markdown);

    out.println();
    out.println("Freshet's refresh per stream table (" + (together ? "refreshed together" : "CALL freshet.refresh")
        + ", ms, median):");
    out.println();
    List<String> perQueryHeader = new ArrayList<>(List.of("stream table"));
    result.cells().forEach(cell -> perQueryHeader.add(">" + cell.function() + " x" + cell.transactions()));
    TextTable perQuery = new TextTable(perQueryHeader.toArray(String[]::new));
    for (int q : result.queries()) {
      List<String> row = new ArrayList<>(List.of(TpchQueries.name(q)));
      for (TotalMaintenance.Cell cell : result.cells()) {
        List<Long> times = cell.refresh().get(q);
        row.add(times.isEmpty() ? "-" : Stats.millis(Stats.median(times)));
      }
      perQuery.row(row.toArray(String[]::new));
    }
    if (together) {
      List<String> row = new ArrayList<>(List.of("commit, cleanups"));
      for (TotalMaintenance.Cell cell : result.cells()) {
        List<Long> times = cell.refresh().get(TotalMaintenance.COMMIT_AND_CLEANUPS);
        row.add(times.isEmpty() ? "-" : Stats.millis(Stats.median(times)));
      }
      perQuery.row(row.toArray(String[]::new));
    }
    perQuery.print(out, markdown);
    out.println();
    out.println(result.mismatches().isEmpty()
        ? "Every stream table" + (pgIvm ? " and every IMMV" : "") + " matched its query at the end."
        : "NOT EQUAL at the end: " + String.join("; ", result.mismatches()));
  }

  /** Milliseconds of a difference, which noise can make negative. */
  private static String signedMillis(double nanos) {
    return nanos < 0 ? "-" + Stats.millis(-nanos) : Stats.millis(nanos);
  }

  /**
   * The sweep's table: per query and batch size, the refresh and full-recompute times, which was
   * faster, and what AUTO would have chosen; per size, how many queries refreshed faster than they
   * recompute and how often AUTO's pick was the faster. Returns the number of
   * problems (failed creations, refreshes, mismatches after the last size).
   */
  private int reportSweep(PrintWriter out, List<Integer> queries, List<MaintenanceRun.Created> created,
      List<MaintenanceRun.Round> perSize, List<Integer> sizes) {
    out.println();
    out.printf(Locale.ROOT, "TPC-H SF %s, one round (RF1, RF2, RF3) per batch size after a warm-up round, in ms: the "
        + "differential refresh, the query recomputed (CREATE TABLE AS), a FULL refresh (refresh --full: the "
        + "query and any state tables recomputed, the difference merged), the faster refresh (DIFF or FULL) and "
        + "AUTO's pick for that window (the stream tables are AUTO, their differential refreshes asked for with "
        + "freshet.auto_override and recorded as AUTO's own, so that AUTO learns from them as in operation).%n%n",
        sfText());
    List<String> header = new ArrayList<>(List.of("query"));
    for (int i = 0; i < sizes.size(); i++) {
      String size = percent(sweep.get(i)) + " (" + sizes.get(i) + ")";
      header.addAll(List.of(">" + size + " refresh", ">query", ">FULL refresh", "faster", "AUTO"));
    }
    header.add("matches after last size");
    TextTable table = new TextTable(header.toArray(String[]::new));
    int failures = 0;
    int[] differentialWins = new int[sizes.size()];
    int[] measured = new int[sizes.size()];
    int[] autoRight = new int[sizes.size()];
    int[] autoAsked = new int[sizes.size()];
    List<String> problems = new ArrayList<>();
    for (int q : queries) {
      String name = TpchQueries.name(q);
      Optional<MaintenanceRun.Created> c = created.stream().filter(x -> x.query() == q).findFirst();
      List<String> row = new ArrayList<>(List.of(name));
      if (c.isPresent() && c.get().error().isPresent()) {
        failures++;
        problems.add(name + ": not created: " + c.get().error().get());
        continue;
      }
      String verdict = "not checked";
      for (int i = 0; i < perSize.size(); i++) {
        Optional<MaintenanceRun.QueryRound> r = perSize.get(i).queries().stream().filter(x -> x.query() == q)
            .findFirst();
        if (r.isEmpty() || r.get().error().isPresent()) {
          row.addAll(List.of("-", "-", "-", "-", "-"));
          if (r.isPresent()) {
            failures++;
            problems.add(name + " at " + percent(sweep.get(i)) + ": " + r.get().error().get());
          }
          continue;
        }
        double refreshMs = r.get().refreshNanos() / 1e6;
        double fullMs = r.get().fullRefreshNanos() / 1e6;
        measured[i]++;
        if (refreshMs < fullMs) {
          differentialWins[i]++;
        }
        String faster = refreshMs < fullMs ? "DIFF" : "FULL";
        String auto = "-";
        if (r.get().auto().isPresent()) {
          String pick = r.get().auto().get().mode() == Mode.FULL ? "FULL" : "DIFF";
          autoAsked[i]++;
          if (pick.equals(faster)) {
            autoRight[i]++;
          }
          auto = pick + (pick.equals(faster) ? "" : " (slower)");
        }
        row.addAll(List.of(Stats.millis(r.get().refreshNanos()), Stats.millis(r.get().fullNanos()),
            Stats.millis(r.get().fullRefreshNanos()), faster, auto));
        if (i == perSize.size() - 1 && r.get().verification().isPresent()) {
          boolean ok = r.get().verification().get().ok();
          verdict = ok ? "yes" : "NO: " + r.get().verification().get().summary();
          if (!ok) {
            failures++;
            problems.add(name + ": " + r.get().verification().get().summary());
          }
        }
      }
      row.add(verdict);
      table.row(row.toArray(String[]::new));
    }
    List<String> summary = new ArrayList<>(List.of("DIFF faster than FULL"));
    for (int i = 0; i < sizes.size(); i++) {
      summary.addAll(List.of(differentialWins[i] + " of " + measured[i], "", "", "", "right " + autoRight[i] + " of "
          + autoAsked[i]));
    }
    summary.add("");
    table.row(summary.toArray(String[]::new));
    table.print(out, markdown);
    int right = java.util.Arrays.stream(autoRight).sum();
    int asked = java.util.Arrays.stream(autoAsked).sum();
    if (asked > 0) {
      out.printf(Locale.ROOT, "%nAUTO (asked before each refresh what it would choose for that window) picked the "
          + "faster of the two in %d of %d cells (%.0f%%).%n", right, asked, 100.0 * right / asked);
    }
    if (!problems.isEmpty()) {
      out.println();
      out.println(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":");
      problems.forEach(p -> out.println("  " + p));
    }
    return failures;
  }

  private static String percent(double p) {
    return new java.math.BigDecimal(Double.toString(p)).stripTrailingZeros().toPlainString() + "%";
  }

  /** Prints the result tables; returns the number of problems (failed creations, refreshes, mismatches). */
  private int report(PrintWriter out, List<Integer> queries, List<MaintenanceRun.Created> created,
      List<MaintenanceRun.Round> results, TpchRefresh refresh) {
    out.println();
    out.printf(Locale.ROOT, "TPC-H SF %s, batch %d (orders per RF1/RF2, rows per RF3 statement), %s%d round%s; "
        + "times are medians over the rounds; full = CREATE TEMP TABLE AS <query>; ratio = full / refresh.%n",
        sfText(), refresh.batchSize(), warmup == 0 ? "" : warmup + " warm-up round" + (warmup == 1 ? "" : "s")
            + " (in round 1's column only), then ", rounds, rounds == 1 ? "" : "s");
    out.println();
    TextTable table = new TextTable("query", "mode", ">delta rows", ">refresh ms", ">round-1 refresh ms",
        ">full ms", ">full / refresh", "matches after last round");
    int failures = 0;
    List<String> problems = new ArrayList<>();
    double sumRefresh = 0;
    double sumFull = 0;
    List<Double> ratios = new ArrayList<>();
    for (int q : queries) {
      String name = TpchQueries.name(q);
      Optional<MaintenanceRun.Created> c = created.stream().filter(x -> x.query() == q).findFirst();
      if (c.isPresent() && c.get().error().isPresent()) {
        failures++;
        problems.add(name + ": not created: " + c.get().error().get());
        table.row(name, "-", "-", "-", "-", "-", "-", "not created");
        continue;
      }
      List<MaintenanceRun.QueryRound> rows = new ArrayList<>();
      List<MaintenanceRun.QueryRound> measured = new ArrayList<>(); // after the warm-up rounds
      for (MaintenanceRun.Round round : results) {
        round.queries().stream().filter(x -> x.query() == q).forEach(rows::add);
        if (round.number() > warmup) {
          round.queries().stream().filter(x -> x.query() == q).forEach(measured::add);
        }
      }
      List<MaintenanceRun.QueryRound> ok = measured.stream().filter(x -> x.error().isEmpty()).toList();
      Optional<MaintenanceRun.QueryRound> failed = rows.stream().filter(x -> x.error().isPresent()).findFirst();
      if (failed.isPresent()) {
        failures++;
        problems.add(name + " in round " + results.stream().filter(r -> r.queries().contains(failed.get()))
            .findFirst().map(MaintenanceRun.Round::number).orElse(0) + ": " + failed.get().error().get());
      }
      if (ok.isEmpty()) {
        table.row(name, "-", "-", "-", "-", "-", "-", "NO: " + failed.map(f -> f.error().get()).orElse("?"));
        continue;
      }
      Set<String> modes = new TreeSet<>();
      ok.forEach(x -> modes.add(x.report().map(RefreshReport::modeUsed).map(Enum::name).orElse("?")));
      double refreshMs = Stats.median(ok.stream().map(MaintenanceRun.QueryRound::refreshNanos).toList());
      double fullMs = Stats.median(ok.stream().map(MaintenanceRun.QueryRound::fullNanos).toList());
      double delta = Stats.median(ok.stream().map(x -> x.report().map(RefreshReport::deltaRows).orElse(0L)).toList());
      sumRefresh += refreshMs;
      sumFull += fullMs;
      ratios.add(fullMs / refreshMs);
      MaintenanceRun.QueryRound last = rows.getLast();
      String verdict;
      if (failed.isPresent()) {
        verdict = "NO: " + failed.get().error().get();
      } else if (last.verification().isEmpty()) {
        verdict = "not checked";
      } else if (last.verification().get().ok()) {
        verdict = "yes";
      } else {
        failures++;
        verdict = "NO: " + last.verification().get().summary();
        problems.add(name + ": " + last.verification().get().summary());
      }
      String roundOne = rows.getFirst().error().isEmpty() ? Stats.millis(rows.getFirst().refreshNanos()) : "-";
      table.row(name, String.join("+", modes), Stats.count(delta), Stats.millis(refreshMs), roundOne,
          Stats.millis(fullMs), Stats.ratio(fullMs, refreshMs), verdict);
    }
    table.row("all", "", "", Stats.millis(sumRefresh), "", Stats.millis(sumFull), Stats.ratio(sumFull, sumRefresh), "");
    table.print(out, markdown);
    if (!ratios.isEmpty()) {
      out.println();
      List<Double> sorted = ratios.stream().sorted().toList();
      int mid = sorted.size() / 2;
      double median = sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
      out.printf(Locale.ROOT, "Median of the %d ratios full / refresh: %.2fx.%n", ratios.size(), median);
    }

    out.println();
    out.println("Refresh functions (each one transaction; rows = rows touched, all tables):");
    out.println();
    TextTable functions = new TextTable("function", "what", ">rows", ">ms (median)");
    Map<String, List<MaintenanceRun.FunctionRun>> byFunction = new LinkedHashMap<>();
    for (MaintenanceRun.Round round : results.stream().filter(r -> r.number() > warmup).toList()) {
      for (MaintenanceRun.FunctionRun f : round.functions()) {
        byFunction.computeIfAbsent(f.result().function(), k -> new ArrayList<>()).add(f);
      }
    }
    byFunction.forEach((function, runs) -> {
      RefreshResult lastResult = runs.getLast().result();
      functions.row(function, MaintenanceRun.describe(lastResult).replaceAll("\\d+ ", "").strip(),
          Stats.count(Stats.median(runs.stream().map(f -> f.result().totalRows()).toList())),
          Stats.millis(Stats.median(runs.stream().map(MaintenanceRun.FunctionRun::nanos).toList())));
    });
    functions.print(out, markdown);
    if (!problems.isEmpty()) {
      out.println();
      out.println(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":");
      problems.forEach(p -> out.println("  " + p));
    }
    out.flush();
    return failures;
  }

  private static void progress(PrintWriter out, String line) {
    out.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  " + line);
    out.flush();
  }

  private String sfText() {
    return scaleFactor == Math.rint(scaleFactor) ? Long.toString((long) scaleFactor) : Double.toString(scaleFactor);
  }

  /** {@code --overhead}: measures, prints the table and the statements of one refresh per path; verifies at the end. */
  private int reportOverhead(PrintWriter out, Connection c, List<Integer> queries, List<MaintenanceRun.Created> created)
      throws java.sql.SQLException {
    if (created.stream().anyMatch(cr -> cr.error().isPresent())) {
      return 1;
    }
    List<RefreshOverhead.Result> results = RefreshOverhead.measure(c, () -> connection.connectNamedOrStartEmbedded(out),
        queries, rounds, line -> progress(out, line));
    out.println();
    out.printf(Locale.ROOT, "TPC-H SF %s, %d round%s per path and window, in one JVM and session (the last path: a "
        + "session opened for each CALL, untimed); medians. 'refresh "
        + "statement' is the one that refreshes (the command line's and the service's CALL, CALL freshet.refresh, or "
        + "refresh_window when the command line's own steps run it); 'rest' is the refresh minus that statement (per "
        + "refresh, then the median): the other statements and the client's work.%n%n", sfText(), rounds,
        rounds == 1 ? "" : "s");
    TextTable table = new TextTable("query", "path", "window", ">total ms", ">refresh statement ms", ">rest ms",
        ">total / refresh statement", ">statements");
    int failures = 0;
    for (RefreshOverhead.Result r : results) {
      for (var e : r.samples().entrySet()) {
        String[] key = e.getKey().split("\\|");
        List<RefreshOverhead.Sample> s = e.getValue();
        double total = Stats.median(s.stream().map(RefreshOverhead.Sample::nanos).toList());
        double window = Stats.median(s.stream().map(RefreshOverhead.Sample::windowNanos).toList());
        double rest = Stats.median(s.stream().map(x -> x.nanos() - x.windowNanos()).toList());
        double statements = Stats.median(s.stream().map(x -> (long) x.statements()).toList());
        boolean seen = window > 0;
        table.row(TpchQueries.name(r.query()), key[0], key[1], Stats.millis(total), seen ? Stats.millis(window) : "-",
            seen ? Stats.millis(rest) : "-", seen ? String.format(Locale.ROOT, "%.2fx", total / window) : "-",
            Stats.count(statements));
      }
    }
    table.print(out, markdown);
    RefreshOverhead.Result first = results.getFirst();
    for (var e : first.samples().entrySet()) {
      out.printf(Locale.ROOT, "%nStatements of %s, %s (%s), last round:%n", TpchQueries.name(first.query()),
          e.getKey().replace("|", ", "), e.getValue().getLast().statements());
      e.getValue().getLast().sql().forEach(line -> out.println("  " + (line.length() > 110
          ? line.substring(0, 110) + "..." : line)));
    }
    for (int q : queries) {
      StreamTables.refresh(c, TpchQueries.name(q)); // the changes made while measuring another query
      var v = StreamTableVerifier.verify(c, TpchQueries.name(q));
      out.printf(Locale.ROOT, "%s %s%n", TpchQueries.name(q), v.ok() ? "matches its query" : "DOES NOT MATCH its query");
      failures += v.ok() ? 0 : 1;
    }
    return failures;
  }

  static List<Integer> parseQueries(List<String> list) {
    if (list == null || list.isEmpty()) {
      return MaintenanceRun.IN_SCOPE;
    }
    Set<Integer> numbers = new LinkedHashSet<>();
    for (String item : list) {
      String s = item.strip().toLowerCase(Locale.ROOT);
      if (s.startsWith("q")) {
        s = s.substring(1);
      }
      int n;
      try {
        n = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new UsageException("--queries takes query numbers separated by commas, "
            + "e.g. 1,5,6; got '" + item + "'");
      }
      if (n < 1 || n > TpchQueries.COUNT) {
        throw new UsageException("TPC-H has queries 1 to " + TpchQueries.COUNT + "; got " + n);
      }
      numbers.add(n);
    }
    return List.copyOf(numbers);
  }

  private static boolean tpchTablesExist(Connection c) throws SQLException {
    for (TpchSchema.Table t : TpchSchema.TABLES) {
      try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
        ps.setString(1, "public." + t.name());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static String orders(Connection c) throws SQLException {
    return String.format(Locale.ROOT, "%,d", orderCount(c));
  }

  private static long orderCount(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM public.orders")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String joined(List<Integer> queries) {
    return queries.stream().map(TpchQueries::name).collect(Collectors.joining(" "));
  }
}
