package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.FreshetCli;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers {@code --help} without a database, with a description and an example. */
class CliHelpTest {

  static final List<String> STREAM_TABLE_COMMANDS =
      List.of("create", "refresh", "drop", "list", "status", "alter", "verify", "explain");

  @ParameterizedTest
  @ValueSource(strings = {"create", "refresh", "drop", "list", "status", "alter", "verify", "explain"})
  void streamTableCommandsHaveHelpWithAnExample(String command) {
    CliRun run = CliRun.run(null, command, "--help");
    assertEquals(0, run.exitCode(), run.transcript());
    assertTrue(run.out().startsWith("Usage: freshet " + command), run.transcript());
    assertTrue(run.out().contains("--jdbc-url"), run.transcript());
    assertTrue(run.out().contains("Example"), run.transcript());
    assertEquals("", run.err(), run.transcript());
  }

  @Test
  void everyRegisteredCommandHasHelp() {
    var subcommands = FreshetCli.commandLine().getSubcommands().keySet();
    assertTrue(subcommands.containsAll(STREAM_TABLE_COMMANDS), subcommands.toString());
    for (String command : subcommands) {
      CliRun run = CliRun.run(null, command, "--help");
      assertEquals(0, run.exitCode(), command + ": " + run.transcript());
      assertTrue(run.out().startsWith("Usage: freshet " + command), run.transcript());
    }
    CliRun root = CliRun.run(null, "--help");
    assertEquals(0, root.exitCode(), root.transcript());
    CliRun none = CliRun.run(null); // no command: a usage error, said in one line (CliUsageErrorTest)
    assertEquals(2, none.exitCode(), none.transcript());
    assertEquals("error: no command given\nsee 'freshet --help'\n", none.err(), none.transcript());
    assertEquals("", none.out(), none.transcript());
    for (String command : STREAM_TABLE_COMMANDS) {
      assertTrue(root.out().contains("  " + command + " "), command + " missing from " + root.transcript());
    }
  }

  /**
   * Every line of every command's footer (the examples) is printed as written: one that is too wide is
   * wrapped by the help renderer, even inside a URL or a quoted query, and then cannot be pasted.
   */
  @Test
  void helpExamplesAreNeverWrapped() {
    List<String> wrapped = new java.util.ArrayList<>();
    java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(List.of(FreshetCli.commandLine()));
    while (!todo.isEmpty()) {
      picocli.CommandLine command = todo.pop();
      String help = command.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
      for (String footer : command.getCommandSpec().usageMessage().footer()) {
        for (String line : footer.split("\n")) {
          if (!line.isBlank() && !help.contains(line.stripTrailing())) {
            wrapped.add(command.getCommandSpec().qualifiedName() + ": " + line);
          }
        }
      }
      todo.addAll(command.getSubcommands().values());
    }
    assertEquals(List.of(), wrapped, "footer lines wider than the help (80 columns)");
  }

  /**
   * Help is wrapped between words only, never inside one: every command's help at 80 columns (the width
   * {@code --help} prints) has the same words in the same order as at 1000 columns, where nothing wraps, and
   * no line wider than 80. picocli's own wrapping broke {@code jdbc:postgresql://HOST[:PORT]/DB} after
   * {@code HOST[:} and the synopsis's {@code [--queries=LIST[,LIST...]]} after its comma.
   */
  @Test
  void helpIsWrappedBetweenWordsOnly() {
    picocli.CommandLine wide = FreshetCli.commandLine();
    wide.setUsageHelpWidth(1000);
    java.util.Map<String, String> wideHelp = helps(wide);
    java.util.Map<String, String> narrowHelp = helps(FreshetCli.commandLine());
    assertEquals(wideHelp.keySet(), narrowHelp.keySet());
    assertTrue(narrowHelp.size() > 20, "every command, the tpch ones too: " + narrowHelp.keySet());
    List<String> broken = new java.util.ArrayList<>();
    narrowHelp.forEach((command, help) -> {
      List<String> words = List.of(help.strip().split("\\s+"));
      List<String> wideWords = List.of(wideHelp.get(command).strip().split("\\s+"));
      for (int i = 0; i < Math.min(words.size(), wideWords.size()); i++) {
        if (!words.get(i).equals(wideWords.get(i))) {
          broken.add(command + ": '" + wideWords.get(i) + "' printed as '" + words.get(i) + "'");
          return;
        }
      }
      if (words.size() != wideWords.size()) {
        broken.add(command + ": " + words.size() + " words at 80 columns, " + wideWords.size() + " at 1000");
      }
      help.lines().filter(line -> line.length() > 80).forEach(line -> broken.add(command + ": too wide: " + line));
    });
    assertEquals(List.of(), broken, "words broken by wrapping at 80 columns");
  }

