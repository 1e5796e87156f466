package dev.freshet.tests.property;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One generated case of {@link PlannerRoundTripPropertyTest}: a query with nested sub-queries over the
 * fixed schema, the rows to run it on, and a second data set with one queried table emptied.
 * Everything derives from {@code seed} ({@link SubQueryQueries#generate}), so the seed alone rebuilds it.
 *
 * @param depth        the deepest sub-query nesting the query reached (0: none)
 * @param tables       the tables the query reads
 * @param emptiedTable the queried table the second data set empties
 */
record SubQueryCase(long seed, String sql, Set<SubQueryFeature> features, int depth, Set<String> tables,
    SubQueryData data, String emptiedTable) {

  SubQueryCase {
    features = Set.copyOf(features);
    tables = Set.copyOf(tables);
  }

  SubQueryData emptiedData() {
    return data.emptied(emptiedTable);
  }

  /**
   * A self-contained SQL script reproducing a failure on {@code rows}: run it in psql on an empty
   * database and compare the two queries' results, as {@code BagComparison} does.
   */
  String script(SubQueryData rows, String printedSql, String verdict, List<String> details) {
    List<String> lines = new ArrayList<>();
    lines.add("-- Freshet planner round trip: " + verdict);
    lines.add("-- case seed " + seed + " (SubQueryQueries.generate(" + seed + "L) rebuilds the query and data);"
        + " features: " + features.stream().sorted().map(f -> f.label).collect(Collectors.joining(", ")));
    lines.add("-- Run in psql on an empty database: the two SELECTs must return the same multiset of rows.");
    SubQueryTable.ALL.forEach(t -> lines.add(t.ddl()));
    lines.addAll(rows.inserts());
    lines.add("-- the generated query:");
    lines.add(sql + ";");
    lines.add("-- Freshet's plan printed back as SQL (RoundTrip.run):");
    lines.add(printedSql == null ? "-- (none)" : printedSql.strip() + ";");
    details.forEach(d -> d.lines().forEach(l -> lines.add("-- " + l)));
    return String.join("\n", lines) + "\n";
  }

  @Override
  public String toString() {
    return "seed " + seed + ": " + sql;
  }
}
