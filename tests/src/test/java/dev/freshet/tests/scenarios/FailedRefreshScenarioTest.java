package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.buffer;
import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A refresh that fails midway (the MERGE into the stream table is rejected) changes nothing: the
 * stream table, its stored snapshot and the change buffer are as before; the failure is recorded in
 * the status and the history; once the cause is removed the next refresh applies everything.
 */
@PostgresTest
class FailedRefreshScenarioTest {

  /** Everything a failed refresh must leave untouched. */
  private record State(List<String> rows, String lastSnapshot, List<String> buffer) {
  }

  private static State state(Connection c, String st, String source) throws Exception {
    return new State(rows(c, "SELECT t::text FROM " + st + " t ORDER BY 1"),
        text(c, "SELECT last_snapshot::text FROM freshet.stream_tables WHERE table_name = '" + st + "'"),
        rows(c, "SELECT b::text FROM " + buffer(c, source) + " b ORDER BY 1"));
  }

  private static long id(Connection c, String st) throws Exception {
    return count(c, "SELECT id FROM freshet.stream_tables WHERE table_name = '" + st + "'");
  }

  /** Refresh must throw, leave the state as it was, and record the error; returns the message. */
  private static String assertRefreshFailsCleanly(Connection c, String st, String source, String expectedInMessage)
      throws Exception {
    State before = state(c, st, source);
    assertFalse(before.buffer().isEmpty(), "the pending change must be in the buffer");
    long historyBefore = count(c, "SELECT count(*) FROM freshet.refresh_history WHERE stream_table_id = " + id(c, st));
    String errorRows = "SELECT count(*) FROM freshet.refresh_history WHERE stream_table_id = " + id(c, st)
        + " AND error LIKE '%" + expectedInMessage + "%'";
    long errorsBefore = count(c, errorRows);
    Exception e = assertThrows(Exception.class, () -> StreamTables.refresh(c, st));
    assertTrue(String.valueOf(e.getMessage()).contains(expectedInMessage), e.toString());
    assertEquals(before, state(c, st, source), "a failed refresh changed the stream table, snapshot or buffer");

    StreamTables.Status status = StreamTables.status(c, st, 5);
    assertEquals("ERROR", status.table().status());
    assertTrue(status.table().lastError().orElse("").contains(expectedInMessage), status.table().toString());
    assertTrue(status.history().get(0).contains("ERROR") && status.history().get(0).contains(expectedInMessage),
        status.history().toString());
    assertEquals(historyBefore + 1,
        count(c, "SELECT count(*) FROM freshet.refresh_history WHERE stream_table_id = " + id(c, st)));
    assertEquals(errorsBefore + 1, count(c, errorRows), "the new history row must carry the error");
    return e.getMessage();
  }

  private static void assertRecovered(Connection c, String st) throws Exception {
    Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
    StreamTables.Status status = StreamTables.status(c, st, 1);
    assertEquals("ACTIVE", status.table().status());
    assertTrue(status.table().lastError().isEmpty(), status.table().toString());
  }

  @Test
  void checkConstraintViolatedByTheDelta(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE f1 (id int PRIMARY KEY, v int NOT NULL)",
          "INSERT INTO f1 SELECT i, i FROM generate_series(1, 10) i");
      create(c, "f1_st", "SELECT id, v * 10 AS v10 FROM f1", Mode.DIFFERENTIAL);
      exec(c, "ALTER TABLE f1_st ADD CONSTRAINT f1_st_small CHECK (v10 < 1000) NOT VALID");

      // a valid change and an invalid one in the same window: neither may be applied
      exec(c, "UPDATE f1 SET v = 50 WHERE id = 5", "INSERT INTO f1 VALUES (11, 500)", "DELETE FROM f1 WHERE id = 1");
      assertRefreshFailsCleanly(c, "f1_st", "f1", "f1_st_small");
      assertEquals(List.of("1|10", "5|50"), rows(c, "SELECT id, v10 FROM f1_st WHERE id IN (1, 5, 11) ORDER BY 1"));

      // more changes while in ERROR; a second failure changes nothing either
      exec(c, "UPDATE f1 SET v = 7 WHERE id = 2");
      assertRefreshFailsCleanly(c, "f1_st", "f1", "f1_st_small");

