package dev.freshet.runtime.cli;

import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code freshet resume}: brings back a stream table the service suspended. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = {"Bring back a stream table that 'freshet service' suspended after consecutive failed "
        + "refreshes (status SUSPENDED): its status becomes ACTIVE, earlier failures no longer count, and "
        + "the service refreshes it when its schedule next falls due. Fix the cause first ('freshet status "
        + "NAME' shows the last error); a manual 'freshet refresh NAME' that succeeds also brings it back."},
    footer = {"", "Example:",
        "  freshet resume revenue_by_customer --jdbc-url jdbc:postgresql://localhost/shop"})
public final class ResumeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "NAME", description = "The stream table (NAME or SCHEMA.NAME).")
  String name;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      StoredStreamTable before = StreamTables.resume(c, name);
      out.println(before.status().equals(StreamTables.SUSPENDED)
          ? "resumed stream table " + before.name() + ": ACTIVE; the service refreshes it when its schedule "
              + "next falls due"
          : "stream table " + before.name() + " was " + before.status() + " (not suspended); it is ACTIVE, "
              + "and earlier failures no longer delay its refreshes");
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
