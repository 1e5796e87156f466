package dev.freshet.tpch;

import java.time.LocalDate;

/**
 * Appends rows in PostgreSQL's {@code COPY ... (FORMAT text)} format: tab-separated fields, one
 * row per line, backslash escapes. Numbers are written from integers, never through
 * {@code double}, so a money value of {@code 1000000000} cents is {@code 10000000.00}, exactly, and
 * never {@code 1.0E7}.
 */
final class CopyTextLine {

  /** TPC-H dates lie in 1992-01-01 .. 1998-12-31; formatting them once saves time on 60M rows. */
  private static final int FIRST_CACHED_DAY = (int) LocalDate.of(1992, 1, 1).toEpochDay();
  private static final String[] DATES = new String[(int) (LocalDate.of(1999, 1, 1).toEpochDay()
      - FIRST_CACHED_DAY)];

  static {
    for (int i = 0; i < DATES.length; i++) {
      DATES[i] = LocalDate.ofEpochDay(FIRST_CACHED_DAY + i).toString();
    }
  }

  private final StringBuilder out;
  private boolean firstField = true;

  CopyTextLine(StringBuilder out) {
    this.out = out;
  }

  CopyTextLine text(String value) {
    separate();
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      switch (ch) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(ch);
      }
    }
    return this;
  }

  CopyTextLine integer(long value) {
    separate();
    out.append(value);
    return this;
  }

  /** {@code cents} as an exact decimal with two fraction digits: {@code -5} → {@code -0.05}. */
  CopyTextLine cents(long cents) {
    separate();
    appendCents(out, cents);
    return this;
  }

  /** A date given as days since 1970-01-01, the unit io.trino.tpch uses. */
  CopyTextLine epochDay(int day) {
    separate();
    int index = day - FIRST_CACHED_DAY;
    out.append(index >= 0 && index < DATES.length ? DATES[index] : LocalDate.ofEpochDay(day).toString());
    return this;
  }

  /** Ends the row; the builder can then take the next one. */
  void end() {
    out.append('\n');
    firstField = true;
  }

  static void appendCents(StringBuilder out, long cents) {
    if (cents == Long.MIN_VALUE) {
      throw new IllegalArgumentException("money value out of range: " + cents + " cents");
    }
    long abs = Math.abs(cents);
    if (cents < 0) {
      out.append('-');
    }
    long fraction = abs % 100;
    out.append(abs / 100).append('.');
    if (fraction < 10) {
      out.append('0');
    }
    out.append(fraction);
  }

  private void separate() {
    if (!firstField) {
      out.append('\t');
    }
    firstField = false;
  }
}
