package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stream table defined with {@code SELECT *} (or {@code t.*}, or {@code TABLE t}) keeps the columns its
 * sources had when it was created, as a PostgreSQL view does: its stored query has the stars written out.
 * Before, the stored query kept its star, so after {@code ALTER TABLE … ADD COLUMN} on a source every
 * recompute of it (verify, a FULL refresh, a rebuild) read one column more than the stream table has
 * ("each EXCEPT query must have the same number of columns"; found by a first-hour walkthrough).
 */
@PostgresTest
class StarExpansionScenarioTest {

  @Test
  void starsAreWrittenOutAtCreateSoThatAnAddedColumnChangesNothing(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE se_a (id int PRIMARY KEY, v text)",
          "CREATE TABLE \"se B\" (id int PRIMARY KEY, \"Order\" int, \"we\"\"ird é\" text)",
          "INSERT INTO se_a VALUES (1, 'a'), (2, 'b'), (3, NULL)",
          "INSERT INTO \"se B\" VALUES (1, 10, 'x'), (2, 20, NULL)");
      StoredStreamTable star = create(c, "se_star", "SELECT * FROM se_a WHERE id < 10", Mode.DIFFERENTIAL);
      StoredStreamTable table = create(c, "se_table", "TABLE \"se B\"", Mode.DIFFERENTIAL);
      StoredStreamTable qualified = create(c, "se_qualified",
          "SELECT b.*, a.v FROM se_a a JOIN \"se B\" AS b ON a.id = b.id", Mode.DIFFERENTIAL);
      StoredStreamTable using = create(c, "se_using",
          "SELECT * FROM se_a LEFT JOIN \"se B\" USING (id)", Mode.DIFFERENTIAL);
      StoredStreamTable topK = create(c, "se_full", "SELECT * FROM se_a ORDER BY id DESC LIMIT 2", Mode.FULL);
      StoredStreamTable nested = create(c, "se_nested",
          "SELECT * FROM (SELECT * FROM se_a) AS s WHERE EXISTS (SELECT * FROM \"se B\" b WHERE b.id = s.id)",
          Mode.DIFFERENTIAL);

      assertEquals("SELECT \"id\", \"v\" FROM se_a WHERE id < 10", star.definingQuery());
      assertEquals("SELECT \"id\", \"Order\", \"we\"\"ird é\" FROM \"se B\"", table.definingQuery());
      assertEquals("SELECT \"b\".\"id\", \"b\".\"Order\", \"b\".\"we\"\"ird é\", a.v FROM se_a a JOIN \"se B\" AS b "
          + "ON a.id = b.id", qualified.definingQuery());
      assertEquals("SELECT \"id\", \"v\", \"Order\", \"we\"\"ird é\" FROM se_a LEFT JOIN \"se B\" USING (id)",
          using.definingQuery());
      assertEquals("SELECT \"id\", \"v\" FROM se_a ORDER BY id DESC LIMIT 2", topK.definingQuery());
      // the star under EXISTS stands for no column of the result: it stays as written
      assertEquals("SELECT \"id\", \"v\" FROM (SELECT \"id\", \"v\" FROM se_a) AS s WHERE EXISTS (SELECT * FROM "
          + "\"se B\" b WHERE b.id = s.id)", nested.definingQuery());

      exec(c, "ALTER TABLE se_a ADD COLUMN extra int DEFAULT 7", "ALTER TABLE \"se B\" ADD COLUMN more text",
          "INSERT INTO se_a VALUES (4, 'd', 8)", "INSERT INTO \"se B\" VALUES (4, 40, 'y', 'z')",
          "UPDATE se_a SET v = 'A', extra = 9 WHERE id = 1", "DELETE FROM \"se B\" WHERE id = 2");
      for (String name : List.of("se_star", "se_table", "se_qualified", "se_using", "se_nested")) {
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
      Oracle.refreshAndCheck(c, "se_full", Mode.FULL);
      assertEquals(List.of("id", "v", "Order", "we\"ird é"), Scenarios.rows(c,
          "SELECT attname FROM pg_attribute WHERE attrelid = 'se_using'::regclass AND attnum > 0 "
              + "AND NOT attisdropped AND attname NOT LIKE '\\_\\_freshet%' ORDER BY attnum"));
      assertEquals(List.of("4|d", "3|"), Scenarios.rows(c, "SELECT id || '|' || coalesce(v, '') FROM se_full "
          + "ORDER BY id DESC"));
    }
  }
}
