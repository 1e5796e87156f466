package dev.freshet.tpch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.CommandProvider;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.FreshetCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TpchCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** {@code freshet tpch ARGS} through the entry point, whose handlers turn errors into exit statuses. */
  private int run(String... args) {
    var commandLine = FreshetCli.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("tpch"));
    all.addAll(List.of(args));
    return commandLine.execute(all.toArray(String[]::new));
  }

  @Test
  void providerIsFoundThroughTheServiceLoader() {
    List<Object> commands = new ArrayList<>();
    for (CommandProvider provider : ServiceLoader.load(CommandProvider.class)) {
      commands.addAll(provider.commands());
    }
    assertTrue(commands.stream().anyMatch(c -> c instanceof TpchCommand), commands.toString());
    var spec = new CommandLine(new TpchCommand());
    assertEquals("tpch", spec.getCommandName());
    assertEquals(List.of("load", "queries", "refresh"), List.copyOf(spec.getSubcommands().keySet()));
  }

  @Test
  void queriesListsAll22() {
    assertEquals(ExitCode.OK.code(), run("queries"));
    String[] lines = out.toString().split("\n");
    assertEquals(22, lines.length);
    assertTrue(lines[0].startsWith("q01  Pricing Summary Report"), lines[0]);
    assertTrue(lines[21].startsWith("q22  Global Sales Opportunity"), lines[21]);
  }

  @Test
  void showPrintsOneQuery() {
    assertEquals(ExitCode.OK.code(), run("queries", "--show", "6"));
    assertTrue(out.toString().contains("sum(l_extendedprice * l_discount) as revenue"));
    assertTrue(out.toString().strip().endsWith(";"));
  }

  @Test
  void usageErrorsReturnTheUsageCode() {
    assertEquals(ExitCode.USAGE.code(), run("queries", "--show", "23"));
    assertTrue(err.toString().startsWith("error: --show takes a query number from 1 to 22; got 23\n"
        + "see 'freshet tpch queries --help'\n"), err.toString());
    assertEquals(ExitCode.USAGE.code(), run());
    assertEquals(ExitCode.USAGE.code(), run("load", "--sf", "0"));
    assertEquals(ExitCode.USAGE.code(), run("refresh", "--cycles", "0"));
  }
}
