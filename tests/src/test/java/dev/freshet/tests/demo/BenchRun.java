package dev.freshet.tests.demo;

import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.tests.harness.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** One run of the command line against the test database ({@code --jdbc-url} appended): its exit and its output. */
record BenchRun(int exit, String out, String err) {

  static BenchRun of(TestDatabase db, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FreshetCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--jdbc-url", db.jdbcUrl()));
    int exit = cli.execute(all.toArray(String[]::new));
    return new BenchRun(exit, out.toString(), err.toString());
  }
}
