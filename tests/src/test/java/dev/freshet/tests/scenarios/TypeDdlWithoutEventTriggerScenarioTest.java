package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * DDL on a type that a source's columns use, in a catalog without the event trigger {@code freshet_type_ddl}
 * (a catalog migrated by a role that is not a superuser, as on managed services) or with it disabled (issue
 * 14). Nothing records the DDL as it happens, so each refresh of a stream table whose sources use a type
 * that is not built in compares the types recorded for it with the current ones (catalog V19), marks it as
 * the event trigger would and stops before applying anything (FS005); {@code freshet refresh} then compiles
 * it again and recomputes it. Before V20, {@code ALTER TYPE ... RENAME VALUE 'ok' TO 'fine'} followed by an
 * insert of 'fine' left a grouped stream table with two groups displayed 'fine', after a refresh that
 * reported success.
 */
@PostgresTest
class TypeDdlWithoutEventTriggerScenarioTest {

  private static final String COMPILES_AGAIN = ": its next refresh compiles it again and recomputes it in full";

  @Test
  void anInsertAfterARenamedEnumValueJoinsTheRenamedGroup(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE wt_mood AS ENUM ('sad', 'ok', 'happy')",
          "CREATE TABLE wt (id int PRIMARY KEY, m wt_mood, v int, other text)",
          "INSERT INTO wt VALUES (1, 'sad', 1, 'x'), (2, 'ok', 2, 'y'), (3, 'happy', 3, 'x'), (4, 'ok', 4, 'y')");
      create(c, "wt_grouped", "SELECT m, sum(v) AS s, count(*) AS n FROM wt GROUP BY m", Mode.DIFFERENTIAL);
      create(c, "wt_rows", "SELECT id, m FROM wt", Mode.DIFFERENTIAL);
      create(c, "wt_builtin", "SELECT other, sum(v) AS s FROM wt GROUP BY other", Mode.DIFFERENTIAL);
      dropTypeTrigger(c); // as in a catalog that a non-superuser migrated

      exec(c, "ALTER TYPE wt_mood RENAME VALUE 'ok' TO 'fine'", "INSERT INTO wt VALUES (5, 'fine', 10, 'x')");
      String reason = "value 'ok' of type public.wt_mood, which its source column \"public\".\"wt\".\"m\" uses, was "
          + "renamed to 'fine' (ALTER TYPE ... RENAME VALUE)";
      for (String name : List.of("wt_grouped", "wt_rows")) {
        assertEquals(Optional.empty(), pendingRebuild(c, name), "nothing saw the DDL as it happened");
        // the refresh sees it, marks it as the event trigger would, and the rebuild follows
        assertEquals(Optional.of(reason + ": recomputed"), Oracle.refreshAndCheck(c, name, Mode.FULL).modeReason(),
            name);
        assertEquals(Optional.empty(), pendingRebuild(c, name), name);
      }
      assertEquals(List.of("sad|1|1", "fine|16|3", "happy|3|1"),
          rows(c, "SELECT m || '|' || s || '|' || n FROM wt_grouped ORDER BY m"), "one group of 'fine'");
      // a stream table that reads no column of the type is not rebuilt
      Oracle.refreshAndCheck(c, "wt_builtin", Mode.DIFFERENTIAL);

      // the stored rows were hashed anew: changes to the renamed group find it, differentially
      exec(c, "DELETE FROM wt WHERE id = 2", "UPDATE wt SET v = 40 WHERE id = 4", "INSERT INTO wt VALUES (6, 'fine', 7, 'y')",
          "UPDATE wt SET m = 'fine' WHERE id = 3");
      for (String name : List.of("wt_grouped", "wt_rows", "wt_builtin")) {
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("sad|1|1", "fine|60|4"), rows(c, "SELECT m || '|' || s || '|' || n FROM wt_grouped ORDER BY m"));

