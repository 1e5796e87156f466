package dev.freshet.codegen.refresh;

import dev.freshet.planner.sql.Quoting;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small text builders shared by the refresh printers; every name goes through {@link Quoting}. */
final class SqlText {

  private SqlText() {
  }

  static String q(String identifier) {
    return Quoting.identifier(identifier);
  }

  /** {@code alias."column"}. */
  static String col(String alias, String column) {
    return alias + "." + q(column);
  }

  static List<String> map(List<String> items, Function<String, String> f) {
    List<String> out = new ArrayList<>(items.size());
    items.forEach(i -> out.add(f.apply(i)));
    return out;
  }

  static String join(List<String> items) {
    return String.join(", ", items);
  }

  /** {@code a."x" IS NOT DISTINCT FROM b."x" AND …}; {@code TRUE} for no columns. */
  static String sameValues(String left, String right, List<String> columns) {
    if (columns.isEmpty()) {
      return "TRUE";
    }
    return String.join("\n  AND ", map(columns,
        c -> col(left, c) + " IS NOT DISTINCT FROM " + col(right, c)));
  }

  /**
   * {@link #sameValues} for stored columns: those whose type has no equality compare by their text
   * ({@link #comparable}).
   */
  static String sameStoredValues(String left, String right, List<StoredColumn> columns) {
    if (columns.isEmpty()) {
      return "TRUE";
    }
    List<String> parts = new ArrayList<>();
    for (StoredColumn c : columns) {
      parts.add(comparable(col(left, c.name()), c) + " IS NOT DISTINCT FROM " + comparable(col(right, c.name()), c));
    }
    return String.join("\n  AND ", parts);
  }

  /**
   * {@code ref}, or its text when the column's type has no equality (json, point…) or its collation is
   * nondeterministic: equal text, equal value. The text compared byte by byte ({@code COLLATE "C"}): a text of a
   * case-insensitive collation keeps it through {@code ::text}, where {@code 'n3'} and {@code 'N3'} are equal.
   */
  static String comparable(String ref, StoredColumn column) {
    return column.equality() ? ref : ref + "::text COLLATE \"C\"";
  }