      exec(c, "ALTER TABLE f1_st DROP CONSTRAINT f1_st_small");
      assertRecovered(c, "f1_st");
      assertEquals(List.of("2|70", "5|500", "11|5000"),
          rows(c, "SELECT id, v10 FROM f1_st WHERE id IN (1, 2, 5, 11) ORDER BY 1"));
      assertEquals(10, count(c, "SELECT count(*) FROM f1_st"));
    }
  }

  @Test
  void truncateForcedFullRefreshFails(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE f4 (id int PRIMARY KEY, v int NOT NULL)",
          "INSERT INTO f4 SELECT i, i FROM generate_series(1, 5) i");
      create(c, "f4_st", "SELECT id, v FROM f4", Mode.DIFFERENTIAL);
      exec(c, "ALTER TABLE f4_st ADD CONSTRAINT f4_st_v CHECK (v < 100) NOT VALID");
      Scenarios.inOneTransaction(c, "TRUNCATE f4", "INSERT INTO f4 VALUES (1, 1), (2, 200)");
      assertRefreshFailsCleanly(c, "f4_st", "f4", "f4_st_v");
      assertEquals(5, count(c, "SELECT count(*) FROM f4_st"));
      exec(c, "ALTER TABLE f4_st DROP CONSTRAINT f4_st_v");
      Oracle.refreshAndCheck(c, "f4_st", Mode.FULL);
      assertEquals(List.of("1|1", "2|200"), rows(c, "SELECT id, v FROM f4_st ORDER BY 1"));
      exec(c, "INSERT INTO f4 VALUES (3, 3)");
      assertRecovered(c, "f4_st");
      assertEquals(3, count(c, "SELECT count(*) FROM f4_st"));
    }
  }

  @Test
  void uniqueIndexViolatedByTheDelta(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE f2 (id int PRIMARY KEY, code text NOT NULL)",
          "INSERT INTO f2 VALUES (1, 'a'), (2, 'b')");
      create(c, "f2_st", "SELECT id, code FROM f2", Mode.DIFFERENTIAL);
      exec(c, "CREATE UNIQUE INDEX f2_st_code_uq ON f2_st (code)");
      exec(c, "INSERT INTO f2 VALUES (3, 'a')");
      assertRefreshFailsCleanly(c, "f2_st", "f2", "f2_st_code_uq");
      exec(c, "DROP INDEX f2_st_code_uq");
      assertRecovered(c, "f2_st");
      assertEquals(List.of("1|a", "2|b", "3|a"), rows(c, "SELECT id, code FROM f2_st ORDER BY 1"));
    }
  }

  @Test
  void triggerOnTheGroupedStreamTableRaises(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE f3 (id int PRIMARY KEY, g text NOT NULL, x int NOT NULL)",
          "INSERT INTO f3 VALUES (1, 'a', 1), (2, 'b', 2)");
      create(c, "f3_st", "SELECT g, count(*) AS n, sum(x) AS s FROM f3 GROUP BY g", Mode.DIFFERENTIAL);
      exec(c, """
          CREATE FUNCTION f3_boom() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            RAISE EXCEPTION 'f3 injected failure for group %', NEW.g;
          END $$""",
          "CREATE TRIGGER f3_boom BEFORE INSERT OR UPDATE ON f3_st FOR EACH ROW WHEN (NEW.g = 'bad') "
              + "EXECUTE FUNCTION f3_boom()");
      exec(c, "UPDATE f3 SET x = 10 WHERE id = 1", "INSERT INTO f3 VALUES (3, 'bad', 3), (4, 'c', 4)");
      assertRefreshFailsCleanly(c, "f3_st", "f3", "f3 injected failure for group bad");
      assertEquals(List.of("a|1|1", "b|1|2"), rows(c, "SELECT g, n, s FROM f3_st ORDER BY 1"));
      exec(c, "DROP TRIGGER f3_boom ON f3_st");
      assertRecovered(c, "f3_st");
      assertEquals(List.of("a|1|10", "b|1|2", "bad|1|3", "c|1|4"), rows(c, "SELECT g, n, s FROM f3_st ORDER BY 1"));
    }
  }
}
