package dev.freshet.tests.property;

import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.QueryException;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.runtime.oracle.BagComparison;
import dev.freshet.tpch.RoundTrip;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one {@link SubQueryCase} through {@link RoundTrip}: loads its rows, plans the query, prints the
 * plan back and compares both texts' results; then empties one queried table and compares again with
 * the same printed SQL (cheap: no planning, and an empty input is where sub-query rewrites go wrong).
 */
final class SubQueryRoundTrip {

  /** How a case ended. A failure carries a SQL script that reproduces it ({@link SubQueryCase#script}). */
  sealed interface Outcome permits Planned, Refused, Failed {
  }

  /** Planned, and the printed SQL returned the query's rows on both data sets. */
  record Planned(String printedSql, long planMillis) implements Outcome {
  }

  /** The planner threw a {@link QueryException}: allowed, but counted and reported. */
  record Refused(String reason) implements Outcome {
  }

  /** A planner bug (or a generator bug, when PostgreSQL rejects the generated query itself). */
  record Failed(String verdict, String script) implements Outcome {
  }

  private SubQueryRoundTrip() {
  }

  static Outcome run(Connection c, PgCatalog catalog, SubQueryCase kase) throws SQLException {
    SubQueryData data = kase.data();
    data.load(c);
    RoundTrip.Result result;
    try {
      result = RoundTrip.run(c, catalog, kase.sql());
    } catch (QueryException e) {
      return new Refused(e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
    } catch (SQLException e) {
      return queryFailed(c, catalog, kase, data, e);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      return new Failed("the planner crashed", kase.script(data, null, "the planner crashed",
          List.of(stackTrace(e))));
    }
    if (!result.matches()) {
      return wrongResult(kase, data, result.printedSql(), result.comparison());
    }
    SubQueryData emptied = kase.emptiedData();
    if (!emptied.equals(data)) {
      try (Statement s = c.createStatement()) {
        s.execute("TRUNCATE " + kase.emptiedTable());
      }
      BagComparison.Result second;
      try {
        second = BagComparison.compare(c, kase.sql(), result.printedSql());
      } catch (SQLException e) {
        return queryFailed(c, catalog, kase, emptied, e);
      }
      if (!second.equal()) {
        return wrongResult(kase, emptied, result.printedSql(), second);
      }
    }
    return new Planned(result.printedSql(), result.planMillis());
  }

  private static Failed wrongResult(SubQueryCase kase, SubQueryData data, String printed,
      BagComparison.Result comparison) {
    String verdict = "wrong result: the printed plan returns other rows than the query";
    return new Failed(verdict, kase.script(data, printed, verdict, List.of(
        "comparison: " + comparison.summary(),
        "missing (rows of the query the printed SQL lacks): " + comparison.missing(),
        "extra (rows of the printed SQL the query lacks): " + comparison.extra())));
  }

  /**
   * A comparison threw: the printed SQL fails in PostgreSQL, unless the generated query fails on its
   * own (a generator bug). The printed SQL is printed again for the script: planning is deterministic.
   */
  private static Failed queryFailed(Connection c, PgCatalog catalog, SubQueryCase kase, SubQueryData data,
      SQLException e) {
    String printed = QuerySqlPrinter.print(QueryPlanner.forCatalog(catalog).plan(kase.sql()).rel());
    String originalError = null;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + kase.sql() + ") AS q")) {
      rs.next();
    } catch (SQLException original) {
      originalError = original.getMessage();
    }
    String verdict = originalError != null
        ? "generator bug: PostgreSQL rejects the generated query: " + firstLine(originalError)
        : "the printed SQL fails in PostgreSQL: " + firstLine(e.getMessage());
    return new Failed(verdict, kase.script(data, printed, verdict, List.of("error: " + e.getMessage())));
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  /** The top of the stack, and where Freshet called in: enough to tell two crashes apart. */
  private static String stackTrace(Throwable e) {
    List<String> lines = new ArrayList<>();
    lines.add(e.toString());
    StackTraceElement[] frames = e.getStackTrace();
    Arrays.stream(frames).limit(8).forEach(f -> lines.add("  at " + f));
    Arrays.stream(frames).skip(8).filter(f -> f.getClassName().startsWith("dev.freshet.")).limit(4)
        .forEach(f -> lines.add("  ... at " + f));
    return String.join("\n", lines);
  }
}
