package dev.freshet.tpch.cli;

import dev.freshet.planner.QueryException;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.runtime.cli.ConnectionOptions;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.UserException;
import dev.freshet.tpch.RoundTrip;
import dev.freshet.tpch.TpchLoader;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchQuery;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code freshet demo}: Freshet's main job on a machine with nothing but a JDK. For now it loads
 * TPC-H into an embedded PostgreSQL and shows the 22 queries round-tripping through the planner.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Start an embedded PostgreSQL, load TPC-H, and plan each of the 22 queries: "
        + "parse against the live catalog, convert to relational algebra, print it back as SQL, "
        + "and check that the printed SQL returns exactly the rows of the original text.",
        "Exit status 0 when every query round-trips, 1 when one does not."})
public final class DemoCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--sf", paramLabel = "SF", defaultValue = "0.01",
      description = "TPC-H scale factor (default: ${DEFAULT-VALUE}).")
  double scaleFactor;

  @Option(names = "--show", paramLabel = "N",
      description = "Also print the logical plan and the printed SQL of query N (1-22).")
  Integer show;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!(scaleFactor > 0) || scaleFactor > 100) {
      throw new UserException(ExitCode.USAGE, "--sf must be between 0 and 100, e.g. 0.01; got " + scaleFactor);
    }
    if (show != null && (show < 1 || show > TpchQueries.COUNT)) {
      throw new UserException(ExitCode.USAGE, "--show takes a query number from 1 to 22; got " + show);
    }
    try (Connection c = connection.connect(out)) {
      out.printf(Locale.ROOT, "Loading TPC-H SF %s into schema \"public\"...%n", scaleFactor);
      out.flush();
      TpchLoader.load(c, "public", scaleFactor, TpchLoader.IfExists.REPLACE, line -> {
        out.println("  " + line);
        out.flush();
      });
      PgCatalog catalog = PgCatalogReader.read(c);
      out.println();
      out.println("Round trip of the 22 TPC-H queries: SQL -> logical plan -> SQL, both run on the data.");
      out.printf(Locale.ROOT, "%-5s %-34s %8s %7s %9s  %s%n",
          "query", "title", "rows", "plan ms", "operators", "printed SQL returns the same rows");
      int failures = 0;
      for (TpchQuery query : TpchQueries.all()) {
        String verdict;
        long rows = 0;
        long millis = 0;
        int operators = 0;
        try {
          RoundTrip.Result r = RoundTrip.run(c, catalog, query.sql());
          rows = r.comparison().expectedRows();
          millis = r.planMillis();
          operators = countNodes(r.plan().rel());
          verdict = r.matches() ? "yes" : "NO: " + r.comparison().summary();
          if (!r.matches()) {
            failures++;
          }
          if (show != null && show == query.number()) {
            out.println(RelOptUtil.toString(r.plan().rel()));
            out.println(r.printedSql());
          }
        } catch (QueryException e) {
          failures++;
          verdict = "NO: " + e.getMessage().lines().findFirst().orElse("");
        }
        out.printf(Locale.ROOT, "%-5s %-34s %8d %7d %9d  %s%n", query.name(), query.title(), rows,
            millis, operators, verdict);
        out.flush();
      }
      out.println();
      out.println(failures == 0 ? "All 22 queries round-trip." : failures + " queries do not round-trip.");
      if (connection.embedded().isPresent()) {
        out.println("(The embedded database is deleted on exit; 'freshet server' keeps one running.)");
      }
      return failures == 0 ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
    }
  }

  private static int countNodes(RelNode rel) {
    int n = 1;
    for (RelNode input : rel.getInputs()) {
      n += countNodes(input);
    }
    return n;
  }
}
