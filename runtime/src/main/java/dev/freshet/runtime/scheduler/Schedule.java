package dev.freshet.runtime.scheduler;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often a stream table is refreshed by {@code freshet service}: an interval such as {@code 30s}, {@code 5min},
 * {@code 1h}, written as PostgreSQL writes intervals ({@code 5 minutes}, {@code 1 hour 30 minutes}, {@code 01:30}).
 */
public record Schedule(Duration interval) {

  /** One amount and its unit: {@code 30s}, {@code 5 min}, {@code 1.5 hours}. */
  private static final Pattern PART = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]+)\\s*");

  /** PostgreSQL's clock form of an interval: {@code 01:30} (an hour and a half), {@code 00:00:30}. */
  private static final Pattern CLOCK = Pattern.compile("(\\d+):([0-5]\\d)(?::([0-5]\\d))?");

  /** The units a schedule is written in, as PostgreSQL's interval input names them (any case), in seconds. */
  private static final Map<String, Long> SECONDS = Map.ofEntries(
      Map.entry("s", 1L), Map.entry("sec", 1L), Map.entry("secs", 1L), Map.entry("second", 1L),
      Map.entry("seconds", 1L),
      Map.entry("m", 60L), Map.entry("min", 60L), Map.entry("mins", 60L), Map.entry("minute", 60L),
      Map.entry("minutes", 60L),
      Map.entry("h", 3600L), Map.entry("hr", 3600L), Map.entry("hrs", 3600L), Map.entry("hour", 3600L),
      Map.entry("hours", 3600L),
      Map.entry("d", 86_400L), Map.entry("day", 86_400L), Map.entry("days", 86_400L),
      Map.entry("w", 604_800L), Map.entry("week", 604_800L), Map.entry("weeks", 604_800L));

  /** Units of no fixed length, which PostgreSQL adds to dates by the calendar. */
  private static final Set<String> CALENDAR = Set.of("mon", "mons", "month", "months", "y", "yr", "yrs", "year",
      "years", "decade", "decades", "century", "centuries", "millennium", "millennia");

  /** Units shorter than the second a schedule counts in. */
  private static final Set<String> SUB_SECOND = Set.of("ms", "msec", "msecs", "millisecond", "milliseconds", "us",
      "usec", "usecs", "microsecond", "microseconds");

  /** The longest schedule: a hundred years (an interval past it would overflow the scheduler's clock). */
  private static final BigDecimal LONGEST = BigDecimal.valueOf(36_500L * 86_400L);

  /** What an unreadable schedule is told to look like. */
  private static final String EXAMPLES = "use an interval such as 30s, 5m or 1h";

  private static final String WHOLE_SECONDS = "a schedule counts whole seconds, e.g. 1s or 90s";

  public Schedule {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("a schedule interval must be positive");
    }
  }

  /**
   * Parses an interval as PostgreSQL reads one, in units of fixed length: {@code 30s}, {@code 5m}, {@code 5min},
   * {@code 2h}, {@code 30d}, {@code 1w}, {@code 10 minutes}, {@code 1h30m}, {@code 1 hour 30 minutes},
   * {@code 1.5h}, {@code 01:30}; any case, but for {@code M} alone, which is refused: PostgreSQL reads it as
   * minutes, ISO 8601 and most schedulers as months. Months and years (no fixed length) are refused too, and so
   * is less than a second. Every error says what to write instead.
   */
  public static Schedule parse(String text) {
    String written = text.strip();
    Matcher clock = CLOCK.matcher(written);
    if (clock.matches()) {
      long seconds = Long.parseLong(clock.group(1)) * 3600 + Long.parseLong(clock.group(2)) * 60
          + (clock.group(3) == null ? 0 : Long.parseLong(clock.group(3)));
      return positive(text, BigDecimal.valueOf(seconds));
    }
    Matcher part = PART.matcher(written);
    BigDecimal seconds = BigDecimal.ZERO;
    int at = 0;
    while (at < written.length()) {
      part.region(at, written.length());
      if (!part.lookingAt()) {
        throw new IllegalArgumentException(notASchedule(text) + EXAMPLES);
      }
      String unit = part.group(2);
      String amount = part.group(1);
      if (unit.equals("M")) {
        throw new IllegalArgumentException(notASchedule(text) + amount + "M is ambiguous: minutes to PostgreSQL, "
            + "months to ISO 8601 and most schedulers; write " + amount + "min (or " + amount + "m) for minutes, "
            + "and days for months (30d), which have no fixed length");
      }
      String lower = unit.toLowerCase(Locale.ROOT);
      if (CALENDAR.contains(lower)) {
        throw new IllegalArgumentException(notASchedule(text) + "months and years have no fixed length; write the "
            + "interval in days or weeks, e.g. 30d or 4w");
      }
      if (SUB_SECOND.contains(lower)) {
        throw new IllegalArgumentException(notASchedule(text) + WHOLE_SECONDS);
      }
      Long unitSeconds = SECONDS.get(lower);
      if (unitSeconds == null) {
        throw new IllegalArgumentException(notASchedule(text) + EXAMPLES);
      }
      seconds = seconds.add(new BigDecimal(amount).multiply(BigDecimal.valueOf(unitSeconds)));
      at = part.end();
    }
    return positive(text, seconds);
  }

  private static Schedule positive(String text, BigDecimal seconds) {
    if (seconds.signum() == 0) {
      throw new IllegalArgumentException(notASchedule(text) + EXAMPLES);
    }
    if (seconds.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(notASchedule(text) + WHOLE_SECONDS);
    }
    if (seconds.compareTo(LONGEST) > 0) {
      throw new IllegalArgumentException(notASchedule(text) + "longer than a hundred years");
    }
    return new Schedule(Duration.ofSeconds(seconds.longValueExact()));
  }

  private static String notASchedule(String text) {
    return "not a schedule: '" + text + "'; ";
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
