package dev.freshet.runtime.scheduler;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How often a stream table is refreshed by {@code freshet service}: an interval such as {@code 30s}, {@code 5m}, {@code 1h}. */
public record Schedule(Duration interval) {

  private static final Pattern INTERVAL = Pattern.compile("(\\d+)\\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)");

  public Schedule {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("a schedule interval must be positive");
    }
  }

  /** Parses {@code 30s}, {@code 5m}, {@code 2h}, {@code 30d} (also {@code 10 minutes}); the error says what is accepted. */
  public static Schedule parse(String text) {
    Matcher m = INTERVAL.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("not a schedule: '" + text + "'; use an interval such as 30s, 5m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2).charAt(0)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'd' -> Duration.ofDays(n);
      default -> Duration.ofHours(n);
    };
    return new Schedule(d);
  }

  /** {@code interval} as a schedule is written: {@code 8s}, {@code 2m}, {@code 1h}, {@code 90s}. */
  public static String text(Duration interval) {
    long seconds = interval.toSeconds();
    if (seconds >= 3600 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds >= 60 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