      // an added value is only recorded: no rebuild, and the next refresh finds the recorded types current
      exec(c, "ALTER TYPE wt_mood ADD VALUE 'meh' BEFORE 'fine'", "INSERT INTO wt VALUES (7, 'meh', 8, 'x')");
      Oracle.refreshAndCheck(c, "wt_grouped", Mode.DIFFERENTIAL);
      assertTrue(text(c, "SELECT s.column_types::text FROM freshet.stream_table_sources s JOIN freshet.stream_tables st "
          + "ON st.id = s.stream_table_id WHERE st.table_name = 'wt_grouped'").contains("\"meh\""),
          "the refresh recorded the added value");
      exec(c, "DELETE FROM wt WHERE id = 7");
      Oracle.refreshAndCheck(c, "wt_grouped", Mode.DIFFERENTIAL);
    }
  }

  /** {@code CALL freshet.refresh} cannot compile: it marks the stream table, reports FS005 and applies nothing. */
  @Test
  void callFreshetRefreshMarksItAndAsksForTheCommandLine(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE wc_kind AS ENUM ('a', 'b')", "CREATE TABLE wc (id int PRIMARY KEY, k wc_kind)",
          "INSERT INTO wc VALUES (1, 'a'), (2, 'b')");
      create(c, "wc_n", "SELECT k, count(*) AS n FROM wc GROUP BY k", Mode.DIFFERENTIAL);
      dropTypeTrigger(c); // the tests share a database: as a superuser's migration made it, then disabled
      exec(c, "CREATE EVENT TRIGGER freshet_type_ddl ON ddl_command_end WHEN TAG IN ('ALTER TYPE', 'ALTER DOMAIN', "
          + "'ALTER SCHEMA') EXECUTE FUNCTION freshet.on_type_ddl()", "ALTER EVENT TRIGGER freshet_type_ddl DISABLE");
      exec(c, "ALTER TYPE wc_kind RENAME VALUE 'a' TO 'A'", "INSERT INTO wc VALUES (3, 'A')");
      String reason = "value 'a' of type public.wc_kind, which its source column \"public\".\"wc\".\"k\" uses, was "
          + "renamed to 'A' (ALTER TYPE ... RENAME VALUE)";
      SQLException e = assertThrows(SQLException.class, () -> exec(c, "CALL freshet.refresh('wc_n')"));
      assertEquals("FS005", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("stream table \"public\".\"wc_n\" must be compiled again: " + reason), e.getMessage());
      assertEquals(List.of("A|1", "b|1"), rows(c, "SELECT k::text || '|' || n FROM wc_n ORDER BY 1"),
          "nothing applied (the stored label reads as its new name)");
      assertEquals(Optional.of(reason + COMPILES_AGAIN), pendingRebuild(c, "wc_n"), "marked as the trigger would");
      assertEquals("compile", text(c, "SELECT rebuild_step FROM freshet.stream_tables WHERE table_name = 'wc_n'"));
      // and again, until the command line compiles it
      SQLException again = assertThrows(SQLException.class, () -> exec(c, "CALL freshet.refresh('wc_n')"));
      assertEquals("FS005", again.getSQLState(), again.getMessage());
      assertEquals(Optional.of(reason + ": recomputed"), Oracle.refreshAndCheck(c, "wc_n", Mode.FULL).modeReason());
      assertEquals(List.of("A|2", "b|1"), rows(c, "SELECT k::text || '|' || n FROM wc_n ORDER BY 1"));
      exec(c, "DELETE FROM wc WHERE id = 1");
      exec(c, "CALL freshet.refresh('wc_n')");
      Oracle.assertFresh(c, "wc_n");
      assertEquals(List.of("A|1", "b|1"), rows(c, "SELECT k::text || '|' || n FROM wc_n ORDER BY 1"));
    }
  }

  @Test
  void aChangedCompositeAndARenamedOrMovedTypeOrDomainRebuild(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE wp_pair AS (x int, k text)", "CREATE DOMAIN wp_pos AS int CHECK (VALUE > 0)",
          "CREATE TYPE wp_kind AS ENUM ('a', 'b')",
          "CREATE TABLE wp (id int PRIMARY KEY, pr wp_pair, v int)",
          "INSERT INTO wp VALUES (1, (1, 'a'), 1), (2, (2, 'b'), 2), (3, (1, 'a'), 3)",
          // another table: a change table names the type of every column of its source, read or not, so a
          // renamed type fails the refresh of a stream table that does not read it (not seen by V18 or V20)
          "CREATE TABLE wk (id int PRIMARY KEY, p wp_pos, k wp_kind, v int)",
          "INSERT INTO wk VALUES (1, 1, 'a', 1), (2, 2, 'b', 2), (3, 2, 'a', 3)");
      create(c, "wp_pair_bag", "SELECT pr FROM wp", Mode.DIFFERENTIAL);
      create(c, "wp_pairs", "SELECT id, pr FROM wp", Mode.DIFFERENTIAL);
      create(c, "wp_by_k", "SELECT k, p, sum(v) AS s FROM wk GROUP BY k, p", Mode.DIFFERENTIAL);
      dropTypeTrigger(c);

      // an attribute added: (1,a) reads (1,a,) now, as a row inserted as (1,a,) does
      exec(c, "ALTER TYPE wp_pair ADD ATTRIBUTE note text", "INSERT INTO wp VALUES (4, (1, 'a', NULL), 4)",
          "INSERT INTO wk VALUES (4, 4, 'b', 4)");
      String reason = "the attributes of type public.wp_pair, which its source column \"public\".\"wp\".\"pr\" uses, "
          + "changed (ALTER TYPE ... ATTRIBUTE)";
      for (String name : List.of("wp_pair_bag", "wp_pairs")) {
        assertEquals(Optional.of(reason + ": recomputed"), Oracle.refreshAndCheck(c, name, Mode.FULL).modeReason(),
            name);
      }
      assertEquals(List.of("(1,a,)", "(1,a,)", "(1,a,)", "(2,b,)"), rows(c, "SELECT pr::text FROM wp_pair_bag ORDER BY 1"));
      Oracle.refreshAndCheck(c, "wp_by_k", Mode.DIFFERENTIAL); // it reads no column of the composite
      exec(c, "UPDATE wp SET v = 30 WHERE id = 3", "DELETE FROM wp WHERE id = 1", "UPDATE wk SET v = 30 WHERE id = 3");
      for (String name : List.of("wp_pair_bag", "wp_pairs", "wp_by_k")) {
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
      // an attribute dropped: values that were different are equal now
      exec(c, "ALTER TYPE wp_pair DROP ATTRIBUTE note, DROP ATTRIBUTE k", "UPDATE wp SET v = 60 WHERE id = 4");
      Oracle.refreshAndCheck(c, "wp_pair_bag", Mode.FULL);
      Oracle.refreshAndCheck(c, "wp_pairs", Mode.FULL);

      // renamed or moved: the programs named the old type (before V20: type "wp_kind" does not exist)
      exec(c, "ALTER TYPE wp_kind RENAME TO wp_kind2", "INSERT INTO wk VALUES (5, 5, 'a', 5)");
      assertEquals(Optional.of("type public.wp_kind, which its source column \"public\".\"wk\".\"k\" uses, was renamed "
          + "to public.wp_kind2 (ALTER TYPE ... RENAME): recomputed"), Oracle.refreshAndCheck(c, "wp_by_k", Mode.FULL)
          .modeReason());
      exec(c, "ALTER DOMAIN wp_pos RENAME TO wp_pos2", "UPDATE wk SET p = 7 WHERE id = 2");
      assertEquals(Optional.of("type public.wp_pos, which its source column \"public\".\"wk\".\"p\" uses, was renamed "
          + "to public.wp_pos2 (ALTER DOMAIN ... RENAME): recomputed"), Oracle.refreshAndCheck(c, "wp_by_k", Mode.FULL)
          .modeReason());
      exec(c, "CREATE SCHEMA wp_elsewhere", "ALTER TYPE wp_kind2 SET SCHEMA wp_elsewhere",
          "UPDATE wk SET k = 'b' WHERE id = 3");
      assertEquals(Optional.of("type public.wp_kind2, which its source column \"public\".\"wk\".\"k\" uses, was "
          + "renamed to wp_elsewhere.wp_kind2 (ALTER TYPE ... SET SCHEMA): recomputed"),
          Oracle.refreshAndCheck(c, "wp_by_k", Mode.FULL).modeReason());
      exec(c, "ALTER SCHEMA wp_elsewhere RENAME TO wp_there", "INSERT INTO wk VALUES (6, 6, 'b', 6)");
      assertEquals(Optional.of("type wp_elsewhere.wp_kind2, which its source column \"public\".\"wk\".\"k\" uses, was "
          + "renamed to wp_there.wp_kind2 (ALTER SCHEMA ... RENAME): recomputed"),
          Oracle.refreshAndCheck(c, "wp_by_k", Mode.FULL).modeReason());
      exec(c, "DELETE FROM wp WHERE id = 2", "INSERT INTO wp VALUES (5, ROW(5), 5)", "DELETE FROM wk WHERE id = 2",
          "UPDATE wk SET v = 9 WHERE id = 5");
      for (String name : List.of("wp_pair_bag", "wp_pairs", "wp_by_k")) {
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
    }
  }

  /**
   * A stream table whose sources' read columns use only built-in types is not compared at all: a recorded
   * type that differs from the current one (forged here: no DDL can rename int4 in practice) goes unseen,
   * and its refreshes stay differential.
   */
  @Test
  void aStreamTableOfBuiltInTypesOnlyIsNotCompared(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE wb (id int PRIMARY KEY, t text, n numeric, at timestamptz)",
          "INSERT INTO wb VALUES (1, 'a', 1.5, now()), (2, 'b', 2, now())");
      create(c, "wb_sum", "SELECT t, sum(n) AS s, count(*) AS c FROM wb GROUP BY t", Mode.DIFFERENTIAL);
      dropTypeTrigger(c);
      String recorded = text(c, "SELECT s.column_types::text FROM freshet.stream_table_sources s "
          + "JOIN freshet.stream_tables st ON st.id = s.stream_table_id WHERE st.table_name = 'wb_sum'");
      assertTrue(recorded.contains("\"1700\""), recorded);
      exec(c, "UPDATE freshet.stream_table_sources s SET column_types = s.column_types || "
          + "jsonb_build_object('1700', jsonb_build_object('name', 'pg_catalog.forged')) "
          + "FROM freshet.stream_tables st WHERE st.id = s.stream_table_id AND st.table_name = 'wb_sum'");
      exec(c, "INSERT INTO wb VALUES (3, 'a', 3, now())", "UPDATE wb SET n = 10 WHERE id = 2");
      Oracle.refreshAndCheck(c, "wb_sum", Mode.DIFFERENTIAL);
      exec(c, "CALL freshet.refresh('wb_sum')");
      Oracle.assertFresh(c, "wb_sum");
      assertEquals(Optional.empty(), pendingRebuild(c, "wb_sum"));
      assertTrue(text(c, "SELECT s.column_types::text FROM freshet.stream_table_sources s "
          + "JOIN freshet.stream_tables st ON st.id = s.stream_table_id WHERE st.table_name = 'wb_sum'")
          .contains("pg_catalog.forged"), "its recorded types were not read");
    }
  }

  private static void dropTypeTrigger(Connection c) throws SQLException {
    exec(c, "DROP EVENT TRIGGER IF EXISTS freshet_type_ddl");
  }

  private static Optional<String> pendingRebuild(Connection c, String name) throws SQLException {
    return StreamTables.status(c, name, 0).table().pendingRebuild();
  }
}
