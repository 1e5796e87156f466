package dev.freshet.tpch;

import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.runtime.oracle.BagComparison;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plans a query, prints the plan back as SQL and runs both texts: the printed SQL must return the
 * same multiset as the original. This checks planner and printer together, before any delta exists.
 */
public final class RoundTrip {

  private RoundTrip() {
  }

  /** What one query's round trip produced. */
  public record Result(String originalSql, LogicalPlan plan, String printedSql,
      BagComparison.Result comparison, long planMillis) {
    public boolean matches() {
      return comparison.equal();
    }
  }

  public static Result run(Connection c, PgCatalog catalog, String sql) throws SQLException {
    long start = System.nanoTime();
    LogicalPlan plan = QueryPlanner.forCatalog(catalog).plan(sql);
    String printed = QuerySqlPrinter.print(plan.rel());
    long planMillis = (System.nanoTime() - start) / 1_000_000;
    return new Result(sql, plan, printed, BagComparison.compare(c, sql, printed), planMillis);
  }
}
