package dev.freshet.tests.cli;

import dev.freshet.runtime.cli.FreshetCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** One in-process run of the {@code freshet} command line: its exit status and what it printed. */
record CliRun(int exitCode, String out, String err) {

  /** Runs {@code freshet ARGS} against {@code jdbcUrl} ({@code --jdbc-url} is appended when not null). */
  static CliRun run(String jdbcUrl, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (jdbcUrl != null) {
      all.add("--jdbc-url");
      all.add(jdbcUrl);
    }
    CommandLine cli = FreshetCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new CliRun(code, out.toString(), err.toString());
  }

  /** For assertion messages: everything the run printed. */
  String transcript() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
