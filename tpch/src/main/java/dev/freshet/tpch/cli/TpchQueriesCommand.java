package dev.freshet.tpch.cli;

import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.UsageException;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchQuery;
import dev.freshet.tpch.TpchSchema;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code freshet tpch queries}: lists the 22 queries or prints one. */
@Command(
    name = "queries",
    mixinStandardHelpOptions = true,
    description = {
        "Lists the 22 TPC-H queries (number, title, tables read), or prints one with --show.",
        "The text is the specification's with its validation parameters, in PostgreSQL syntax; "
            + "it runs as is on a schema loaded with 'freshet tpch load' (set search_path to "
            + "that schema)."
    })
public final class TpchQueriesCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--show", paramLabel = "N",
      description = "Print query N (1 to 22) as SQL, followed by a semicolon.")
  Integer show;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (show != null) {
      if (show < 1 || show > TpchQueries.COUNT) {
        throw new UsageException("--show takes a query number from 1 to " + TpchQueries.COUNT + "; got " + show);
      }
      TpchQuery query = TpchQueries.get(show);
      out.println("-- TPC-H " + query.name() + ": " + query.title());
      out.println(query.sql() + ";");
      return ExitCode.OK.code();
    }
    for (TpchQuery query : TpchQueries.all()) {
      out.printf(Locale.ROOT, "%s  %-34s %s%n", query.name(), query.title(), tablesRead(query));
    }
    return ExitCode.OK.code();
  }

  /** The TPC-H tables the query names, in schema order: a listing aid, not a parse. */
  private static String tablesRead(TpchQuery query) {
    return TpchSchema.TABLES.stream()
        .map(TpchSchema.Table::name)
        .filter(name -> Pattern.compile("\\b" + name + "\\b").matcher(query.sql()).find())
        .collect(Collectors.joining(", "));
  }
}
