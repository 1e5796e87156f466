package dev.freshet.tpch.cli;

import dev.freshet.runtime.cli.ConnectionOptions;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.UsageException;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTableVerifier;
import dev.freshet.tpch.TpchLoader;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchRefresh;
import dev.freshet.tpch.bench.MaintenanceRun;
import dev.freshet.tpch.bench.Stats;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code freshet demo}: Freshet's main job on a machine with nothing but a JDK. Loads TPC-H into
 * the database (an embedded PostgreSQL by default), creates DIFFERENTIAL stream tables for the
 * TPC-H queries in scope, then runs rounds of the refresh functions RF1, RF2, RF3, refreshing every
 * stream table after each round and checking it against a full recompute of its query.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Load TPC-H, create a stream table (DIFFERENTIAL) for each of the 22 TPC-H queries, "
        + "then run rounds of the TPC-H refresh "
        + "functions (RF1 new orders, RF2 deleted orders, RF3 updates of keys, values and filter "
        + "columns). After each round every stream table is refreshed and compared with a full "
        + "recompute of its query; a table per round shows the mode used, the delta rows, the "
        + "refresh time, the full-recompute time and whether the two agree.",
        "The database is an embedded PostgreSQL unless --jdbc-url or FRESHET_JDBC_URL names one (PGHOST and "
            + "the other PG* variables are not followed). The TPC-H tables in schema \"public\" are replaced, "
            + "and stream tables q01..q22 left there by an earlier run are dropped first.",
        "Exit status 0 when every refresh matches its full recompute, 1 when one does not."})
