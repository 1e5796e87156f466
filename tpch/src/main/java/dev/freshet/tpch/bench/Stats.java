package dev.freshet.tpch.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Medians and number formats for the demo and benchmark tables. */
public final class Stats {

  private Stats() {
  }

  /** The median; the mean of the two middle values when there is an even number of them. */
  public static double median(List<Long> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }

  /** Milliseconds from nanoseconds: one decimal below 1000 ms, none above. */
  public static String millis(double nanos) {
    double ms = nanos / 1e6;
    return ms < 1000 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%,.0f", ms);
  }

  /** {@code full / differential}, e.g. {@code 12.3x}; below 1 the differential refresh was slower. */
  public static String ratio(double full, double differential) {
    if (differential <= 0) {
      return "-";
    }
    double r = full / differential;
    if (r >= 100) {
      return String.format(Locale.ROOT, "%,.0fx", r);
    }
    return r >= 1 ? String.format(Locale.ROOT, "%.1fx", r) : String.format(Locale.ROOT, "%.2fx", r);
  }

  /** A count that may be fractional (a median of an even number of counts). */
  public static String count(double value) {
    return value == Math.rint(value) ? String.format(Locale.ROOT, "%,d", (long) value)
        : String.format(Locale.ROOT, "%,.1f", value);
  }
}
