package dev.freshet.runtime.cli;

import dev.freshet.planner.QueryException;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.runtime.jdbc.DatabaseErrors;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code freshet} command. Built-in subcommands live in this package; other modules add theirs
 * through {@link CommandProvider}. Errors print as messages (stack traces only with {@code --verbose})
 * and map to {@link ExitCode}s.
 */
@Command(name = "freshet", mixinStandardHelpOptions = true, versionProvider = FreshetCli.Version.class,
    description = {"Incremental view maintenance for PostgreSQL.", "",
        "Connects to the database named by --jdbc-url (a JDBC URL, a postgresql:// URI or a connection string, "
            + "'host=HOST dbname=DB user=USER'), by --host, -U and -d, or by "
            + "$FRESHET_JDBC_URL, else by PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD as psql does. "
            + "demo, bench, server and the TPC-H commands start an embedded PostgreSQL when none is named."},
    footer = {"", "Run 'freshet COMMAND --help' for a command's options.",
        "Exit status: 0 ok, 1 difference found, 2 usage error, 3 query refused,",
        "4 database error, 70 internal error."},
    subcommandsRepeatable = false)
public final class FreshetCli implements java.util.concurrent.Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  /** {@code freshet} with no command: a usage error, said in one line as pg_ctl does, and where the help is. */
  @Override
  public Integer call() {
    throw new UsageException("no command given");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for {@link #main} and for in-process tests. */
  public static CommandLine commandLine() {
    FreshetCli root = new FreshetCli();
    CommandLine cli = new CommandLine(root);
    List<Object> commands = new ArrayList<>(List.of(new AlterCommand(), new CreateCommand(), new DropCommand(),
        new ExplainCommand(), new ListCommand(), new MigrateCommand(), new PlanCommand(), new RefreshCommand(), new ResumeCommand(),
        new ServerCommand(),
        new ServiceCommand(), new StatusCommand(), new VerifyCommand()));
    for (CommandProvider provider : ServiceLoader.load(CommandProvider.class)) {
      commands.addAll(provider.commands());
    }
    commands.sort(Comparator.comparing(c -> new CommandLine(c).getCommandName()));
    commands.forEach(cli::addSubcommand);
    cli.setHelpFactory(WordWrappingHelp::new); // after the subcommands: it is set on the whole tree
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (ex instanceof UsageException) {
        printUsageError(commandLine, ex.getMessage(), null);
        return ExitCode.USAGE.code();
      }
      err.println(message(ex, root.verbose));
      if (root.verbose) {
        ex.printStackTrace(err);
      }
      err.flush();
      return exitCode(ex).code();
    });
    // A usage error: what is wrong, PicoCLI's suggestions for a mistyped name, and where the help is;
    // not the whole help, which would bury the one line that matters.
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine.ParameterException shown = unmatchedFirst(ex);
      if (unknownCommand(shown).isPresent()) {
        printUnknownCommand(shown.getCommandLine(), unknownCommand(shown).get());
      } else {
        printUsageError(shown.getCommandLine(), picocliMessage(shown), shown);
      }
      return ExitCode.USAGE.code();
    });
    cli.setExitCodeExceptionMapper(ex -> exitCode(ex).code());
    return cli;
  }

  /**
   * A usage error as git prints one: what is wrong in one line, picocli's suggestions for a mistyped name, and
   * where the help is; not the whole help, which would bury the one line that matters.
   */
  private static void printUsageError(CommandLine command, String message, CommandLine.ParameterException ex) {
    PrintWriter err = command.getErr();
    err.println("error: " + message);
    if (ex != null) {
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    }
    err.println("see '" + command.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
  }

  /**
   * An argument the command does not know, rather than the parameter picocli found missing first: picocli checks
   * for a missing NAME before it reports an unknown option, so {@code freshet verify --bogus} said that NAME was
   * missing, which sends the user after the wrong fix.
   */
  static CommandLine.ParameterException unmatchedFirst(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.MissingParameterException && ex.getCommandLine() != null
        && !ex.getCommandLine().getUnmatchedArguments().isEmpty()) {
      return new CommandLine.UnmatchedArgumentException(ex.getCommandLine(),
          new ArrayList<>(ex.getCommandLine().getUnmatchedArguments()));
    }
    return ex;
  }

  /** The word given where a command of {@code ex}'s command was expected ({@code freshet refesh}), if that failed. */
  private static java.util.Optional<String> unknownCommand(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getCommandLine().getSubcommands().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
      return java.util.Optional.of(unmatched.getUnmatched().get(0));
    }
    return java.util.Optional.empty();
  }

  /**
   * A word that is not a command, said as git says it, in one line ({@code freshet: 'refesh' is not a freshet
   * command. See 'freshet --help'.}), then the command it was likely meant to be when one is close
   * ({@link SimilarCommands}); nothing more when none is, rather than picocli's guesses.
   */
  private static void printUnknownCommand(CommandLine command, String word) {
    PrintWriter err = command.getErr();
    String name = command.getCommandSpec().qualifiedName();
    err.println(name + ": '" + word + "' is not a " + name + " command. See '" + name + " --help'.");
    List<String> commands = command.getSubcommands().entrySet().stream()
        .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(java.util.Map.Entry::getKey).toList();
    List<String> similar = SimilarCommands.to(word, commands);
    if (!similar.isEmpty()) {
      err.println();
      err.println(similar.size() == 1 ? "The most similar command is" : "The most similar commands are");
      similar.forEach(s -> err.println("\t" + s));
    }
    err.flush();
  }

  /**
   * picocli's message in PostgreSQL's style: no "Error: " of its own (a missing required argument), a lower-case
   * first letter, and the argument it could not place named as such, not by its index among the arguments.
   */
  static String picocliMessage(CommandLine.ParameterException ex) {
    String message = String.valueOf(ex.getMessage()).replaceFirst("^Error: ", "")
        .replaceFirst("^Unmatched arguments? (at|from) index \\d+: ", "unexpected argument: ");
    java.util.regex.Matcher twice = java.util.regex.Pattern.compile("expected only one match but got \\(([^)]*)\\)=.*")
        .matcher(message);
    if (twice.matches()) { // an exclusive group given twice (--query and --file, or --query twice)
      return "give one of " + twice.group(1).replace(" | ", " or ") + ", once";
    }
    return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }

  /**
   * The SQLSTATEs of refresh_window (and verify) that refuse a stream table until {@code freshet alter} creates it
   * again: FS011, a foreign table became a partition or child of a source; FS012, a constraint its plan relied on
   * was dropped.
   */
  static final java.util.Set<String> REFUSED_UNTIL_ALTERED = java.util.Set.of("FS011", "FS012");

  static ExitCode exitCode(Throwable ex) {
    if (ex instanceof CommandLine.ParameterException) {
      return ExitCode.USAGE;
    }
    if (ex instanceof UnsupportedQueryException || ex instanceof QueryException) {
      return ExitCode.REFUSED;
    }
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        // refused until the stream table is created again (catalog V44, V45): as the other refusals, exit status 3
        return sql.getSQLState() != null && REFUSED_UNTIL_ALTERED.contains(sql.getSQLState())
            ? ExitCode.REFUSED : ExitCode.DATABASE;
      }
    }
    if (ex instanceof UserException user) {
      return user.exitCode();
    }
    return ExitCode.INTERNAL;
  }

  /**
   * An error as every command prints it: {@code error: } and what went wrong; for a database error, PostgreSQL's
   * words (without pgjdbc's {@code ERROR:} and without the PL/pgSQL context, which is Freshet's inside;
   * {@code --verbose} prints it all) and the lines psql prints under it, {@code DETAIL:}, {@code HINT:},
   * {@code SQLSTATE:} (see {@link DatabaseErrors}); with {@code verbose}, {@code STATEMENT:} too, the SQL Freshet
   * ran, which is Freshet's inside as the PL/pgSQL context is.
   */
  static String message(Throwable ex, boolean verbose) {
    if (ex instanceof QueryException query) {
      return query.render();
    }
    if (ex instanceof UserException user) {
      return "error: " + ex.getMessage() + (user.detail().isPresent() || user.hint().isPresent()
          || user.sqlState().isPresent()
          ? DatabaseErrors.fields(user.detail().orElse(null), user.hint().orElse(null), user.sqlState().orElse(null))
          : DatabaseErrors.fields(ex, verbose));
    }
    if (DatabaseErrors.sqlState(ex).isPresent() || ex instanceof SQLException) {
      return "error: " + DatabaseErrors.describe(ex, verbose);
    }
    return "error: internal: " + ex + "\n(this is a bug in Freshet; run with --verbose for the stack trace)";
  }

  /**
   * A database error met while a command worked on the stream table {@code shown} (its query failing at create
   * or verify), naming it as refresh does: {@code error: "public"."t": division by zero}, with PostgreSQL's
   * fields below. Freshet's own errors (which name what they are about) and refusals pass unchanged.
   */
  static Exception naming(String shown, Exception e) {
    if (e instanceof UserException || e instanceof QueryException || DatabaseErrors.sqlState(e).isEmpty()) {
      return e;
    }
    return new UserException(ExitCode.DATABASE, shown + ": " + DatabaseErrors.message(e), e);
  }

  /**
   * The version as the build wrote it ({@code version.properties}, filtered by Maven: the project's version and
   * the git commit the {@code ./freshet} launcher passes), {@code freshet 0.1.0-SNAPSHOT (commit 1a2b3c4d5e6f)};
   * else the jar manifest's; else that it is a development build.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"freshet " + text(FreshetCli.class.getResourceAsStream("version.properties"),
          FreshetCli.class.getPackage().getImplementationVersion())};
    }

    /** The version from {@code properties} (a stream of version.properties, or null), else {@code manifest}'s. */
    static String text(java.io.InputStream properties, String manifest) {
      java.util.Properties build = new java.util.Properties();
      if (properties != null) {
        try (properties) {
          build.load(properties);
        } catch (java.io.IOException e) {
          build.clear(); // unreadable: the manifest says what it can
        }
      }
      String version = filled(build.getProperty("version")).orElse(manifest);
      if (version == null) {
        return "(development build)";
      }
      return version + filled(build.getProperty("commit")).map(commit -> " (commit " + commit + ")").orElse("");
    }

    /** {@code value} when the build filled it in: not empty, not left as Maven's {@code ${...}}. */
    private static java.util.Optional<String> filled(String value) {
      return value == null || value.isBlank() || value.contains("${") ? java.util.Optional.empty()
          : java.util.Optional.of(value.strip());
    }
  }
}
