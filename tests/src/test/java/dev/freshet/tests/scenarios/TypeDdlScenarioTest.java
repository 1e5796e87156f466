package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
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
 * {@code ALTER TYPE} and {@code ALTER DOMAIN} of a type that a source's columns use, directly or through a
 * domain, an array or a composite (issue 14, CORR-3/4). Freshet identifies stored rows and groups by a hash
 * of their values' text, and its programs name the types they cast to: a renamed enum value, a renamed or
 * moved type or domain, a composite whose attributes changed make the stream tables reading it stale. The
 * event trigger of catalog V18 records it as it happens ({@code status} shows why), and the next refresh
 * rebuilds: compiled again, stored rows hashed anew, recomputed in FULL, applied as a diff; differential
 * after that. Before V18, a grouped stream table took the renamed label for a new group (two groups of one
 * label, after a refresh that reported success), and a renamed type or domain failed every refresh
 * ({@code type "…" does not exist}). An enum value added, a domain's constraints or default changed record
 * nothing: the stored values and the plans stay right.
 */
@PostgresTest
class TypeDdlScenarioTest {

  private static final String COMPILES_AGAIN = ": its next refresh compiles it again and recomputes it in full";

  @Test
  void aRenamedEnumValueRebuildsEveryStreamTableThatReadsIt(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE \"Mood\" AS ENUM ('sad', 'ok', 'happy')",
          "CREATE DOMAIN mood_dom AS \"Mood\"",
          "CREATE TABLE te (id int PRIMARY KEY, m \"Mood\", d mood_dom, ms \"Mood\"[], v int, other int)",
          "INSERT INTO te VALUES (1, 'sad', 'ok', '{ok,sad}', 1, 0), (2, 'ok', 'ok', '{ok}', 2, 0),"
              + " (3, 'happy', 'sad', '{}', 3, 0), (4, 'ok', 'happy', '{ok,ok}', 4, 0)",
          "CREATE TABLE te_other (id int PRIMARY KEY, v int)", "INSERT INTO te_other VALUES (1, 1)");
      create(c, "te_grouped", "SELECT m, sum(v) AS s, count(*) AS n FROM te GROUP BY m", Mode.DIFFERENTIAL);
      create(c, "te_distinct", "SELECT DISTINCT m FROM te", Mode.DIFFERENTIAL);
      create(c, "te_bag", "SELECT m FROM te", Mode.DIFFERENTIAL);
      create(c, "te_domain", "SELECT id, d::text AS label FROM te", Mode.DIFFERENTIAL);
      create(c, "te_array", "SELECT ms, count(*) AS n FROM te GROUP BY ms", Mode.DIFFERENTIAL);
      create(c, "te_full", "SELECT m, count(*) AS n FROM te GROUP BY m", Mode.FULL);
      create(c, "te_unrelated", "SELECT id, v, other FROM te", Mode.DIFFERENTIAL);
      create(c, "te_other_st", "SELECT id, v FROM te_other", Mode.DIFFERENTIAL);

      // an added value changes nothing stored: no rebuild, and differential refreshes stay exact
      exec(c, "ALTER TYPE \"Mood\" ADD VALUE 'meh' BEFORE 'ok'", "INSERT INTO te VALUES (5, 'meh', 'meh', '{meh}', 5, 0)");
      for (String name : List.of("te_grouped", "te_distinct", "te_bag", "te_domain", "te_array", "te_unrelated")) {
        assertEquals(Optional.empty(), status(c, name).pendingRebuild(), name);
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
      Oracle.refreshAndCheck(c, "te_full", Mode.FULL);

      exec(c, "ALTER TYPE \"Mood\" RENAME VALUE 'ok' TO 'fine'", "INSERT INTO te VALUES (6, 'fine', 'fine', '{fine}', 10, 0)");
      assertRebuild(c, "te_grouped", "value 'ok' of type public.\"Mood\", which its source column "
          + "\"public\".\"te\".\"m\" uses, was renamed to 'fine' (ALTER TYPE ... RENAME VALUE)");
      assertRebuild(c, "te_domain", "value 'ok' of type public.\"Mood\", which its source column "
          + "\"public\".\"te\".\"d\" uses (as public.mood_dom), was renamed to 'fine' (ALTER TYPE ... RENAME VALUE)");
      assertRebuild(c, "te_array", "value 'ok' of type public.\"Mood\", which its source column "
          + "\"public\".\"te\".\"ms\" uses (as public.\"Mood\"[]), was renamed to 'fine' (ALTER TYPE ... RENAME "
          + "VALUE)");
      for (String name : List.of("te_distinct", "te_bag", "te_full")) {
        assertTrue(status(c, name).pendingRebuild().orElseThrow().startsWith("value 'ok' of type public.\"Mood\""), name);
      }
      assertEquals(Optional.empty(), status(c, "te_unrelated").pendingRebuild(), "it reads no column of the type");
      assertEquals(Optional.empty(), status(c, "te_other_st").pendingRebuild());

      for (String name : List.of("te_grouped", "te_distinct", "te_bag", "te_domain", "te_array", "te_full")) {
        assertEquals(Optional.of(status(c, name).pendingRebuild().orElseThrow().replace(COMPILES_AGAIN, "")
            + ": recomputed"), Oracle.refreshAndCheck(c, name, Mode.FULL).modeReason(), name);
        assertEquals(Optional.empty(), status(c, name).pendingRebuild(), name);
      }
      assertEquals(List.of("sad|1|1", "meh|5|1", "fine|16|3", "happy|3|1"),
          rows(c, "SELECT m || '|' || s || '|' || n FROM te_grouped ORDER BY m"), "one group of 'fine'");
      Oracle.refreshAndCheck(c, "te_unrelated", Mode.DIFFERENTIAL);

      // the stored rows were hashed anew: changes to the renamed group find it
      exec(c, "DELETE FROM te WHERE id = 2", "UPDATE te SET v = 40, ms = '{fine,sad}' WHERE id = 4",
          "INSERT INTO te VALUES (7, 'fine', 'sad', '{fine}', 7, 0)", "UPDATE te SET m = 'fine' WHERE id = 3");
      for (String name : List.of("te_grouped", "te_distinct", "te_bag", "te_domain", "te_array")) {
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
      Oracle.refreshAndCheck(c, "te_full", Mode.FULL);
      assertEquals(List.of("sad|1|1", "meh|5|1", "fine|60|4"),
          rows(c, "SELECT m || '|' || s || '|' || n FROM te_grouped ORDER BY m"));
    }
  }

