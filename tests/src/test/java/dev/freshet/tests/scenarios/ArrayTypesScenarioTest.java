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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Arrays of {@code date}, {@code timestamptz}, {@code timestamp}, {@code time}, {@code interval},
 * {@code numeric} and of the ranges {@code daterange} and {@code numrange} are maintained DIFFERENTIAL:
 * projected, grouped, DISTINCT-ed and joined on equality. Their rows are identified by the arrays'
 * dimensions and each element's identity (numerics without trailing zeros, epoch seconds, a range's
 * flags and bounds), as PostgreSQL's array equality compares them: equal arrays written differently
 * ({@code {1.0,NULL}} and {@code {1.00,NULL}}, {@code {1 day}} and {@code {24 hours}}, one instant at two
 * offsets) are one group, while {@code [0:1]={1,2}} and {@code {1,2}}, {@code {{1,2},{3,4}}} and
 * {@code {1,2,3,4}}, {@code {}} and NULL are not, nor the two instants of Europe/Moscow's 2014-10-26
 * 01:30. Refreshed from a session with another TimeZone and DateStyle. The oracle checks every query
 * after every refresh.
 */
@PostgresTest
class ArrayTypesScenarioTest {

  private static final List<String> QUERIES = List.of(
      "SELECT id, ds, ts, tz, tm, iv, ns, dr, nr FROM arr",
      "SELECT ds, count(*) AS n, sum(id) AS s FROM arr GROUP BY ds",
      "SELECT ns, iv, min(id) AS lo, max(id) AS hi FROM arr GROUP BY ns, iv",
      "SELECT ts, dr, nr, count(*) AS n FROM arr GROUP BY ts, dr, nr",
      "SELECT DISTINCT ts, tz, tm FROM arr",
      "SELECT DISTINCT ns FROM arr",
      "SELECT x.id, y.id AS other FROM arr x JOIN arr y ON x.ds = y.ds AND x.ns = y.ns AND x.id < y.id",
      "SELECT x.id, y.k FROM arr x JOIN arr_e y ON x.iv = y.iv OR x.ts = y.ts OR x.nr = y.nr",
      "SELECT y.iv, count(x.id) AS c FROM arr_e y JOIN arr x ON x.iv = y.iv GROUP BY y.iv");

