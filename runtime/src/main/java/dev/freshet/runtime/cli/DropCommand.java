package dev.freshet.runtime.cli;

import dev.freshet.runtime.streamtable.QualifiedName;
import dev.freshet.runtime.streamtable.StoredStreamTable;
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

/** {@code freshet drop}: removes a stream table. */
@Command(name = "drop", mixinStandardHelpOptions = true,
    description = {"Drop a stream table: its table, its catalog entry and its refresh history, and the "
        + "change capture of source tables that no other stream table reads. One transaction.", "",
        "A stream table that other stream tables read is dropped only with --cascade, which drops "
            + "those too (and prints their names)."},
    footer = {"", "Example:",
        "  freshet drop revenue_by_customer --jdbc-url jdbc:postgresql://localhost/shop"})
public final class DropCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "NAME", description = "The stream table (NAME or SCHEMA.NAME).")
  String name;

  @Option(names = "--cascade", description = "Also drop the stream tables that read this one.")
  boolean cascade;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      QualifiedName target = QualifiedName.parse(c, name);
      List<QualifiedName> dropped = StreamTables.drop(c, name, cascade);
      out.println("dropped stream table " + target);
      for (QualifiedName gone : dropped) {
        if (!gone.equals(target)) {
          out.println("dropped stream table " + gone + " (it depends on " + target + "; --cascade)");
        }
      }
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
