package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Types without an equality operator ({@code json}, {@code point}, a composite type) are carried as payload
 * (issue 15): projected, passed through joins (inner and outer), {@code UNION ALL}, {@code EXISTS}, counted,
 * cast — maintained DIFFERENTIAL and exact after every refresh, including updates that change only a json
 * value's spacing (a different text, which PostgreSQL keeps and shows). Comparing, grouping or keeping the
 * top rows of such values is refused, naming the type and the use.
 */
@PostgresTest
class PayloadTypesScenarioTest {

  private static final List<String> QUERIES = List.of(
      "SELECT id, j, p, c FROM doc",
      "SELECT d.id, d.j, n.note FROM doc d JOIN note n ON n.doc_id = d.id",
      "SELECT d.id, d.p, n.note FROM doc d LEFT JOIN note n ON n.doc_id = d.id",
      "SELECT g, count(j) AS with_j, count(*) AS n FROM doc GROUP BY g",
      "SELECT id, j FROM doc UNION ALL SELECT doc_id, note FROM note",
      "SELECT id, j, c FROM doc d WHERE EXISTS (SELECT 1 FROM note n WHERE n.doc_id = d.id)",
      "SELECT id, j::text AS t, p FROM doc WHERE j::text LIKE '%a%' OR p IS NULL",
      "SELECT j FROM doc");

  @Test
  void payloadTypesAreMaintainedExactly(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE cplx AS (r float8, i float8)",
          "CREATE TABLE doc (id int PRIMARY KEY, g int NOT NULL, j json, p point, c cplx)",
          "CREATE TABLE note (id int PRIMARY KEY, doc_id int NOT NULL, note json)",
          "INSERT INTO doc VALUES (1, 1, '{\"a\":1}', '(1,2)', ROW(1, 2)), (2, 1, '[1, 2]', '(3,4)', ROW(3, 4)), "
              + "(3, 2, NULL, NULL, NULL), (4, 2, '{\"a\":1}', '(1,2)', ROW(1, 2))",
          "INSERT INTO note VALUES (1, 1, '\"x\"'), (2, 1, '{\"b\": 2}'), (3, 3, NULL)");
      for (int i = 0; i < QUERIES.size(); i++) {
        create(c, "pay" + i, QUERIES.get(i), Mode.DIFFERENTIAL);
      }

      List<String[]> rounds = List.of(
          // the same json value, spaced differently: a different text, so a different row
          new String[] {"UPDATE doc SET j = '{\"a\": 1}' WHERE id = 1", "UPDATE doc SET p = '(9,9)' WHERE id = 2"},
          new String[] {"INSERT INTO doc VALUES (5, 3, '{\"a\":1}', '(1,2)', ROW(5, 5))",
              "INSERT INTO note VALUES (4, 5, '[]'), (5, 4, NULL)", "DELETE FROM note WHERE id = 2"},
          new String[] {"UPDATE doc SET j = NULL, c = ROW(0, 0) WHERE id = 4", "DELETE FROM doc WHERE id = 2",
              "UPDATE note SET note = '\"x\"' WHERE id = 3"},
          new String[] {"UPDATE doc SET j = '{\"a\":1}' WHERE id = 1", "DELETE FROM doc WHERE id IN (1, 5)"});
      for (String[] round : rounds) {
        inOneTransaction(c, round);
        for (int i = 0; i < QUERIES.size(); i++) {
          Oracle.refreshAndCheck(c, "pay" + i, Mode.DIFFERENTIAL);
        }
      }
      assertEquals(List.of("2|0|2"), rows(c, "SELECT g, with_j, n FROM pay3 ORDER BY g"));
    }
  }

  @Test
  void comparingAPayloadTypeIsRefusedNamingIt(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE blob (id int PRIMARY KEY, j json, p point)");
      // PostgreSQL runs this query; Freshet would break the last place's ties by comparing whole rows
      UnsupportedQueryException e = assertThrows(UnsupportedQueryException.class,
          () -> create(c, "refused", "SELECT id, j FROM blob ORDER BY id LIMIT 2", Mode.DIFFERENTIAL));
      assertTrue(e.getMessage().contains("a value of type json is in the rows of a LIMIT or OFFSET")
          && e.getMessage().contains("json has no equality operator"), e.getMessage());
      // AUTO runs it as written (FULL)
      assertEquals(Mode.FULL, StreamTables.create(c, "top_json", "SELECT id, j FROM blob ORDER BY id LIMIT 2",
          Mode.AUTO, null).effectiveMode());
      exec(c, "INSERT INTO blob VALUES (1, '{}', '(0,0)'), (2, '[]', NULL), (3, NULL, NULL)");
      Oracle.refreshAndCheck(c, "top_json", Mode.FULL);
    }
  }
}
