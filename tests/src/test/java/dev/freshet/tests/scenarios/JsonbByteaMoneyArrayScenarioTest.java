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
 * Arrays of {@code jsonb}, {@code bytea} and {@code money} are maintained DIFFERENTIAL: projected, grouped
 * and DISTINCT-ed. Their rows are identified by the arrays' dimensions and each element's identity as a
 * value of its own is (jsonb with its numbers without trailing zeros, bytea as hex whatever bytea_output,
 * money as its stored cents), as PostgreSQL's array equality compares them: {@code {"a": 1.0}} and
 * {@code {"a": 1}} in a jsonb[] are one value, a JSON {@code null} element and a NULL element are two, as
 * are {@code [0:0]={...}} and {@code {...}}. Refreshed from a session with another bytea_output. The oracle
 * checks every query after every refresh.
 */
@PostgresTest
class JsonbByteaMoneyArrayScenarioTest {

  private static final List<String> QUERIES = List.of(
      "SELECT id, js, bs, ms FROM jbm",
      "SELECT js, count(*) AS n, sum(id) AS s FROM jbm GROUP BY js",
      "SELECT bs, ms, min(id) AS lo, max(id) AS hi FROM jbm GROUP BY bs, ms",
      "SELECT DISTINCT js FROM jbm",
      "SELECT DISTINCT bs, ms FROM jbm");

  @Test
  void arraysOfJsonbByteaAndMoneyAreMaintained(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "SET bytea_output = 'hex'",
          "CREATE TABLE jbm (id int PRIMARY KEY, js jsonb[], bs bytea[], ms money[])");
      for (int i = 0; i < QUERIES.size(); i++) {
        create(c, "jbm" + i, QUERIES.get(i), Mode.DIFFERENTIAL);
      }
      String inserts = "INSERT INTO jbm VALUES "
          + "(1, ARRAY['{\"a\": 1.0}'::jsonb, NULL], ARRAY['\\x01ff'::bytea, NULL], '{1.50,NULL}'), "
          + "(2, ARRAY['{\"a\": 1}'::jsonb, NULL], ARRAY['\\x01ff'::bytea, NULL], '{1.5,NULL}'), "
          + "(3, ARRAY['null'::jsonb], ARRAY[''::bytea], '{0}'), "
          + "(4, ARRAY[NULL::jsonb], ARRAY[NULL::bytea], '{NULL}'), "
          + "(5, NULL, NULL, NULL), "
          + "(6, '{}', '{}', '{}'), "
          + "(7, '[0:0]={\"[1, 2.50]\"}', '[0:0]={\"\\\\x00\"}', '[0:0]={2}'), "
          + "(8, ARRAY['[1, 2.5]'::jsonb], ARRAY['\\x00'::bytea], '{2.00}')";
      List<List<String>> rounds = List.of(
          List.of(inserts),
          List.of("UPDATE jbm SET js = ARRAY['{\"a\": 1.000}'::jsonb, NULL], bs = ARRAY['\\x'::bytea] WHERE id = 3",
              "UPDATE jbm SET js = ARRAY['[1.0, 2.500]'::jsonb], ms = '{2}' WHERE id = 7",
              "DELETE FROM jbm WHERE id = 2",
              "INSERT INTO jbm VALUES (9, ARRAY['{\"a\": 1e0}'::jsonb, NULL], ARRAY['\\x01ff'::bytea, NULL], "
                  + "'{1.5,NULL}'), (10, ARRAY['{\"b\": 1, \"a\": 1}'::jsonb], ARRAY['\\x01FF'::bytea], '{1.5}')"),
          List.of("DELETE FROM jbm WHERE id = 1",
              "UPDATE jbm SET js = ARRAY['{\"a\": 1, \"b\": 1.0}'::jsonb] WHERE id = 4",
              "UPDATE jbm SET js = NULL, bs = '{}', ms = '{}' WHERE id = 6",
              "INSERT INTO jbm VALUES (11, ARRAY['{\"a\": 1.00}'::jsonb, NULL], ARRAY['\\x01ff'::bytea, NULL], "
                  + "'{1.50,NULL}')"));
      for (int round = 0; round < rounds.size(); round++) {
        inOneTransaction(c, rounds.get(round).toArray(String[]::new));
        if (round == 1) {
          // a refresh from a session that prints bytea otherwise (the stream tables keep their creation settings)
          exec(c, "SET bytea_output = 'escape'");
        }
        for (int i = 0; i < QUERIES.size(); i++) {
          Oracle.refreshAndCheck(c, "jbm" + i, Mode.DIFFERENTIAL);
        }
      }
      // {{"a": 1.000},NULL} (id 3), {{"a": 1e0},NULL} (id 9) and {{"a": 1.00},NULL} (id 11) are one group,
      // with {[1.0, 2.500]} (id 7, 8 after the first update: [0:0] no longer), {{"a":1,"b":1}} (id 4, 10), NULL (id 5, 6)
      assertEquals(3L, count(c, "SELECT n FROM jbm1 WHERE js = ARRAY['{\"a\": 1}'::jsonb, NULL]"));
      assertEquals(4L, count(c, "SELECT count(*) FROM jbm3"));
      // {\x01ff,NULL} with {1.50,NULL} (id 9, 11) is one group, {\x01ff} with {1.5} (id 10) another
      assertEquals(2L, count(c, "SELECT hi - lo FROM jbm2 WHERE bs = ARRAY['\\x01ff'::bytea, NULL]"));
    }
  }
}
