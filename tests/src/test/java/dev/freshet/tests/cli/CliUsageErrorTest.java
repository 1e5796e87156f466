package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A usage error, whichever command and whoever finds it (picocli parsing, or the command checking a value),
 * prints exactly two lines, as git does: what is wrong, then {@code see 'freshet CMD --help'}; exit status 2,
 * nothing on stdout, and never the whole help. None of these needs a database: each is found before connecting.
 */
class CliUsageErrorTest {

  static List<Arguments> usageErrors() {
    return List.of(
        // no command at all, and a group without its command
        Arguments.of(List.of(), "error: no command given", "freshet"),
        Arguments.of(List.of("tpch"), "error: no tpch command given: load, queries or refresh", "freshet tpch"),
        // found by picocli: unknown option, missing parameter, bad value, an argument too many
        Arguments.of(List.of("create", "t", "--query", "SELECT 1", "--bogus"), "error: unknown option: '--bogus'",
            "freshet create"),
        Arguments.of(List.of("status"), "error: missing required parameter: 'NAME'", "freshet status"),
        // an unknown option is named as such, not as the NAME picocli also found missing (it said "missing
        // required parameter: 'NAME'" for each of these, found by the first-hour walkthrough, issue 15)
        Arguments.of(List.of("verify", "--bogus"), "error: unknown option: '--bogus'", "freshet verify"),
        Arguments.of(List.of("status", "--bogus"), "error: unknown option: '--bogus'", "freshet status"),
        Arguments.of(List.of("drop", "--bogus"), "error: unknown option: '--bogus'", "freshet drop"),
        Arguments.of(List.of("create", "t", "--bogus"), "error: unknown option: '--bogus'", "freshet create"),
        Arguments.of(List.of("create", "t", "--query"), "error: missing required parameter for option '--query' (SQL)",
            "freshet create"),
        Arguments.of(List.of("status", "t", "--history", "x"),
            "error: invalid value for option '--history': 'x' is not an int", "freshet status"),
        Arguments.of(List.of("status", "a", "b"), "error: unexpected argument: 'b'", "freshet status"),
        Arguments.of(List.of("tpch", "queries", "99"), "error: unexpected argument: '99'", "freshet tpch queries"),
        // found by the command: a value out of range, options that exclude each other
        Arguments.of(List.of("status", "t", "--history", "-1"),
            "error: --history takes a number of refreshes, 0 or more; got -1", "freshet status"),
        Arguments.of(List.of("service", "--poll", "x"),
            "error: --poll: not a schedule: 'x'; use an interval such as 30s, 5m or 1h", "freshet service"),
        Arguments.of(List.of("service", "--max-failures", "0"), "error: --max-failures: must be at least 1, got 0",
            "freshet service"),
        Arguments.of(List.of("create", "t", "--schedule", "5", "--query", "SELECT 1"),
            "error: --schedule: not a schedule: '5'; use an interval such as 30s, 5m or 1h", "freshet create"),
        Arguments.of(List.of("create", "t", "--schedule", "1M", "--query", "SELECT 1"),
            "error: --schedule: not a schedule: '1M'; 1M is ambiguous: minutes to PostgreSQL, months to ISO 8601 "
                + "and most schedulers; write 1min (or 1m) for minutes, and days for months (30d), which have no "
                + "fixed length", "freshet create"),
        Arguments.of(List.of("service", "--history-retention", "1 month"),
            "error: --history-retention: not an interval: '1 month'; months and years have no fixed length; "
                + "write the interval in days or weeks, e.g. 30d or 4w", "freshet service"),
        Arguments.of(List.of("alter", "t", "--schedule", "often"),
            "error: --schedule: not a schedule: 'often'; use an interval such as 30s, 5m or 1h", "freshet alter"),
        Arguments.of(List.of("alter", "t"), "error: nothing to alter: give --mode, --schedule, --query or --file",
            "freshet alter"),
        Arguments.of(List.of("create", "t", "--query", "SELECT 1", "--query", "SELECT 2"),
            "error: give one of -q=SQL or -f=FILE, once", "freshet create"),
        Arguments.of(List.of("refresh", "t", "--all"), "error: give stream table names or --all, not both",
            "freshet refresh"),
        Arguments.of(List.of("verify", "t", "--all"), "error: give stream table names or --all, not both",
            "freshet verify"),
        Arguments.of(List.of("verify"), "error: name the stream tables to verify, or give --all", "freshet verify"),
        Arguments.of(List.of("tpch", "queries", "--show", "99"), "error: --show takes a query number from 1 to 22; got 99",
            "freshet tpch queries"),
        Arguments.of(List.of("tpch", "load", "--sf", "-1"),
            "error: --sf must be a positive number, e.g. 0.01 or 1; got -1.0", "freshet tpch load"),
        Arguments.of(List.of("tpch", "refresh", "--cycles", "0"), "error: --cycles and --batch must be at least 1",
            "freshet tpch refresh"),
        Arguments.of(List.of("bench", "--queries", "99"), "error: TPC-H has queries 1 to 22; got 99", "freshet bench"),
        Arguments.of(List.of("bench", "--pg-ivm", "--writers"),
            "error: --total (or --pg-ivm), --writers and --sweep measure different things: give one", "freshet bench"),
        Arguments.of(List.of("bench", "--total", "--transactions", "0"), "error: --transactions must be at least 1",
            "freshet bench"));
  }

