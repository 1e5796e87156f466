package dev.freshet.tpch.cli;

import dev.freshet.runtime.cli.ConnectionOptions;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.UsageException;
import dev.freshet.runtime.cli.UserException;
import dev.freshet.runtime.jdbc.DatabaseErrors;
import dev.freshet.tpch.LoadReport;
import dev.freshet.tpch.TpchLoader;
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

/** {@code freshet tpch load}: creates and fills the TPC-H tables. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = {
        "Creates the eight TPC-H tables in a schema and fills them with the benchmark's generated "
            + "data: streamed with COPY, then primary keys, foreign keys, indexes and ANALYZE.",
        "Runs in one transaction, so a failed load leaves nothing behind. Prints rows and seconds "
            + "per table as each finishes, then the total."
    },
    footer = {
        "",
        "Sizes: SF 0.01 ≈ 10 MB (60 thousand line items), SF 1 ≈ 1 GB (6 million),",
        "SF 10 ≈ 10 GB (60 million), plus indexes."
    })
public final class TpchLoadCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--sf", paramLabel = "SF", required = true,
      description = "Scale factor, e.g. 0.01, 1, 10.")
  double scaleFactor;

  @Option(names = "--schema", paramLabel = "SCHEMA", defaultValue = TpchSchema.DEFAULT_SCHEMA,
      description = "Schema to create the tables in; created if missing (default: ${DEFAULT-VALUE}).")
  String schema;

  @Option(names = "--replace",
      description = "Drop the TPC-H tables already in the schema first. Without it, existing "
          + "tables stop the load.")
  boolean replace;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
      throw new UsageException("--sf must be a positive number, e.g. 0.01 or 1; got " + scaleFactor);
    }
    if (connection.usesEmbedded()
        && !spec.commandLine().getParseResult().hasMatchedOption("--data-dir")) {
      err.println("Note: no --jdbc-url or --data-dir, so the data goes to a temporary embedded "
          + "PostgreSQL that is deleted when this command ends.");
    }
    try (Connection c = connection.connectOrStartEmbedded(err)) {
      LoadReport report = TpchLoader.load(c, schema, scaleFactor,
          replace ? TpchLoader.IfExists.REPLACE : TpchLoader.IfExists.FAIL,
          line -> {
            out.println(line);
            out.flush();
          });
      out.printf(Locale.ROOT, "total: %d rows in %.1f s (TPC-H SF %s into schema \"%s\")%n",
          report.totalRows(), report.totalSeconds(), scaleFactorText(), report.schema());
      return ExitCode.OK.code();
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return ExitCode.REFUSED.code();
    } catch (SQLException e) {
      throw new UserException(ExitCode.DATABASE, "TPC-H load failed: " + DatabaseErrors.message(e), e);
    }
  }

  private String scaleFactorText() {
    return scaleFactor == Math.rint(scaleFactor)
        ? Long.toString((long) scaleFactor)
        : Double.toString(scaleFactor);
  }
}