  @Test
  void aRenamedOrMovedTypeOrDomainAndAChangedCompositeRebuild(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE tr_kind AS ENUM ('a', 'b')", "CREATE DOMAIN tr_pos AS int CHECK (VALUE > 0)",
          "CREATE TYPE tr_pair AS (x int, k tr_kind)",
          "CREATE TABLE tr (id int PRIMARY KEY, k tr_kind, p tr_pos, pr tr_pair, v int)",
          "INSERT INTO tr VALUES (1, 'a', 1, (1, 'a'), 1), (2, 'b', 2, (2, 'b'), 2), (3, 'a', 2, (1, 'a'), 3)");
      create(c, "tr_by_k", "SELECT k, p, sum(v) AS s FROM tr GROUP BY k, p", Mode.DIFFERENTIAL);
      create(c, "tr_rows", "SELECT id, k, p, v FROM tr WHERE k <> 'b'", Mode.DIFFERENTIAL);
      create(c, "tr_pairs", "SELECT id, pr FROM tr", Mode.DIFFERENTIAL);
      create(c, "tr_pair_bag", "SELECT pr FROM tr", Mode.DIFFERENTIAL);

      // a domain's constraints and default: nothing stored or compiled changes
      exec(c, "ALTER DOMAIN tr_pos DROP CONSTRAINT tr_pos_check", "ALTER DOMAIN tr_pos SET DEFAULT 1",
          "ALTER DOMAIN tr_pos ADD CONSTRAINT tr_pos_small CHECK (VALUE < 100) NOT VALID",
          "INSERT INTO tr VALUES (4, 'b', -1, (3, 'b'), 4)");
      for (String name : List.of("tr_by_k", "tr_rows", "tr_pairs", "tr_pair_bag")) {
        assertEquals(Optional.empty(), status(c, name).pendingRebuild(), name);
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }

      // renamed: the programs named the old type, and failed (type "tr_kind" does not exist)
      exec(c, "ALTER TYPE tr_kind RENAME TO tr_kind2", "INSERT INTO tr VALUES (5, 'a', 5, (5, 'a'), 5)");
      assertRebuild(c, "tr_by_k", "type public.tr_kind, which its source column \"public\".\"tr\".\"k\" uses, was "
          + "renamed to public.tr_kind2 (ALTER TYPE ... RENAME)");
      assertRebuild(c, "tr_pairs", "type public.tr_kind, which its source column \"public\".\"tr\".\"pr\" uses (as "
          + "public.tr_pair), was renamed to public.tr_kind2 (ALTER TYPE ... RENAME)");
      // the last DDL's reason is shown
      exec(c, "ALTER DOMAIN tr_pos RENAME TO tr_pos2", "UPDATE tr SET p = 7 WHERE id = 1");
      assertRebuild(c, "tr_by_k", "type public.tr_pos, which its source column \"public\".\"tr\".\"p\" uses, was "
          + "renamed to public.tr_pos2 (ALTER DOMAIN ... RENAME)");
      for (String name : List.of("tr_by_k", "tr_rows", "tr_pairs", "tr_pair_bag")) {
        Oracle.refreshAndCheck(c, name, Mode.FULL);
      }
      exec(c, "CREATE SCHEMA tr_elsewhere", "ALTER TYPE tr_kind2 SET SCHEMA tr_elsewhere",
          "UPDATE tr SET k = 'b' WHERE id = 3");
      assertRebuild(c, "tr_rows", "type public.tr_kind2, which its source column \"public\".\"tr\".\"k\" uses, was "
          + "renamed to tr_elsewhere.tr_kind2 (ALTER TYPE ... SET SCHEMA)");
      for (String name : List.of("tr_by_k", "tr_rows", "tr_pairs", "tr_pair_bag")) {
        Oracle.refreshAndCheck(c, name, Mode.FULL);
      }