  @ParameterizedTest
  @MethodSource("usageErrors")
  void oneLineThenWhereTheHelpIs(List<String> args, String error, String command) {
    CliRun run = CliRun.run(null, args.toArray(String[]::new));
    assertEquals(2, run.exitCode(), run.transcript());
    assertEquals(error + "\nsee '" + command + " --help'\n", run.err(), run.transcript());
    assertEquals("", run.out(), run.transcript());
  }

  /**
   * A word that is not a command is said in one line as git says it, then the command it was likely meant to be
   * when one is close, and only then (picocli guessed three for any word: {@code freshet frobnicate} got "Did
   * you mean: freshet create or freshet migrate or freshet drop?", found by the first-hour walkthrough, issue 15).
   */
  @ParameterizedTest
  @MethodSource("mistypedCommands")
  void aMistypedCommandIsNamedWithTheCloseOnesOnly(List<String> args, String expected) {
    CliRun run = CliRun.run(null, args.toArray(String[]::new));
    assertEquals(2, run.exitCode(), run.transcript());
    assertEquals(expected, run.err(), run.transcript());
    assertEquals("", run.out(), run.transcript());
  }

  static List<Arguments> mistypedCommands() {
    return List.of(
        Arguments.of(List.of("frobnicate"),
            "freshet: 'frobnicate' is not a freshet command. See 'freshet --help'.\n"),
        Arguments.of(List.of("ls"), "freshet: 'ls' is not a freshet command. See 'freshet --help'.\n"),
        Arguments.of(List.of("creat", "t", "--query", "SELECT 1"),
            "freshet: 'creat' is not a freshet command. See 'freshet --help'.\n\nThe most similar command is\n\tcreate\n"),
        Arguments.of(List.of("refesh", "t"),
            "freshet: 'refesh' is not a freshet command. See 'freshet --help'.\n\nThe most similar command is\n\trefresh\n"),
        Arguments.of(List.of("verfiy", "--all"),
            "freshet: 'verfiy' is not a freshet command. See 'freshet --help'.\n\nThe most similar command is\n\tverify\n"),
        Arguments.of(List.of("serv"), "freshet: 'serv' is not a freshet command. See 'freshet --help'.\n\n"
            + "The most similar commands are\n\tserver\n\tservice\n"),
        Arguments.of(List.of("tpch", "lod", "--sf", "1"), "freshet tpch: 'lod' is not a freshet tpch command. "
            + "See 'freshet tpch --help'.\n\nThe most similar command is\n\tload\n"));
  }
}