  /**
   * The identity hash of some columns: md5 of their row's text, each value first put in a form that
   * is equal exactly when the values are equal and does not depend on session settings (DateStyle,
   * TimeZone, extra_float_digits, bytea_output): numerics without trailing zeros, date/time values as
   * epoch seconds, floats and bytea as their bytes (-0 as 0, every NaN as one), jsonb with its numbers so written, money as its
   * stored cents, citext in lower case, ranges and multiranges of numerics, dates and timestamps by their
   * flags and their bounds so written, arrays of those by their dimensions and their elements so written.
   *
   * @param types PostgreSQL type names ({@code format_type}) of the columns
   */
  static String hash(String alias, List<String> columns, List<String> types) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      parts.add(canonical(col(alias, columns.get(i)), types.get(i)));
    }
    return "md5(ROW(" + join(parts) + ")::text)::uuid";
  }

  static String canonical(String ref, String type) {
    if (type.endsWith("[]")) {
      return arrayIdentity(ref, type.substring(0, type.length() - 2));
    }
    // Whole names only: an enum called timeslot or numeric_grade is not a time or a number.
    if (type.equals("numeric") || type.startsWith("numeric(")) {
      return "trim_scale(" + ref + ")";
    }
    if (INTERVAL.matcher(type).matches()) {
      // PostgreSQL compares intervals by months * 30 days + days + time: '1 year' = '360 days'. Its epoch
      // counts a year as 365.25 days (and a month not in a whole year as 30): take the difference off again
      return "(extract(epoch FROM " + ref + ") - extract(year FROM " + ref + ") * 453600)";
    }
    if (type.equals("date") || TEMPORAL.matcher(type).matches()) {
      return "extract(epoch FROM " + ref + ")";
    }
    if (type.equals("double precision") || type.equals("real")) {
      // its bytes, but PostgreSQL holds -0 equal to 0 and every NaN equal to NaN (one group, one DISTINCT row):
      // those are written as one value first
      return "float8send(CASE WHEN " + ref + " = 0 THEN 0::double precision WHEN " + ref
          + " = 'NaN'::double precision THEN 'NaN'::double precision ELSE " + ref + "::double precision END)";
    }
    if (type.equals("bytea")) {
      return "encode(" + ref + ", 'hex')";
    }
    // Types the planner carries by name (PgTypeMapping): their text identifies their value, but for these.
    if (type.equals("jsonb")) {
      return "freshet.jsonb_identity(" + ref + ")";
    }
    if (type.equals("money")) {
      // its stored cents: money's text and its numeric value depend on lc_monetary
      return "encode(pg_catalog.cash_send(" + ref + "), 'hex')";
    }
    if (type.equals("citext") || type.endsWith(".citext")) {
      return "lower(" + ref + "::text)";
    }
    String bound = RANGE_BOUNDS.get(type);
    if (bound != null) {
      return rangeIdentity(ref, bound);
    }
    bound = MULTIRANGE_BOUNDS.get(type);
    if (bound != null) {
      // PostgreSQL keeps a multirange's ranges sorted and merged: equal multiranges have equal lists. The
      // empty one is '{}', told apart from NULL (no ranges either).
      String r = "\"__freshet_mr\".r";
      return "CASE WHEN pg_catalog.isempty(" + ref + ") THEN '{}' ELSE (SELECT pg_catalog.string_agg("
          + rangeIdentity(r, bound) + ", ';' ORDER BY \"__freshet_mr\".n) FROM pg_catalog.unnest(" + ref
          + ") WITH ORDINALITY AS \"__freshet_mr\"(r, n)) END";
    }
    return ref;
  }

  /**
   * An array whose elements' text does not identify them (numeric, date/time, interval, the ranges above,
   * jsonb, money) or depends on the session (bytea, money):
   * its dimensions with their lower bounds ({@code [0:1][1:2]}, NULL for the empty array) and the identity
   * of each element in storage order, NULL elements as NULL. That is what PostgreSQL's array equality
   * compares: the same dimensions and lower bounds, and elements equal one by one (a NULL equal to a NULL).
   * An array of any other type (int, text, an enum) is its own text.
   */
  private static String arrayIdentity(String ref, String elementType) {
    String e = "\"__freshet_ae\".e";
    String element = canonical(e, elementType);
    if (element.equals(e)) {
      return ref;
    }
    return "CASE WHEN " + ref + " IS NOT NULL THEN ROW(pg_catalog.array_dims(" + ref + "), ARRAY(SELECT " + element
        + " FROM pg_catalog.unnest(" + ref + ") WITH ORDINALITY AS \"__freshet_ae\"(e, n) ORDER BY \"__freshet_ae\".n)"
        + ")::text END";
  }

  /**
   * Ranges of numerics, dates and timestamps: equal numranges print differently ([1.0,2) = [1.00,2)), the
   * others' text depends on DateStyle and (tstzrange) TimeZone, and under DateStyle SQL, Postgres or German
   * two different timestamptz can print alike (a zone's abbreviation across an offset change:
   * Europe/Moscow, 2014-10-26 01:30 MSK twice). Identified instead by their flags and bounds, each bound as
   * its subtype is (numeric without trailing zeros, epoch seconds), which is what range equality compares:
   * empty, or (lower inclusive, lower unbounded, lower, upper inclusive, upper unbounded, upper).
   */
  private static final java.util.Map<String, String> RANGE_BOUNDS = java.util.Map.of("numrange", "numeric",
      "daterange", "date", "tsrange", "timestamp without time zone", "tstzrange", "timestamp with time zone");

  /** Multiranges of the {@link #RANGE_BOUNDS} types: the identity of each of their ranges, in order. */
  private static final java.util.Map<String, String> MULTIRANGE_BOUNDS = java.util.Map.of(
      "nummultirange", "numeric", "datemultirange", "date", "tsmultirange", "timestamp without time zone",
      "tstzmultirange", "timestamp with time zone");

  /** The identity text of range {@code ref} whose bounds are of type {@code bound}; NULL for NULL. */
  private static String rangeIdentity(String ref, String bound) {
    return "CASE WHEN pg_catalog.isempty(" + ref + ") THEN 'empty' WHEN NOT pg_catalog.isempty(" + ref
        + ") THEN ROW(pg_catalog.lower_inc(" + ref + "), pg_catalog.lower_inf(" + ref + "), "
        + canonical("pg_catalog.lower(" + ref + ")", bound) + ", pg_catalog.upper_inc(" + ref
        + "), pg_catalog.upper_inf(" + ref + "), " + canonical("pg_catalog.upper(" + ref + ")", bound)
        + ")::text END";
  }

  /**
   * Timestamps with or without time zone, times without (a time with time zone keeps its offset, which
   * epoch seconds lose; the planner refuses it): hashed as epoch seconds.
   */
  private static final java.util.regex.Pattern TEMPORAL = java.util.regex.Pattern.compile(
      "timestamp(\\(\\d+\\))?( with(out)? time zone)?|time(\\(\\d+\\))?( without time zone)?");

  /**
   * Intervals, with or without fields and precision: hashed as the span PostgreSQL compares them by (in
   * seconds), which is their epoch but for the 5.25 days it counts a year more than twelve 30-day months.
   */
  private static final java.util.regex.Pattern INTERVAL = java.util.regex.Pattern.compile("interval([ (].*)?");

  /** The PostgreSQL type name family of a Calcite type, as {@link #canonical} needs it. */
  static String pgFamily(org.apache.calcite.rel.type.RelDataType type) {
    return type instanceof dev.freshet.planner.types.PostgresNamedType named
        ? named.postgresName() : pgFamily(type.getSqlTypeName());
  }

  private static String pgFamily(org.apache.calcite.sql.type.SqlTypeName type) {
    return switch (type) {
      case DECIMAL -> "numeric";
      case DATE -> "date";
      case TIME, TIME_WITH_LOCAL_TIME_ZONE -> "time";
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "timestamp";
      case DOUBLE, FLOAT, REAL -> "double precision";
      case BINARY, VARBINARY -> "bytea";
      case INTERVAL_YEAR, INTERVAL_YEAR_MONTH, INTERVAL_MONTH, INTERVAL_DAY, INTERVAL_DAY_HOUR,
          INTERVAL_DAY_MINUTE, INTERVAL_DAY_SECOND, INTERVAL_HOUR, INTERVAL_HOUR_MINUTE,
          INTERVAL_HOUR_SECOND, INTERVAL_MINUTE, INTERVAL_MINUTE_SECOND, INTERVAL_SECOND -> "interval";
      default -> type.getName().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Indents every line of {@code sql} by {@code spaces}. */
  static String indent(String sql, int spaces) {
    String pad = " ".repeat(spaces);
    return pad + sql.strip().replace("\n", "\n" + pad);
  }
}
