package dev.freshet.runtime.cli;

import dev.freshet.runtime.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the embedded PostgreSQL in the foreground, so people and tools can connect to it. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Start the embedded PostgreSQL and keep it running until Ctrl-C.",
        "Prints the JDBC URL and the psql command to connect. With --data-dir the data is kept, "
            + "so 'freshet ... --jdbc-url URL' commands can work on it across runs."})
public final class ServerCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".freshet/pgdata",
      description = "Data directory (default: ${DEFAULT-VALUE}); created on first use.")
  Path dataDirectory;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "5433",
      description = "Port to listen on, on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(
        new EmbeddedPostgres.Options(Optional.of(dataDirectory), port))) {
      out.println("PostgreSQL is running; data in " + dataDirectory.toAbsolutePath());
      out.println("  JDBC: " + pg.jdbcUrl("postgres"));
      out.println("  psql: " + pg.psqlCommand("postgres"));
      out.println("Press Ctrl-C to stop.");
      out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      stopped.await();
    }
    return ExitCode.OK.code();
  }
}
