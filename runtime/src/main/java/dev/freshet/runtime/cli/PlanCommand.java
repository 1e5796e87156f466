package dev.freshet.runtime.cli;

import dev.freshet.codegen.sql.PlanPrinter;
import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.planner.catalog.PgQueryAnalyzer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code freshet plan}: shows what the planner makes of a query, without creating anything. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = {"Plan a query against the database's catalog and print its logical plan "
        + "(the relational algebra Freshet differentiates) and the SQL printed back from it.",
        "Nothing is created or changed in the database."},
    footer = {"", "Example:",
        "  freshet plan --jdbc-url jdbc:postgresql://localhost/shop \\",
        "      --query \"SELECT o_custkey, count(*) FROM orders GROUP BY 1\""})
public final class PlanCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @ArgGroup(multiplicity = "1")
  QuerySource source;

  static final class QuerySource {
    @Option(names = {"-q", "--query"}, paramLabel = "SQL", required = true,
        description = "The query text.")
    String query;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true,
        description = "A file holding the query text.")
    Path file;

    String text() {
      if (query != null) {
        return query;
      }
      try {
        return Files.readString(file);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new UserException(ExitCode.USAGE, "query file " + file + " does not exist", e);
      } catch (java.nio.file.AccessDeniedException e) {
        throw new UserException(ExitCode.USAGE, "query file " + file + " cannot be read: permission denied", e);
      } catch (IOException e) {
        throw new UserException(ExitCode.USAGE, "cannot read query file " + file + ": " + e, e);
      }
    }
  }

  @Option(names = "--plan-only", description = "Print the logical plan only, not the SQL.")
  boolean planOnly;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String sql = source.text();
    LogicalPlan plan;
    List<String> columnNames;
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      // PostgreSQL's names for the result's columns (count, sum), as a stream table of the query has them
      columnNames = PgQueryAnalyzer.analyze(c, sql, List.of()).columnNames();
      plan = QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(sql);
    }
    out.println("-- Logical plan");
    out.print(PlanPrinter.print(plan.rel(), columnNames));
    if (!planOnly) {
      out.println();
      out.println("-- SQL printed back");
      out.println(QuerySqlPrinter.print(plan.rel(), columnNames) + ";");
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
