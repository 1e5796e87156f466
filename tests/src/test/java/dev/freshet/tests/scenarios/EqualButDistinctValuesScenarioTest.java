package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values PostgreSQL holds equal but prints differently ({@code 1.0} and {@code 1.000}, {@code {"n": 1.0}} and
 * {@code {"n": 1}}, {@code 0} and {@code -0}) are different values to a query that shows their text: an
 * update from one to the other is a change. A change table grouped its rows by equality and merged the
 * delete of the old value with the insert of the new one, so the refresh applied nothing and the stream
 * table kept the old text ({@code x::text}, {@code doc ->> 'n'}); a failing cast of the old value even kept
 * failing after the data was fixed (found by a walkthrough of the docs, 2026-12-05).
 */
@PostgresTest
class EqualButDistinctValuesScenarioTest {

  @Test
  void anUpdateToAnEqualValueThatPrintsDifferentlyIsAChange(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE nums (id int PRIMARY KEY, x numeric, f float8, grp int NOT NULL)",
          "INSERT INTO nums VALUES (1, 1.0, 0, 1), (2, 2, 1.5, 1)",
          "CREATE TABLE docs (id int PRIMARY KEY, doc jsonb)",
          "INSERT INTO docs VALUES (1, '{\"n\": 1.0}'), (2, '{\"n\": 2}')");
      create(c, "nums_txt", "SELECT id, x, x::text AS xt, f::text AS ft FROM nums", Mode.DIFFERENTIAL);
      create(c, "nums_sum", "SELECT grp, sum(x) AS s, count(*) AS n FROM nums GROUP BY grp", Mode.DIFFERENTIAL);
      create(c, "docs_txt", "SELECT id, doc ->> 'n' AS n_text, doc FROM docs", Mode.DIFFERENTIAL);

      exec(c, "UPDATE nums SET x = 1.000, f = '-0' WHERE id = 1", "UPDATE docs SET doc = '{\"n\": 1}' WHERE id = 1",
          "UPDATE docs SET doc = '{\"n\": 2.00}' WHERE id = 2");
      Oracle.refreshAndCheck(c, "nums_txt", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "nums_sum", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "docs_txt", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1.000|-0", "2|2|1.5"), rows(c, "SELECT id || '|' || xt || '|' || ft FROM nums_txt ORDER BY id"));
      assertEquals(List.of("1|1", "2|2.00"), rows(c, "SELECT id || '|' || n_text FROM docs_txt ORDER BY id"));
      assertEquals(List.of("3.000"), rows(c, "SELECT s::text FROM nums_sum"));
    }
  }

  /** A refresh failing on a value's text recovers once the value is fixed, by an equal value that prints right. */
  @Test
  void aRefreshFailingOnAValueRecoversWhenTheValueIsFixed(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE meta (id int PRIMARY KEY, m jsonb NOT NULL)", "INSERT INTO meta VALUES (1, '{\"n\": 1}')");
      create(c, "meta_n", "SELECT id, (m ->> 'n')::int AS n FROM meta", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO meta VALUES (8, '{\"n\": 1.0}')"); // '1.0' is no integer: PostgreSQL's query fails too
      SQLException failed = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "meta_n"));
      assertEquals("22P02", failed.getSQLState(), failed.getMessage());
      // recorded in PostgreSQL's words: no "ERROR:" prefix, no PL/pgSQL context with the program's SQL
      assertEquals(List.of("invalid input syntax for type integer: \"1.0\""), rows(c, "SELECT h.error FROM "
          + "freshet.refresh_history h JOIN freshet.stream_tables st ON st.id = h.stream_table_id "
          + "WHERE st.table_name = 'meta_n' AND h.error IS NOT NULL"));
      assertEquals(List.of("invalid input syntax for type integer: \"1.0\""), rows(c,
          "SELECT last_error FROM freshet.stream_tables WHERE table_name = 'meta_n'"));
      exec(c, "UPDATE meta SET m = '{\"n\": 1}' WHERE id = 8"); // equal jsonb, and now an integer's text
      Oracle.refreshAndCheck(c, "meta_n", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1", "8|1"), rows(c, "SELECT id || '|' || n FROM meta_n ORDER BY id"));
    }
  }
}