public final class DemoCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--sf", paramLabel = "SF", defaultValue = "0.01",
      description = "TPC-H scale factor (default: ${DEFAULT-VALUE}).")
  double scaleFactor;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
      description = "Rounds of RF1, RF2, RF3 and refreshes (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--batch", paramLabel = "ROWS",
      description = "Orders inserted by RF1 and deleted by RF2, rows updated by each RF3 statement "
          + "(default: 0.1%% of the orders, at least 10).")
  Integer batch;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "" + TpchRefresh.DEFAULT_SEED,
      description = "Seed of the refresh functions' random choices (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!(scaleFactor > 0) || scaleFactor > 100) {
      throw new UsageException("--sf must be between 0 and 100, e.g. 0.01; got " + scaleFactor);
    }
    if (rounds < 1 || (batch != null && batch < 1)) {
      throw new UsageException("--rounds and --batch must be at least 1");
    }
    long started = System.nanoTime();
    try (Connection c = connection.connectNamedOrStartEmbedded(out)) {
      MaintenanceRun.refuseForeignReaders(c, "public");
      List<String> dropped = MaintenanceRun.dropEarlierStreamTables(c);
      if (!dropped.isEmpty()) {
        out.println("Dropped the stream tables of an earlier run: " + String.join(", ", dropped));
      }
      out.printf(Locale.ROOT, "Loading TPC-H SF %s into schema \"public\"...%n", scaleFactor);
      out.flush();
      TpchLoader.load(c, "public", scaleFactor, TpchLoader.IfExists.REPLACE, line -> {
        out.println("  " + line);
        out.flush();
      });

      List<Integer> queries = MaintenanceRun.IN_SCOPE;
      TpchRefresh refresh = batch == null
          ? TpchRefresh.withDefaultBatchSize(c, "public", seed)
          : new TpchRefresh("public", seed, batch);
      MaintenanceRun run = new MaintenanceRun(c, queries, refresh, line -> { });

      out.println();
      out.println("Creating a DIFFERENTIAL stream table for each TPC-H query in scope "
          + "(compile the delta plans, add change capture, populate):");
      out.flush();
      int failures = 0;
      for (MaintenanceRun.Created created : run.createStreamTables()) {
        if (created.error().isPresent()) {
          failures++;
          out.printf(Locale.ROOT, "  %-5s %-34s NOT CREATED: %s%n", created.name(), title(created.query()),
              created.error().get());
        } else {
          out.printf(Locale.ROOT, "  %-5s %-34s %6d %-4s  %6.2f s%n", created.name(), title(created.query()),
              created.rows(), created.rows() == 1 ? "row" : "rows", created.nanos() / 1e9);
        }
        out.flush();
      }

      out.println();
      out.printf(Locale.ROOT, "Each round: RF1 inserts %d orders with their line items, RF2 deletes %d "
          + "orders with theirs, RF3 updates %d rows per changed column (group keys, values, filter "
          + "columns, join keys); then each stream table is refreshed, its query is recomputed in full "
          + "(CREATE TEMP TABLE AS), and the two are compared.%n", refresh.batchSize(), refresh.batchSize(),
          refresh.batchSize());
      int refreshes = 0;
      List<String> mismatches = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        MaintenanceRun.Round round = run.runRound(r, true);
        out.println();
        out.printf(Locale.ROOT, "Round %d of %d: %s (%.2f s)%n", r, rounds, round.functions().stream()
            .map(f -> f.result().function() + " " + MaintenanceRun.describe(f.result()))
            .collect(Collectors.joining("; ")), round.functionNanos() / 1e9);
        out.printf(Locale.ROOT, "%-5s %-34s %-12s %10s %10s %9s  %s%n", "query", "title", "mode used",
            "delta rows", "refresh ms", "full ms", "matches full recompute");
        for (MaintenanceRun.QueryRound q : round.queries()) {
          refreshes++;
          String mode = q.report().map(RefreshReport::modeUsed).map(Enum::name).orElse("-");
          String delta = q.report().map(rep -> Long.toString(rep.deltaRows())).orElse("-");
          String verdict;
          if (q.error().isPresent()) {
            verdict = "NO: " + q.error().get();
          } else {
            StreamTableVerifier.Verification v = q.verification().orElseThrow();
            verdict = v.ok() ? "yes" : "NO: " + v.summary();
          }
          if (q.failed()) {
            failures++;
            mismatches.add("round " + r + " " + q.name() + ": " + verdict.substring(4));
          }
          out.printf(Locale.ROOT, "%-5s %-34s %-12s %10s %10s %9s  %s%n", q.name(), title(q.query()), mode,
              delta, Stats.millis(q.refreshNanos()), q.fullNanos() == 0 ? "-" : Stats.millis(q.fullNanos()),
              verdict);
        }
        out.flush();
      }

      out.println();
      if (failures == 0) {
        out.printf(Locale.ROOT, "All %d stream tables matched a full recompute %s (%d refreshes) in %.1f s.%n",
            queries.size(), rounds == 1 ? "after the round" : "after each of " + rounds + " rounds", refreshes,
            (System.nanoTime() - started) / 1e9);
      } else {
        out.printf(Locale.ROOT, "%d problem%s:%n", failures, failures == 1 ? "" : "s");
        run.stopped().forEach((q, why) -> {
          if (why.startsWith("creation failed")) {
            out.println("  " + TpchQueries.name(q) + ": " + why);
          }
        });
        mismatches.forEach(m -> out.println("  " + m));
      }
      if (scaleFactor < 0.5) {
        // the times above say little: at this scale a refresh is its fixed cost and a query a few ms
        out.printf(Locale.ROOT, "At SF %s every table is small: a refresh costs its fixed overhead and a full "
            + "recompute a few milliseconds, so the times above show correctness, not speed. The speed-up shows "
            + "at scale: 'freshet bench --sf 1' (a few minutes) measures refresh against recompute per query; "
            + "docs/benchmarks.md has the figures.%n", scaleFactor);
      }
      if (connection.embedded().isPresent()) {
        out.println("(The embedded database is deleted on exit; 'freshet server' keeps one running.)");
      }
      out.flush();
      return failures == 0 ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
    }
  }

  private static String title(int query) {
    return TpchQueries.get(query).title();
  }
}
