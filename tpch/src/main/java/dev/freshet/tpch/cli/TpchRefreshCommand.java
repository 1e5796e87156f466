package dev.freshet.tpch.cli;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.runtime.cli.ConnectionOptions;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.UsageException;
import dev.freshet.runtime.cli.UserException;
import dev.freshet.runtime.jdbc.DatabaseErrors;
import dev.freshet.tpch.RefreshResult;
import dev.freshet.tpch.TpchRefresh;
import dev.freshet.tpch.TpchSchema;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code freshet tpch refresh}: runs RF1, RF2 and RF3 against a loaded schema. */
@Command(
    name = "refresh",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the TPC-H refresh functions against a loaded schema, each in its own transaction: "
            + "RF1 inserts new orders with their line items, RF2 deletes orders with their line "
            + "items, RF3 updates group keys, values, filter columns and join keys.",
        "Reproducible: the same --seed on the same data makes the same changes. Prints the rows "
            + "each statement touched."
    })
public final class TpchRefreshCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--schema", paramLabel = "SCHEMA", defaultValue = TpchSchema.DEFAULT_SCHEMA,
      description = "Schema holding the TPC-H tables (default: ${DEFAULT-VALUE}).")
  String schema;

  @Option(names = "--cycles", paramLabel = "N", defaultValue = "1",
      description = "How many times to run RF1, RF2, RF3 in turn (default: ${DEFAULT-VALUE}).")
  int cycles;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "" + TpchRefresh.DEFAULT_SEED,
      description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch", paramLabel = "ROWS",
      description = "Orders inserted by RF1 and deleted by RF2, rows updated by each RF3 "
          + "statement (default: 0.1%% of the orders, at least 10).")
  Integer batch;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (cycles < 1 || (batch != null && batch < 1)) {
      throw new UsageException("--cycles and --batch must be at least 1");
    }
    try (Connection c = connection.connectOrStartEmbedded(err)) {
      TpchRefresh refresh = batch == null
          ? TpchRefresh.withDefaultBatchSize(c, schema, seed)
          : new TpchRefresh(schema, seed, batch);
      for (int cycle = 1; cycle <= cycles; cycle++) {
        for (int function = 1; function <= 3; function++) {
          long start = System.nanoTime();
          RefreshResult result = switch (function) {
            case 1 -> refresh.rf1(c);
            case 2 -> refresh.rf2(c);
            default -> refresh.rf3(c);
          };
          out.printf(Locale.ROOT, "cycle %d %s: %d rows in %.2f s%n", cycle, result.function(),
              result.totalRows(), (System.nanoTime() - start) / 1e9);
          for (RefreshResult.StatementRows statement : result.statements()) {
            out.printf(Locale.ROOT, "  %-10s %-40s %d%n", statement.table(), statement.action(),
                statement.rows());
          }
          out.flush();
        }
      }
      return ExitCode.OK.code();
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return ExitCode.REFUSED.code();
    } catch (SQLException e) {
      throw new UserException(ExitCode.DATABASE, "TPC-H refresh failed: " + DatabaseErrors.message(e)
          + ("42P01".equals(e.getSQLState())
              ? " (is TPC-H loaded in schema " + Quoting.identifier(schema) + "? freshet tpch load --sf 0.01)"
              : ""), e);
    }
  }
}
