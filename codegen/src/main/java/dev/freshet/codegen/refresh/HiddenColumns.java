package dev.freshet.codegen.refresh;

/**
 * Names of the hidden columns of a stream table (DESIGN.md §6). The {@value #PREFIX} prefix is
 * reserved: a defining query may not produce a column starting with it.
 */
public final class HiddenColumns {

  public static final String PREFIX = "__freshet_";
  /** 128-bit hash of the row identity, indexed; always paired with an exact comparison. */
  public static final String HASH = PREFIX + "hash";
  /** Bag tables: ordinal of a row among equal rows, 1..n. */
  public static final String DUP = PREFIX + "dup";
  /** Grouped tables: number of input rows in the group. */
  public static final String COUNT = PREFIX + "count";

  private HiddenColumns() {
  }

  /** Grouped tables: group key {@code j}. */
  public static String key(int j) {
    return PREFIX + "k" + j;
  }

  /** Grouped tables: state of aggregate call {@code i} (its value, or the sum for SUM/AVG). */
  public static String state(int i) {
    return PREFIX + "s" + i;
  }

  /** Grouped tables: number of non-NULL inputs of SUM/AVG call {@code i}. */
  public static String nonNull(int i) {
    return PREFIX + "n" + i;
  }
}
