package dev.freshet.runtime.cli;

import dev.freshet.runtime.streamtable.StreamTableException;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code freshet drop}: removes stream tables. */
@Command(name = "drop", mixinStandardHelpOptions = true,
    description = {"Drop stream tables: their tables, catalog entries and refresh histories, and the change "
        + "capture of source tables that no other stream table reads.", "",
        "All or nothing, as DROP TABLE a, b: one transaction drops every stream table named, and if one of "
            + "them cannot be dropped (it is not a stream table, or others read it) none is, and the error "
            + "names it.", "",
        "A stream table that other stream tables read is dropped only with --cascade, which drops those too "
            + "(and prints their names), or when they are named too."},
    footer = {"", "Examples:",
        "  freshet drop revenue_by_customer --jdbc-url jdbc:postgresql://localhost/shop",
        "  freshet drop daily_sales weekly_sales --cascade \\",
        "      --jdbc-url jdbc:postgresql://localhost/shop"})
public final class DropCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(arity = "1..*", paramLabel = "NAME", description = "The stream tables (NAME or SCHEMA.NAME).")
  List<String> names;

  @Option(names = "--cascade", description = "Also drop the stream tables that read these.")
  boolean cascade;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      List<StreamTables.Dropped> dropped;
      try {
        dropped = StreamTables.drop(c, names, cascade);
      } catch (StreamTableException e) {
        if (names.size() == 1) {
          throw e;
        }
        throw new StreamTableException(e.exitCode(), e.getMessage() + " (nothing was dropped: drop removes all "
            + "the stream tables it names, or none)");
      }
      // those named, in the order dropped, then those --cascade took along
      for (StreamTables.Dropped gone : dropped) {
        if (gone.reads().isEmpty()) {
          out.println("dropped stream table " + gone.name());
        }
      }
      for (StreamTables.Dropped gone : dropped) {
        gone.reads().ifPresent(read -> out.println("dropped stream table " + gone.name() + " (it depends on "
            + read + "; --cascade)"));
      }
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