      // a composite's attributes: its values' text changes ((1,a) reads (1,a,) with an attribute added)
      exec(c, "ALTER TYPE tr_pair ADD ATTRIBUTE note text", "UPDATE tr SET v = 30 WHERE id = 3",
          "INSERT INTO tr VALUES (6, 'a', 6, (3, 'a', NULL), 6)");
      assertRebuild(c, "tr_pairs", "the attributes of type public.tr_pair, which its source column "
          + "\"public\".\"tr\".\"pr\" uses, changed (ALTER TYPE ... ATTRIBUTE)");
      assertEquals(Optional.empty(), status(c, "tr_rows").pendingRebuild(), "it reads no column of the type");
      Oracle.refreshAndCheck(c, "tr_pairs", Mode.FULL);
      Oracle.refreshAndCheck(c, "tr_pair_bag", Mode.FULL);
      // attributes dropped: values that were different are equal now, and are counted as equal
      exec(c, "ALTER TYPE tr_pair DROP ATTRIBUTE note, DROP ATTRIBUTE k", "UPDATE tr SET v = 60 WHERE id = 6");
      Oracle.refreshAndCheck(c, "tr_pairs", Mode.FULL);
      Oracle.refreshAndCheck(c, "tr_pair_bag", Mode.FULL);
      exec(c, "DELETE FROM tr WHERE id IN (1, 4)", "INSERT INTO tr VALUES (7, 'a', 7, ROW(1), 7)",
          "UPDATE tr SET pr = ROW(2) WHERE id = 5");
      for (String name : List.of("tr_by_k", "tr_rows", "tr_pairs", "tr_pair_bag")) {
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("(1)", "(1)", "(2)", "(2)", "(3)"), rows(c, "SELECT pr::text FROM tr_pair_bag ORDER BY 1"));
    }
  }

  /**
   * {@code CALL freshet.refresh} cannot compile: it says so, and {@code freshet refresh} (here its API) does
   * the rebuild; nothing is applied before.
   */
  @Test
  void callFreshetRefreshAsksForTheCommandLine(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE tc_kind AS ENUM ('a', 'b')", "CREATE TABLE tc (id int PRIMARY KEY, k tc_kind)",
          "INSERT INTO tc VALUES (1, 'a'), (2, 'b')");
      create(c, "tc_n", "SELECT k, count(*) AS n FROM tc GROUP BY k", Mode.DIFFERENTIAL);
      exec(c, "ALTER TYPE tc_kind RENAME VALUE 'a' TO 'A'", "INSERT INTO tc VALUES (3, 'A')");
      SQLException e = assertThrows(SQLException.class, () -> exec(c, "CALL freshet.refresh('tc_n')"));
      assertEquals("FS005", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("stream table \"public\".\"tc_n\" must be compiled again: value 'a' of type "
          + "public.tc_kind, which its source column \"public\".\"tc\".\"k\" uses, was renamed to 'A' (ALTER TYPE ... "
          + "RENAME VALUE)"), e.getMessage());
      assertEquals(List.of("A|1", "b|1"), rows(c, "SELECT k::text || '|' || n FROM tc_n ORDER BY 1"),
          "nothing applied (the stored label reads as its new name)");
      Oracle.refreshAndCheck(c, "tc_n", Mode.FULL);
      assertEquals(List.of("A|2", "b|1"), rows(c, "SELECT k::text || '|' || n FROM tc_n ORDER BY 1"));
      exec(c, "DELETE FROM tc WHERE id = 1");
      exec(c, "CALL freshet.refresh('tc_n')");
      Oracle.assertFresh(c, "tc_n");
    }
  }

  private static void assertRebuild(Connection c, String name, String reason) throws SQLException {
    StoredStreamTable st = status(c, name);
    assertEquals("ACTIVE", st.status(), name);
    assertEquals(Optional.of(reason + COMPILES_AGAIN), st.pendingRebuild(), name);
  }

  private static StoredStreamTable status(Connection c, String name) throws SQLException {
    return StreamTables.status(c, name, 0).table();
  }
}
