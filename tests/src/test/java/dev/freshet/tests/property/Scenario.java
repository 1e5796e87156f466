package dev.freshet.tests.property;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One generated test case: a schema, its initial rows, a defining query and a workload. Its
 * {@link #script()} is a self-contained SQL script (what {@link Replay} runs, and what a person runs
 * in psql); {@link #toString()} is that script, so jqwik reports a falsified sample as SQL.
 */
record Scenario(Schema schema, List<Workload.Insert> initialRows, Query query, Workload workload) {

  static final String STREAM_TABLE = "st";

  private static final Pattern NAMES_ENUM = Pattern.compile("\\b" + ColType.ENUM_NAME + "\\b");
  private static final Pattern NAMES_DOMAIN = Pattern.compile("\\b" + ColType.DOMAIN_NAME + "\\b");

  Scenario {
    initialRows = List.copyOf(initialRows);
  }

  Set<Construct> constructs() {
    return Query.allConstructs(query);
  }

  Set<Change> changes() {
    Set<Change> changes = workload.changes(query);
    return changes.isEmpty() ? EnumSet.noneOf(Change.class) : EnumSet.copyOf(changes);
  }

  String script() {
    List<String> lines = new ArrayList<>();
    lines.add("-- Freshet property-based test case (" + query.shape() + "; "
        + constructs().stream().map(Enum::name).map(String::toLowerCase).collect(Collectors.joining(", ")) + ")");
    lines.add("-- Replay: dev.freshet.tests.property.Replay.run(connection, script). By hand, run the SQL in psql");
    lines.add("-- on an empty database (--jdbc-url for the freshet commands) and at");
    lines.add("--   '-- @freshet create st'   run  freshet create st --mode DIFFERENTIAL --query '<the next line>'");
    lines.add("--   '-- @freshet refresh st'  run  freshet refresh st; freshet verify st");
    lines.add("-- Expected: after the create and every refresh st equals its query; every refresh runs");
    lines.add("-- DIFFERENTIAL (FULL when a TRUNCATE of a source committed since the previous refresh).");
    int ddl = lines.size();
    schema.tables().forEach(t -> lines.add(t.ddl()));
    initialRows.stream().filter(i -> !i.rows().isEmpty()).forEach(i -> lines.add(i.sql()));
    lines.add(Replay.CREATE + STREAM_TABLE);
    lines.add(query.sql() + ";");
    lines.addAll(workload.lines());
    // the enum type and the domain, before the tables, when a column, literal or cast names them (a
    // union's VALUES may cast to one without any table having such a column); Replay.reset drops them again
    if (lines.subList(ddl, lines.size()).stream().anyMatch(l -> NAMES_DOMAIN.matcher(l).find())) {
      lines.add(ddl, ColType.DOMAIN_DDL);
    }
    if (lines.subList(ddl, lines.size()).stream().anyMatch(l -> NAMES_ENUM.matcher(l).find())) {
      lines.add(ddl, ColType.ENUM_DDL);
    }
    return String.join("\n", lines) + "\n";
  }

  @Override
  public String toString() {
    return "\n" + script();
  }
}