  /** The help of {@code root} and every command under it, by qualified name, without colors. */
  private static java.util.Map<String, String> helps(picocli.CommandLine root) {
    java.util.Map<String, String> helps = new java.util.TreeMap<>();
    java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      picocli.CommandLine command = todo.pop();
      helps.put(command.getCommandSpec().qualifiedName(), command.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF));
      todo.addAll(command.getSubcommands().values());
    }
    return helps;
  }

  @Test
  void verifyHelpStatesCostAndLocking() {
    String help = CliRun.run(null, "verify", "--help").out().replaceAll("\\s+", " ");
    assertTrue(help.contains("EXCEPT ALL"), help);
    assertTrue(help.contains("REPEATABLE READ"), help);
    assertTrue(help.contains("ACCESS SHARE"), help);
    assertTrue(help.contains("as expensive as a FULL refresh"), help);
  }

  /**
   * {@code --version} prints the version the build wrote (the project's version, and the git commit when the
   * build was given one, as the ./freshet launcher does), where it said "(development build)" (found by the
   * walkthrough).
   */
  @Test
  void theVersionIsTheBuildsVersion() {
    for (String option : List.of("--version", "-V")) {
      CliRun run = CliRun.run(null, option);
      assertEquals(0, run.exitCode(), run.transcript());
      assertTrue(run.out().matches("freshet \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?( \\(commit [0-9a-f]{7,40}(-dirty)?\\))?\n"),
          run.transcript());
    }
  }

  @Test
  void usageErrorsExitTwo() {
    CliRun noQuery = CliRun.run(null, "create", "t");
    assertEquals(2, noQuery.exitCode(), "no query");
    assertTrue(noQuery.err().startsWith("error: missing required argument"), "one 'error:' prefix: "
        + noQuery.transcript());
    CliRun noFile = CliRun.run(null, "create", "t", "--file", "/nonexistent/q.sql", "--jdbc-url",
        "jdbc:postgresql://127.0.0.1:1/none");
    assertEquals(2, noFile.exitCode(), noFile.transcript());
    assertTrue(noFile.err().contains("query file /nonexistent/q.sql does not exist"), noFile.transcript());
    assertEquals(2, CliRun.run(null, "create", "t", "--query", "SELECT 1", "--file", "q.sql").exitCode(),
        "query and file");
    CliRun badMode = CliRun.run(null, "create", "t", "--query", "SELECT 1", "--mode", "SOMETIMES");
    assertEquals(2, badMode.exitCode(), badMode.transcript());
    assertTrue(badMode.err().contains("DIFFERENTIAL"), badMode.transcript());
    assertEquals(2, CliRun.run(null, "refresh").exitCode(), "no name");
  }

  /** A usage error is one line saying what is wrong, and where the help is; not the whole help. */
  @Test
  void usageErrorsSayWhatIsWrongInOneLine() {
    CliRun run = CliRun.run(null, "create", "t", "--query", "SELECT 1", "--mode", "SOMETIMES");
    assertEquals(2, run.exitCode(), run.transcript());
    assertTrue(run.err().startsWith("error: invalid value for option '--mode'"), run.transcript());
    assertTrue(run.err().strip().endsWith("see 'freshet create --help'"), run.transcript());
    assertTrue(!run.err().contains("Usage:"), run.transcript());
    CliRun typo = CliRun.run(null, "refesh", "t");
    assertEquals(2, typo.exitCode(), typo.transcript());
    assertTrue(typo.err().startsWith("freshet: 'refesh' is not a freshet command. See 'freshet --help'.\n"),
        typo.transcript());
    assertTrue(typo.err().strip().endsWith("\trefresh"), "suggests the command meant: " + typo.transcript());
  }
}
