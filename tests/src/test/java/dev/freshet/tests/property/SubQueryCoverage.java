package dev.freshet.tests.property;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts, over one run of {@link PlannerRoundTripPropertyTest}, how often each {@link SubQueryFeature}
 * was generated and how often it was in a query Freshet planned, and which queries the planner refused
 * and why. jqwik's statistics show the same per run but end with it; these counters let the run fail
 * when a feature was never planned (a generator that drifted, or a planner that now refuses it).
 */
final class SubQueryCoverage {

  private static final Map<SubQueryFeature, Long> GENERATED = new EnumMap<>(SubQueryFeature.class);
  private static final Map<SubQueryFeature, Long> PLANNED = new EnumMap<>(SubQueryFeature.class);
  private static final Map<String, Long> REFUSALS = new TreeMap<>();
  private static final Map<String, SubQueryCase> REFUSAL_EXAMPLES = new TreeMap<>();
  private static long planned;
  private static long refused;
  private static long nanos;

  private SubQueryCoverage() {
  }

  static synchronized void reset() {
    GENERATED.clear();
    PLANNED.clear();
    REFUSALS.clear();
    REFUSAL_EXAMPLES.clear();
    planned = 0;
    refused = 0;
    nanos = 0;
  }

  static synchronized void planned(SubQueryCase kase, long caseNanos) {
    planned++;
    nanos += caseNanos;
    kase.features().forEach(f -> {
      GENERATED.merge(f, 1L, Long::sum);
      PLANNED.merge(f, 1L, Long::sum);
    });
  }

  static synchronized void refused(SubQueryCase kase, String reason, long caseNanos) {
    refused++;
    nanos += caseNanos;
    kase.features().forEach(f -> GENERATED.merge(f, 1L, Long::sum));
    REFUSALS.merge(reason, 1L, Long::sum);
    REFUSAL_EXAMPLES.merge(reason, kase, (a, b) -> a.sql().length() <= b.sql().length() ? a : b);
  }

  /**
   * Features never in a planned query; and those refused by design
   * ({@link SubQueryFeature#REFUSED_BY_DESIGN}) that were never generated, or were planned.
   */
  static synchronized List<SubQueryFeature> uncovered() {
    List<SubQueryFeature> missing = new ArrayList<>();
    for (SubQueryFeature f : SubQueryFeature.values()) {
      long plannedWith = PLANNED.getOrDefault(f, 0L);
      boolean uncovered = SubQueryFeature.REFUSED_BY_DESIGN.contains(f)
          ? plannedWith > 0 || GENERATED.getOrDefault(f, 0L) == 0 : plannedWith == 0;
      if (uncovered) {
        missing.add(f);
      }
    }
    return missing;
  }

  static synchronized String report() {
    StringBuilder sb = new StringBuilder();
    long cases = planned + refused;
    sb.append("cases: ").append(cases).append(", planned: ").append(planned).append(", refused: ").append(refused)
        .append(String.format("; %.1f ms per case%n", nanos / 1e6 / Math.max(1, cases)));
    sb.append("features (cases planned / generated with each):\n");
    for (SubQueryFeature f : SubQueryFeature.values()) {
      sb.append(String.format("  %-16s %-30s %6d / %6d%n", f.group, f.label, PLANNED.getOrDefault(f, 0L),
          GENERATED.getOrDefault(f, 0L)));
    }
    if (!REFUSALS.isEmpty()) {
      sb.append("refusals (the shortest query refused for each reason):\n");
      REFUSALS.forEach((reason, n) -> sb.append("  ").append(n).append(" x ").append(reason)
          .append("\n      e.g. ").append(REFUSAL_EXAMPLES.get(reason)).append('\n'));
    }
    return sb.toString();
  }
}
