package dev.freshet.planner.admission;

import dev.freshet.planner.types.PostgresNamedType;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * PostgreSQL's date and time input reads the words {@code now}, {@code today}, {@code tomorrow} and
 * {@code yesterday} as the clock at the time the text is read ({@code 'today'::date}, {@code ' Now '::timestamptz},
 * {@code 'today 10:00'::timestamp}), which is why {@code date_in}, {@code timestamp_in}, {@code timestamptz_in},
 * {@code time_in} and {@code timetz_in} are stable, not immutable. Its other special values ({@code epoch},
 * {@code infinity}, {@code -infinity}, {@code allballs}) are constants.
 *
 * <p>PostgreSQL splits such a text into fields and folds letters to lower case ({@code ParseDateTime}): a word
 * made of letters only is one field, so a text reads the clock when one of its runs of letters is one of the
 * four words. A text that holds such a run but is no valid date or time is refused by PostgreSQL itself.
 */
public final class ClockLiterals {

  /** The words PostgreSQL's date and time input reads as the clock. */
  public static final Set<String> WORDS = Set.of("now", "today", "tomorrow", "yesterday");

  /** The types whose input function reads those words (and ranges and arrays of them, which read through it). */
  private static final Set<SqlTypeName> CLOCK_READING = Set.of(SqlTypeName.DATE, SqlTypeName.TIME,
      SqlTypeName.TIME_WITH_LOCAL_TIME_ZONE, SqlTypeName.TIME_TZ, SqlTypeName.TIMESTAMP,
      SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, SqlTypeName.TIMESTAMP_TZ);

  private static final Set<String> CLOCK_READING_NAMED = Set.of("daterange", "tsrange", "tstzrange",
      "datemultirange", "tsmultirange", "tstzmultirange", "timetz", "time with time zone");

  private static final Pattern LETTERS = Pattern.compile("[A-Za-z]+");

  private ClockLiterals() {
  }

  /** FR004's message for {@code literal} (as written, quotes included) read as {@code type}. */
  public static String message(String literal, String type) {
    String word = clockWord(literal).orElse("now");
    return literal + " read as " + type + " reads the clock: PostgreSQL reads '" + word + "' from the clock when the "
        + "query runs, so its value changes as time passes, without any change to the tables the query reads, so "
        + "applying their changes cannot keep the stream table fresh";
  }

  /** FR004's fix for a constant read as the clock. */
  public static final String FIX = "use --mode FULL or AUTO: the stream table is then recomputed at every refresh, "
      + "whether its tables changed or not; or write the date or time itself ('2024-01-01'::date); or compare with "
      + "a time kept in a table you update (WHERE at > (SELECT max(t) FROM my_clock)), which is maintained "
      + "differentially";

  /** FR004's message for a cast of a text value of type {@code from} to {@code to}. */
  public static String castMessage(String from, String to) {
    return "a cast of " + from + " to " + to + " reads the clock: a text value such as 'today' or 'now' reads the "
        + "clock when cast, so its result changes as time passes, without any change to the tables the query reads, "
        + "so applying their changes cannot keep the stream table fresh";
  }

  /** FR004's fix for a cast of text to {@code to} (a PostgreSQL type name). */
  public static String castFix(String to) {
    String function = to.equals("date") ? "to_date(s, 'YYYY-MM-DD')" : "to_timestamp(s, 'YYYY-MM-DD HH24:MI:SS')";
    return "convert with " + function + ", which reads digits, never the clock, and is maintained differentially; "
        + "or use --mode FULL or AUTO: the stream table is then recomputed at every refresh, whether its tables "
        + "changed or not";
  }

  /** The clock word {@code text} holds, as PostgreSQL's date and time input would read it, if any. */
  public static Optional<String> clockWord(String text) {
    Matcher m = LETTERS.matcher(text);
    while (m.find()) {
      String word = m.group().toLowerCase(Locale.ROOT);
      if (WORDS.contains(word)) {
        return Optional.of(word);
      }
    }
    return Optional.empty();
  }

  /** Whether a text read as a value of {@code type} goes through PostgreSQL's date and time input. */
  public static boolean readsDateTimeInput(RelDataType type) {
    if (type instanceof PostgresNamedType named) {
      return CLOCK_READING_NAMED.contains(named.postgresName().replaceAll("\\[]$", ""));
    }
    if (type.getComponentType() != null) {
      return readsDateTimeInput(type.getComponentType());
    }
    SqlTypeName name = type.getSqlTypeName(); // null for a row of a join's fields
    return name != null && CLOCK_READING.contains(name);
  }
}
