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
  /** 1.5 and 1.50, 10 and 10.00: equal, but printed apart by an unconstrained numeric (not by numeric(8,2)). */
  NUMERIC("numeric(8,2)", "n", List.of("1.50", "0", "2.25", "-0.75", "10", "1.5", "10.00")),
  // 'a ': a trailing blank, which text keeps and char(n) drops (a CASE of constants and NULL was char(n))
  TEXT("text", "s", List.of("'a'", "'b'", "''", "'B'", "'ab'", "'a_b'", "'a '")),
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
  ENUM("mood", "e", List.of("'ok'::mood", "'sad'::mood", "'happy'::mood", "'meh'::mood")),
  /**
   * uuid: the same value written in upper case and in braces ({@code '{…0b}'} = {@code '…0B'} = {@code '…0b'}),
   * so a comparison by the literal's text rather than by value gives other rows. No min/max in PostgreSQL.
   */
  UUID("uuid", "g", List.of("'00000000-0000-0000-0000-00000000000a'::uuid", "'00000000-0000-0000-0000-00000000000b'::uuid",
      "'00000000-0000-0000-0000-00000000000A'::uuid", "'{00000000-0000-0000-0000-00000000000b}'::uuid",
      "'00000000-0000-0000-0000-00000000000c'::uuid")),
  /**
   * inet: a host written with and without its /32 (one value), the same address in another network
   * ({@code /24}, another value), a network, and IPv6 (ordered before every IPv4 address).
   */
  INET("inet", "p", List.of("'10.0.0.1'::inet", "'10.0.0.1/32'::inet", "'10.0.0.1/24'::inet", "'10.0.0.0/24'::inet",
      "'::1'::inet")),
  /**
   * bytea, written as bare hex strings ({@code '\x00'}), which PostgreSQL reads as bytea beside a column of
   * the type (see {@link #typedLiterals()}): the empty value, a zero byte, two bytes, and letters. No min/max.
   */
  BYTEA("bytea", "h", List.of("'\\x00'", "'\\x'", "'\\x0001'", "'\\x6162'", "'\\xff'")),
  /**
   * interval: equal values that print differently ('1 day' = '24 hours', '1 mon' = '30 days', '1 year' =
   * '360 days', though a year is 365.25 days to extract(epoch)), and a negative one.
   */
  INTERVAL("interval", "v", List.of("CAST('1 day' AS interval)", "CAST('24 hours' AS interval)",
      "CAST('1 year' AS interval)", "CAST('360 days' AS interval)", "CAST('1 mon' AS interval)",
      "CAST('30 days' AS interval)", "CAST('-1 day' AS interval)")),
  /** timestamptz: the same instant at three UTC offsets, and others an hour and a day apart. */
  TIMESTAMPTZ("timestamptz", "z", List.of("'2024-01-01 00:00:00+00'::timestamptz",
      "'2024-01-01 02:00:00+02'::timestamptz", "'2023-12-31 19:00:00-05'::timestamptz",
      "'2024-01-01 01:00:00+00'::timestamptz", "'2024-01-02 00:00:00+00'::timestamptz")),
  /** char(3): trailing blanks are insignificant ('a' = 'a  '), case is ('a' &lt;&gt; 'A'). */
  CHAR("char(3)", "l", List.of("'a'::char(3)", "'a  '::char(3)", "'ab'::char(3)", "'A'::char(3)", "''::char(3)",
      "'ab '::char(3)")),
  /**
   * int[], written as bare array strings ({@code '{1,2}'}, read as int[] beside a column: see
   * {@link #typedLiterals()}): order matters, a NULL element equals a NULL element, and an array with
   * another lower bound ({@code '[0:1]={1,2}'}) is another value with the same elements.
   */
  INT_ARRAY("int[]", "m", List.of("'{1,2}'", "'{}'", "'{2,1}'", "'{1,NULL}'", "'[0:1]={1,2}'", "'{1}'")),
  /**
   * A domain over text ({@link #DOMAIN_DDL}): compared, joined and grouped as its base type. Its literals are
   * bare strings: Freshet does not read a cast to a domain ({@code 'a'::code}: FR008 "Unknown identifier").
   */
  DOMAIN("code", "o", List.of("'a'", "'b'", "'ab'", "'A'"));

  /** The domain's name, as in casts, column types and {@link #DOMAIN_DDL}. */
  static final String DOMAIN_NAME = "code";

  /**
   * Creates {@link #DOMAIN}'s type; a scenario script runs it before its tables whenever it names the
   * type ({@link Scenario#script()}), and {@link Replay#reset} drops it again.
   */
  static final String DOMAIN_DDL = "CREATE DOMAIN " + DOMAIN_NAME + " AS text CHECK (length(VALUE) <= 3);";

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
    return this == other || (isNumber() && other.isNumber()) || comparableAcross(other) || other.comparableAcross(this);
  }

  /** Types PostgreSQL compares with each other without an explicit cast. */
  private boolean comparableAcross(ColType other) {
    // a domain compares as its base type; char(n) with text compares as text (trailing blanks dropped)
    return (this == DOMAIN || this == CHAR) && other == TEXT;
  }

  /** Types a min/max is defined on in PostgreSQL. */
  boolean hasExtremum() {
    // enums have min/max (in their declared order); uuid and bytea have none
    return this != BOOL && this != JSONB && this != UUID && this != BYTEA;
  }

  /**
   * Whether the domain's literals carry their type ({@code '1 day'::interval}) and can stand anywhere: in a
   * {@code VALUES} row, a {@code CASE} branch, a {@code COALESCE}. Freshet misread {@code '\x00'::bytea} (as
   * the bytes of its text: refused FR009 by the plan check; read right since UntypedLiteralScenarioTest, bytea
   * literals not widened yet) and its parser does not read {@code '{1,2}'::int[]}
   * (FR008): these types' literals are bare strings, only beside a column of the type, which PostgreSQL reads
   * as a value of that type (comparisons, {@code IN}, {@code BETWEEN}, DML). char(n) constants are typed
   * ({@code 'ab '::char(3)}) and stand anywhere: Freshet printed them bare (text to PostgreSQL) until
   * {@code CharConstantScenarioTest} (soaks 211 and 223).
   */
  boolean typedLiterals() {
    return this != BYTEA && this != INT_ARRAY && this != DOMAIN;
  }

  /**
   * Whether a {@code UNION ALL} may have a column of the type: those whose literals stand anywhere, for a
   * {@code VALUES} row (char(n) too since {@code CharConstantScenarioTest}: soak 211).
   */
  boolean inUnions() {
    return typedLiterals();
  }

  /**
   * Whether equal values of the type may print differently ('1 day' and '24 hours'; 1.5 and 1.50 in an
   * unconstrained numeric): then {@code x::text} of a value PostgreSQL chose among equal ones (a group's key,
   * a DISTINCT row, a min) is not determined by the query, and is generated only on a source column.
   */
  boolean textVaries() {
    return this == NUMERIC || this == INTERVAL;
  }

  /** The construct counting scenarios that read a column of the type, for the types that have one. */
  java.util.Optional<Construct> columnConstruct() {
    return java.util.Optional.ofNullable(switch (this) {
      case JSONB -> Construct.JSONB_COLUMN;
      case ENUM -> Construct.ENUM_COLUMN;
      case UUID -> Construct.UUID_COLUMN;
      case INET -> Construct.INET_COLUMN;
      case BYTEA -> Construct.BYTEA_COLUMN;
      case INTERVAL -> Construct.INTERVAL_COLUMN;
      case TIMESTAMPTZ -> Construct.TIMESTAMPTZ_COLUMN;
      case CHAR -> Construct.CHAR_COLUMN;
      case INT_ARRAY -> Construct.ARRAY_COLUMN;
      case DOMAIN -> Construct.DOMAIN_COLUMN;
      default -> null;
    });
  }
}
