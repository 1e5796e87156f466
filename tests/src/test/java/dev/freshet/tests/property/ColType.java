package dev.freshet.tests.property;

import java.util.List;

/**
 * The column types the generators use, each with a small value domain so that keys collide, joins
 * match and groups merge. Literals are written so that PostgreSQL and Freshet's parser read them
 * with the same type.
 */
enum ColType {
  INT("int", "i", List.of("1", "0", "2", "3", "-1")),
  BIGINT("bigint", "b", List.of("1", "0", "2", "5000000000")),
  NUMERIC("numeric(8,2)", "n", List.of("1.50", "0", "2.25", "-0.75", "10")),
  TEXT("text", "s", List.of("'a'", "'b'", "''", "'B'", "'ab'", "'a_b'")),
  DATE("date", "d", List.of("DATE '2024-01-01'", "DATE '2024-01-02'", "DATE '2024-01-03'",
      "DATE '2023-12-31'")),
  BOOL("boolean", "f", List.of("true", "false")),
  /** A PostgreSQL type Calcite has no counterpart for: carried by name, compared by PostgreSQL. */
  JSONB("jsonb", "j", List.of("'{\"a\": 1}'::jsonb", "'[]'::jsonb", "'{\"a\": 2}'::jsonb", "'\"x\"'::jsonb")),
  /**
   * A user-defined enum ({@link #ENUM_DDL}), also carried by name: ordered by its declared order
   * (sad &lt; ok &lt; happy &lt; meh), which is not the alphabetical order of its labels (happy &lt; meh &lt;
   * ok &lt; sad), so comparing or sorting by the labels' text gives different answers.
   */
  ENUM("mood", "e", List.of("'ok'::mood", "'sad'::mood", "'happy'::mood", "'meh'::mood"));

  /** The enum type's name, as in casts, column types and {@link #ENUM_DDL}. */
  static final String ENUM_NAME = "mood";

  /**
   * Creates {@link #ENUM}'s type; a scenario script runs it before its tables whenever it names the
   * type ({@link Scenario#script()}), and {@link Replay#reset} drops it again.
   */
  static final String ENUM_DDL = "CREATE TYPE " + ENUM_NAME + " AS ENUM ('sad', 'ok', 'happy', 'meh');";

  private final String sqlType;
  private final String prefix;
  private final List<String> domain;

  ColType(String sqlType, String prefix, List<String> domain) {
    this.sqlType = sqlType;
    this.prefix = prefix;
    this.domain = domain;
  }

  /** The type as written in CREATE TABLE (numeric columns may also be unconstrained). */
  String sqlType() {
    return sqlType;
  }

  /** The type as written in a cast. */
  String castName() {
    return switch (this) {
      case NUMERIC -> "numeric";
      default -> sqlType;
    };
  }

  String prefix() {
    return prefix;
  }

  /** Literals of the value domain, most common first. */
  List<String> domain() {
    return domain;
  }

  String nullLiteral() {
    return "CAST(NULL AS " + castName() + ")";
  }

  boolean isNumber() {
    return this == INT || this == BIGINT || this == NUMERIC;
  }

  boolean isInteger() {
    return this == INT || this == BIGINT;
  }

  /** Types PostgreSQL compares with each other without an explicit cast. */
  boolean comparableWith(ColType other) {
    return this == other || (isNumber() && other.isNumber());
  }

  /** Types a min/max is defined on in PostgreSQL. */
  boolean hasExtremum() {
    return this != BOOL && this != JSONB; // enums have min/max (in their declared order)
  }
}
