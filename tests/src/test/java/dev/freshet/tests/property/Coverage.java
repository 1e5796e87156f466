package dev.freshet.tests.property;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Counts, over one run of the property, how often each construct and each kind of change was
 * exercised (in a scenario Freshet accepted), and which queries it refused and why. jqwik's
 * {@code Statistics} report the same per property; these counters outlive a property so that the
 * run can fail when a supported construct was never generated.
 */
final class Coverage {

  private static final Map<Construct, Long> CONSTRUCTS = new EnumMap<>(Construct.class);
  private static final Map<Change, Long> CHANGES = new EnumMap<>(Change.class);
  private static final Map<String, Long> REFUSALS = new TreeMap<>();
  private static final Map<String, String> REFUSAL_EXAMPLES = new TreeMap<>();
  private static final Map<String, long[]> TIMES = new java.util.LinkedHashMap<>();
  private static long accepted;
  private static long refused;
  private static long refreshes;
  private static long fullRefreshes;

  private Coverage() {
  }

  static synchronized void reset() {
    CONSTRUCTS.clear();
    CHANGES.clear();
    REFUSALS.clear();
    REFUSAL_EXAMPLES.clear();
    TIMES.clear();
    accepted = 0;
    refused = 0;
    refreshes = 0;
    fullRefreshes = 0;
  }

  static synchronized void accepted(Scenario s, Replay.Result r) {
    accepted++;
    s.constructs().forEach(c -> CONSTRUCTS.merge(c, 1L, Long::sum));
    s.changes().forEach(c -> CHANGES.merge(c, 1L, Long::sum));
    refreshes += r.refreshes();
    fullRefreshes += r.fullRefreshes();
  }

  static synchronized void refused(Scenario s, String reason) {
    refused++;
    REFUSALS.merge(reason, 1L, Long::sum);
    // with its tables, so that the refusal can be reproduced from the report alone (freshet plan needs them)
    REFUSAL_EXAMPLES.putIfAbsent(reason, s.query().sql() + "\n        on: "
        + s.schema().tables().stream().map(Schema.Table::ddl).collect(Collectors.joining(" ")));
  }

  /** A change seen while running (e.g. a statement that failed), not known at generation. */
  static synchronized void observed(Change change) {
    CHANGES.merge(change, 1L, Long::sum);
  }

  /** Time spent in a phase of the replays (for the report: where the CI budget goes). */
  static synchronized void time(String phase, long nanos) {
    long[] t = TIMES.computeIfAbsent(phase, k -> new long[2]);
    t[0]++;
    t[1] += nanos;
  }

  static synchronized long accepted() {
    return accepted;
  }

  static synchronized List<Construct> missingConstructs() {
    List<Construct> missing = new ArrayList<>();
    for (Construct c : Construct.values()) {
      if (CONSTRUCTS.getOrDefault(c, 0L) == 0 && !PropertySettings.avoidedConstructs().contains(c)
          && !Generators.NOT_GENERATED.contains(c)) {
        missing.add(c);
      }
    }
    return missing;
  }

  static synchronized List<Change> missingChanges() {
    List<Change> missing = new ArrayList<>();
    for (Change c : Change.values()) {
      if (c.required && CHANGES.getOrDefault(c, 0L) == 0) {
        missing.add(c);
      }
    }
    return missing;
  }

  /**
   * Refusals of generated queries that are known and accepted: queries PostgreSQL itself fails on the
   * data (an int cast out of range), reported as refusals since there is no result to compare. They are
   * still counted and reported; any other refusal fails the run.
   */
  static final List<String> ACCEPTED_REFUSALS = List.of(Replay.QUERY_FAILS);

  static synchronized Map<String, Long> refusals() {
    return new TreeMap<>(REFUSALS);
  }

  /** Refusals not in {@link #ACCEPTED_REFUSALS}. */
  static synchronized Map<String, Long> unexpectedRefusals() {
    Map<String, Long> out = new TreeMap<>();
    REFUSALS.forEach((reason, n) -> {
      if (ACCEPTED_REFUSALS.stream().noneMatch(reason::contains)) {
        out.put(reason, n);
      }
    });
    return out;
  }

  static synchronized String report() {
    StringBuilder sb = new StringBuilder();
    sb.append("scenarios accepted: ").append(accepted).append(", refused: ").append(refused)
        .append("; refreshes checked: ").append(refreshes).append(" (").append(fullRefreshes).append(" FULL)\n");
    sb.append("constructs (scenarios using each):\n");
    for (Construct c : Construct.values()) {
      sb.append(String.format("  %-32s %6d%n", c.name().toLowerCase(), CONSTRUCTS.getOrDefault(c, 0L)));
    }
    sb.append("changes (scenarios making each):\n");
    for (Change c : Change.values()) {
      sb.append(String.format("  %-32s %6d%n", c.name().toLowerCase(), CHANGES.getOrDefault(c, 0L)));
    }
    sb.append("time:\n");
    TIMES.forEach((phase, t) -> sb.append(String.format("  %-14s %6d x, %8.1f ms mean, %8.1f s total%n", phase, t[0],
        t[1] / 1e6 / Math.max(1, t[0]), t[1] / 1e9)));
    if (!REFUSALS.isEmpty()) {
      sb.append("refusals:\n");
      REFUSALS.forEach((reason, n) -> sb.append("  ").append(n).append(" x ").append(reason)
          .append("\n      e.g. ").append(REFUSAL_EXAMPLES.get(reason)).append('\n'));
    }
    return sb.toString();
  }
}
