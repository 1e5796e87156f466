package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Columns of {@code numrange}, {@code daterange}, {@code tsrange}, {@code tstzrange} and their multiranges are maintained
 * DIFFERENTIAL as int4range is: projected, grouped (an algebraic aggregate, and min/max, whose groups are
 * re-aggregated), DISTINCT-ed, joined on equality, padded by an outer join, ranked by top-k, compared with
 * literals cast to them and with the range operators, in a join on an operator alone and as a group key
 * out of such a join. Their rows are identified by the ranges' flags and bounds (numerics without trailing
 * zeros, epoch seconds), not by their text (which differs for equal numranges and depends on DateStyle and
 * TimeZone): equal values written differently ({@code [1.0,2.50)} and {@code [1.00,2.5)},
 * {@code [2020-01-01,2020-01-05]} and {@code (2019-12-31,2020-01-06)}, one instant at two offsets, two
 * orders of one multirange) are one group, empty and unbounded ranges are told from {@code [-infinity,
 * infinity)} and from NULL. The oracle checks every query after every round of inserts, updates and deletes.
 */
@PostgresTest
class RangeTypesScenarioTest {

  @Test
  void numrangeAndNummultirangeAreMaintained(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      scenario(c, "trn", "numrange", "nummultirange", "numeric", List.of("-1.5", "1.0", "2.50", "3.000", "1e20"),
          "[1.0,2.50)", "[\"1.00\",\"2.5\")");
      assertEquals(2L, count(c, "SELECT n FROM trn1 WHERE r = '[1,2.5)'"));
    }
  }

  @Test
  void daterangeAndDatemultirangeAreMaintained(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      scenario(c, "trd", "daterange", "datemultirange", "date",
          List.of("2020-01-01", "2020-01-02", "2020-01-04", "2020-01-10", "2020-02-01"),
          "[2020-01-01,2020-01-05]", "(2019-12-31,2020-01-06)");
      assertEquals(2L, count(c, "SELECT n FROM trd1 WHERE r = '[2020-01-01,2020-01-06)'"));
    }
  }

  @Test
  void tsrangeAndTsmultirangeAreMaintained(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      scenario(c, "trt", "tsrange", "tsmultirange", "timestamp",
          List.of("2020-01-01 00:00:00", "2020-01-01 10:30:00.25", "2020-01-01 10:30:00.250001", "2020-01-03 00:00:00",
              "2021-06-30 23:59:59.999999"),
          "[2020-01-01 00:00,2020-01-02)", "[\"2020-01-01 00:00:00.000000\",\"2020-01-02 00:00:00\")");
      assertEquals(2L, count(c, "SELECT n FROM trt1 WHERE r = '[2020-01-01,2020-01-02)'"));
    }
  }

  /**
   * Created under Europe/Moscow, where 2014-10-26 01:30 came twice (+04, then +03, both "MSK"), and
   * refreshed from a session in another time zone: the stream table's values and identities do not move.
   */
  @Test
  void tstzrangeAndTstzmultirangeAreMaintained(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "SET TimeZone = 'Europe/Moscow'");
      scenario(c, "trz", "tstzrange", "tstzmultirange", "timestamptz",
          List.of("2014-10-25 21:30:00+00", "2014-10-25 22:30:00+00", "2020-01-01 10:30:00.25+05:30",
              "2020-01-03 00:00:00+00", "2020-01-05 12:00:00-08"),
          "[2020-01-01 00:00+00,2020-01-02 00:00+00)", "[\"2020-01-01 05:00+05\",\"2020-01-02 03:00:00.000+03\")");
      assertEquals(2L, count(c, "SELECT n FROM trz1 WHERE r = '[2020-01-01 00:00+00,2020-01-02 00:00+00)'"));
    }
  }

  /**
   * {@code v}: five values of the element type in ascending order; {@code same1} and {@code same2}: one
   * range written two ways.
   */
  private static void scenario(Connection c, String p, String range, String multi, String element, List<String> v,
      String same1, String same2) throws Exception {
    String a = v.get(0);
    String b = v.get(1);
    String cc = v.get(2);
    String d = v.get(3);
    String e = v.get(4);
    exec(c, "CREATE TABLE " + p + "_t (id int PRIMARY KEY, r " + range + ", m " + multi + ", at " + element + ")",
        "CREATE TABLE " + p + "_e (id int PRIMARY KEY, at " + element + ", rr " + range + ")");
    String t = p + "_t";
    String ev = p + "_e";
    List<String> queries = List.of(
        "SELECT id, r, m, at FROM " + t,
        "SELECT r, count(*) AS n, sum(id) AS s FROM " + t + " GROUP BY r",
        "SELECT m, min(id) AS lo, max(id) AS hi FROM " + t + " GROUP BY m",
        "SELECT DISTINCT r, m FROM " + t,
        "SELECT x.id, y.id AS other FROM " + t + " x JOIN " + t + " y ON x.r = y.r AND x.m = y.m AND x.id < y.id",
        "SELECT x.id, y.r, y.m FROM " + t + " x LEFT JOIN " + t + " y ON y.id = x.id + 1",
        "SELECT r, id FROM " + t + " ORDER BY r DESC NULLS LAST, id LIMIT 3",
        "SELECT id FROM " + t + " WHERE r && " + lit(range, b, d, "[)") + " OR r -|- '[\"" + d + "\",\"" + e
            + "\")' OR m @> at",
        "SELECT id, r << " + lit(range, d, e, "[)") + " AS bef, r &< '[\"" + a + "\",\"" + cc + "\")' AS nr, "
            + "r = " + lit(range, a, cc, "[)") + " AS eq, m = '{[\"" + a + "\",\"" + cc + "\")}'::" + multi
            + " AS meq, at <@ r AS inside FROM " + t,
        "SELECT x.id, y.id AS eid FROM " + t + " x JOIN " + ev + " y ON x.r @> y.at OR x.m && y.rr",
        "SELECT y.rr, count(x.id) AS c FROM " + ev + " y JOIN " + t + " x ON y.rr <@ x.m GROUP BY y.rr");
    for (int i = 0; i < queries.size(); i++) {
      create(c, p + i, queries.get(i), Mode.DIFFERENTIAL);
    }
    List<List<String>> rounds = new ArrayList<>();
    rounds.add(List.of(
        "INSERT INTO " + t + " VALUES "
            + "(1, '" + same1 + "', '{[\"" + a + "\",\"" + b + "\"),[\"" + cc + "\",\"" + d + "\")}', '" + b + "'), "
            + "(2, '" + same2 + "', '{[\"" + cc + "\",\"" + d + "\"),[\"" + a + "\",\"" + b + "\")}', '" + a + "'), "
            + "(3, NULL, NULL, NULL), "
            + "(4, 'empty', '{}', '" + cc + "'), "
            + "(5, '[\"" + d + "\",\"" + d + "\")', '{empty}', '" + d + "'), "
            + "(6, '(,)', '{(,)}', '" + e + "'), "
            + "(7, '[-infinity,infinity)', '{[-infinity,infinity)}', '" + e + "'), "
            + "(8, '(,\"" + b + "\")', '{[\"" + a + "\",\"" + b + "\"),[\"" + b + "\",\"" + cc + "\")}', '" + a + "'), "
            + "(9, '[\"" + cc + "\",)', '{[\"" + a + "\",\"" + cc + "\")}', '" + d + "'), "
            + "(10, '[\"" + a + "\",\"" + cc + "\"]', '{[\"" + a + "\",\"" + cc + "\"]}', '" + cc + "')",
        "INSERT INTO " + ev + " VALUES (1, '" + b + "', '[\"" + a + "\",\"" + b + "\")'), (2, NULL, NULL), "
            + "(3, '" + e + "', 'empty'), (4, '" + a + "', '(,)'), (5, '" + d + "', '[\"" + cc + "\",\"" + d + "\")')"));
    rounds.add(List.of(
        "UPDATE " + t + " SET r = '(,)', m = '{}' WHERE id = 1",
        "UPDATE " + t + " SET r = '[\"" + b + "\",\"" + d + "\")', m = NULL, at = NULL WHERE id = 3",
        "UPDATE " + ev + " SET rr = '[\"" + b + "\",infinity)', at = '" + cc + "' WHERE id = 1",
        "INSERT INTO " + t + " VALUES (11, '" + same2 + "', '{[\"" + a + "\",\"" + cc + "\")}', '" + a + "')",
        "DELETE FROM " + t + " WHERE id = 5"));
    rounds.add(List.of(
        "DELETE FROM " + ev + " WHERE id = 4",
        "UPDATE " + t + " SET r = 'empty', m = '{[\"" + d + "\",\"" + e + "\"]}' WHERE id = 7",
        "UPDATE " + t + " SET r = NULL WHERE id = 2",
        "UPDATE " + ev + " SET rr = NULL WHERE id = 5",
        "INSERT INTO " + ev + " VALUES (6, '" + cc + "', '[\"" + a + "\",\"" + cc + "\")')"));
    for (int round = 0; round < rounds.size(); round++) {
      inOneTransaction(c, rounds.get(round).toArray(String[]::new));
      if (round == 1) {
        // a refresh from a session in another time zone (the stream tables keep their creation settings)
        exec(c, "SET TimeZone = 'America/New_York'");
      }
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, p + i, Mode.DIFFERENTIAL);
      }
    }
    // at the end, the equal pair is one group again
    inOneTransaction(c, "UPDATE " + t + " SET r = '" + same1 + "' WHERE id = 1",
        "UPDATE " + t + " SET r = '" + same2 + "' WHERE id = 2", "DELETE FROM " + t + " WHERE id = 11");
    for (int i = 0; i < queries.size(); i++) {
      Oracle.refreshAndCheck(c, p + i, Mode.DIFFERENTIAL);
    }
  }

  private static String lit(String range, String lower, String upper, String bounds) {
    return "'" + bounds.charAt(0) + "\"" + lower + "\",\"" + upper + "\"" + bounds.charAt(1) + "'::" + range;
  }
}