  @Test
  void arraysOfTypesWithACanonicalElementAreMaintained(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "SET TimeZone = 'Europe/Moscow'", "SET DateStyle = 'ISO, MDY'",
          "CREATE TABLE arr (id int PRIMARY KEY, ds date[], ts timestamptz[], tz timestamp[], tm time[], "
              + "iv interval[], ns numeric[], dr daterange[], nr numrange[])",
          "CREATE TABLE arr_e (k int PRIMARY KEY, iv interval[], ts timestamptz[], nr numrange[])");
      for (int i = 0; i < QUERIES.size(); i++) {
        create(c, "arr" + i, QUERIES.get(i), Mode.DIFFERENTIAL);
      }
      String inserts = "INSERT INTO arr VALUES "
          + "(1, '{2020-01-01,NULL}', '{\"2020-01-01 00:00+00\"}', '{\"2020-01-01 10:00:00.5\"}', '{10:00}', "
          + "'{\"1 day\"}', '{1.0,NULL}', '{\"[2020-01-01,2020-01-05]\"}', '{\"[1.0,2.50)\"}'), "
          + "(2, '{2020-01-01,NULL}', '{\"2020-01-01 05:00+05\"}', '{\"2020-01-01 10:00:00.50\"}', '{10:00:00}', "
          + "'{\"24 hours\"}', '{1.00,NULL}', '{\"[2020-01-01,2020-01-06)\"}', '{\"[1.00,2.5)\"}'), "
          + "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
          + "(4, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'), "
          + "(5, '[0:1]={2020-01-01,2020-01-02}', '{\"2014-10-25 21:30:00+00\"}', '{NULL}', '{{10:00,11:00}}', "
          + "'{\"1 mon\"}', '[0:1]={1,2}', '{empty}', '{empty}'), "
          + "(6, '{2020-01-01,2020-01-02}', '{\"2014-10-25 22:30:00+00\"}', '{NULL}', '{10:00,11:00}', "
          + "'{\"30 days\"}', '{1,2}', '{NULL}', '{\"(,)\"}'), "
          + "(7, '{{2020-01-01,2020-01-02},{2020-01-03,2020-01-04}}', '{infinity}', '{-infinity}', '{24:00}', "
          + "'{\"1 year\"}', '{{1,2},{3,4}}', '{\"[2020-01-01,)\"}', '{\"[1,2]\"}'), "
          + "(8, '{2020-01-01,2020-01-02,2020-01-03,2020-01-04}', '{\"2020-01-01 00:00+00\",NULL}', '{}', '{00:00}', "
          + "'{\"360 days\"}', '{1,2,3,4}', '{}', '{\"[1,2]\"}')";
      String others = "INSERT INTO arr_e VALUES (1, '{\"86400 seconds\"}', NULL, NULL), "
          + "(2, NULL, '{\"2014-10-26 01:30:00+04\"}', NULL), (3, '{\"12 mons\"}', NULL, '{\"[1.000,2.5)\"}'), "
          + "(4, '{}', '{}', '{}')";
      List<List<String>> rounds = List.of(
          List.of(inserts, others),
          List.of("UPDATE arr SET ns = '{1.000,NULL}', iv = '{\"1440 minutes\"}' WHERE id = 1",
              "UPDATE arr SET ds = '{2020-01-01,NULL}', ns = '{1.0,NULL}' WHERE id = 5",
              "UPDATE arr SET ts = '{\"2014-10-26 01:30:00+03\"}' WHERE id = 2",
              "UPDATE arr_e SET iv = '{\"30 days\"}' WHERE k = 4",
              "DELETE FROM arr WHERE id = 6",
              "INSERT INTO arr VALUES (9, '{2020-01-01,NULL}', '{\"2014-10-25 21:30:00+00\"}', NULL, '{10:00}', "
                  + "'{\"1 day\",NULL}', '{1.00000,NULL}', '{\"[2020-01-01,2020-01-06)\"}', '{\"[1,2.5)\"}')"),
          List.of("DELETE FROM arr WHERE id = 2",
              "UPDATE arr SET ns = '[0:1]={1,2}', ds = '{}' WHERE id = 8",
              "UPDATE arr SET ns = NULL, ds = NULL WHERE id = 4",
              "DELETE FROM arr_e WHERE k = 1",
              "INSERT INTO arr VALUES (10, '{2020-01-02}', '{\"2020-01-01 03:00+03\"}', '{\"2020-01-01 10:00:00.5\"}', "
                  + "'{10:00:00.000}', '{\"1 day\"}', '{1.0,NULL}', '{\"[2020-01-01,2020-01-05]\"}', '{\"[1.0,2.5)\"}')"));
      for (int round = 0; round < rounds.size(); round++) {
        inOneTransaction(c, rounds.get(round).toArray(String[]::new));
        if (round == 1) {
          // a refresh from a session with other settings (the stream tables keep their creation settings)
          exec(c, "SET TimeZone = 'America/New_York'", "SET DateStyle = 'ISO, DMY'");
        }
        for (int i = 0; i < QUERIES.size(); i++) {
          Oracle.refreshAndCheck(c, "arr" + i, Mode.DIFFERENTIAL);
        }
      }
      // {1.0,NULL} (id 5, 10), {1.000,NULL} (id 1) and {1.00000,NULL} (id 9) are one group; [0:1]={1,2} (id 5 before,
      // now id 8), {{1,2},{3,4}} (id 7) and NULL (id 3, 4) are others
      assertEquals(4L, count(c, "SELECT count(*) FROM arr5"));
      // with iv: {1 day} = {1440 minutes} (id 1, 10), {1 mon} (id 5), {1 day,NULL} (id 9)
      assertEquals(3L, count(c, "SELECT count(*) FROM arr2 WHERE ns = '{1,NULL}'"));
    }
  }
}
