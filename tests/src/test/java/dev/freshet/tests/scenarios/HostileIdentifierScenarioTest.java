package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Identifiers with double quotes, spaces, capitals, unicode and reserved words, as schema, table,
 * column and stream table names, in join keys and GROUP BY, through create, refresh and drop.
 */
@PostgresTest
class HostileIdentifierScenarioTest {

  private static final String SCHEMA = "\"My Schema\"";
  private static final String LINES = SCHEMA + ".\"Order \"\"Lines\"\"\"";
  private static final String HEADS = SCHEMA + ".\"order\"";

  @Test
  void createChangeRefreshDrop(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE SCHEMA " + SCHEMA,
          "CREATE TABLE " + HEADS + " (\"select\" int PRIMARY KEY, \"Mixed Case\" text NOT NULL, "
              + "\"user\" text)",
          "CREATE TABLE " + LINES + " (\"Line ID\" int PRIMARY KEY, \"select\" int, \"Ünïcødé ✓\" text, "
              + "\"Mixed Case\" numeric(10,2), \"from\" int, \"a\"\"b\" int)",
          "INSERT INTO " + HEADS + " VALUES (1, 'One', 'u1'), (2, 'Two', 'u2')",
          "INSERT INTO " + LINES + " VALUES (1, 1, 'α', 1.50, 10, 1), (2, 1, 'β ✓', 2.25, 20, 2), "
              + "(3, 2, 'α', 3.00, 30, 3), (4, NULL, 'γ', 4.00, 40, 4)");

      String joinName = SCHEMA + ".\"Stream \"\"Σ\"\" Table\"";
      String joinSql = "SELECT l.\"Line ID\", l.\"Ünïcødé ✓\", l.\"a\"\"b\" AS \"the \"\"ab\"\"\", "
          + "o.\"Mixed Case\" AS \"Order Name\", o.\"user\" "
          + "FROM " + LINES + " l JOIN " + HEADS + " o ON l.\"select\" = o.\"select\" WHERE l.\"from\" > 5";
      create(c, joinName, joinSql, Mode.DIFFERENTIAL);

      String groupName = "\"My Schema\".\"GROUP\"";
      String groupSql = "SELECT l.\"Ünïcødé ✓\", o.\"Mixed Case\", count(*) AS \"count\", "
          + "sum(l.\"Mixed Case\") AS \"Sum ✓\" "
          + "FROM " + LINES + " l JOIN " + HEADS + " o ON l.\"select\" = o.\"select\" "
          + "GROUP BY l.\"Ünïcødé ✓\", o.\"Mixed Case\"";
      create(c, groupName, groupSql, Mode.DIFFERENTIAL);

      String keylessName = "\"Ünïcødé ✓\"";
      create(c, keylessName, "SELECT \"Ünïcødé ✓\" AS \"select\", \"from\" FROM " + LINES, Mode.DIFFERENTIAL);

      // quoted stream table names must resolve exactly (not case-folded)
      assertEquals(1, count(c, "SELECT count(*) FROM freshet.stream_tables WHERE schema_name = 'My Schema' "
          + "AND table_name = 'Stream \"Σ\" Table'"));
      assertEquals(1, count(c, "SELECT count(*) FROM freshet.stream_tables WHERE schema_name = 'public' "
          + "AND table_name = 'Ünïcødé ✓'"));

      exec(c, "INSERT INTO " + LINES + " VALUES (5, 2, 'β ✓', 5.00, 50, 5)",
          "UPDATE " + LINES + " SET \"select\" = 2, \"Ünïcødé ✓\" = 'δ' WHERE \"Line ID\" = 4",
          "UPDATE " + HEADS + " SET \"Mixed Case\" = 'Uno' WHERE \"select\" = 1",
          "DELETE FROM " + LINES + " WHERE \"Line ID\" = 2",
          "UPDATE " + LINES + " SET \"a\"\"b\" = 99 WHERE \"Line ID\" = 1");
      for (String st : List.of(joinName, groupName, keylessName)) {
        RefreshReport r = Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
        assertEquals(true, r.changedSources().size() >= 1, r.toString());
      }
      assertEquals(List.of("1|α|99|Uno|u1", "3|α|3|Two|u2", "4|δ|4|Two|u2", "5|β ✓|5|Two|u2"),
          rows(c, "SELECT \"Line ID\", \"Ünïcødé ✓\", \"the \"\"ab\"\"\", \"Order Name\", \"user\" FROM "
              + joinName + " ORDER BY 1"));
      assertEquals(List.of("α|Two|1|3.00", "α|Uno|1|1.50", "β ✓|Two|1|5.00", "δ|Two|1|4.00"),
          rows(c, "SELECT \"Ünïcødé ✓\", \"Mixed Case\", \"count\", \"Sum ✓\" FROM " + groupName
              + " ORDER BY 1, 2"));

      // a group disappears, a key moves to a new head row
      exec(c, "INSERT INTO " + HEADS + " VALUES (3, 'Drei', NULL)",
          "UPDATE " + LINES + " SET \"select\" = 3 WHERE \"Ünïcødé ✓\" = 'α'",
          "DELETE FROM " + LINES + " WHERE \"Ünïcødé ✓\" = 'δ'");
      for (String st : List.of(joinName, groupName, keylessName)) {
        Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("α|Drei|2|4.50", "β ✓|Two|1|5.00"),
          rows(c, "SELECT \"Ünïcødé ✓\", \"Mixed Case\", \"count\", \"Sum ✓\" FROM " + groupName
              + " ORDER BY 1, 2"));

      // a stream table over a stream table with a hostile name
      String topName = SCHEMA + ".\"Top \"\"Level\"\"\"";
      create(c, topName, "SELECT \"Mixed Case\", sum(\"count\") AS \"Total Count\" FROM " + groupName
          + " GROUP BY \"Mixed Case\"", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO " + LINES + " VALUES (6, 3, 'ε', 1.00, 60, 6)");
      Oracle.refreshAndCheck(c, groupName, Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, topName, Mode.DIFFERENTIAL);
      assertEquals(List.of("Drei|3", "Two|1"), rows(c, "SELECT \"Mixed Case\", \"Total Count\" FROM " + topName
          + " ORDER BY 1"));

      StreamTables.drop(c, groupName, true);
      StreamTables.drop(c, joinName, false);
      StreamTables.drop(c, keylessName, false);
      assertEquals(0, count(c, "SELECT count(*) FROM freshet.stream_tables WHERE schema_name = 'My Schema' "
          + "OR table_name = 'Ünïcødé ✓'"));
      assertEquals(0, count(c, "SELECT count(*) FROM freshet.change_buffers WHERE source_schema = 'My Schema'"));
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger t JOIN pg_class k ON k.oid = t.tgrelid "
          + "JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = 'My Schema' AND NOT t.tgisinternal"));
      assertEquals(0, count(c, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
          + "WHERE n.nspname = 'freshet_changes' AND p.proname ~ ('^src_(' || '" + LINES.replace("'", "''")
          + "'::regclass::oid || '|' || '" + HEADS.replace("'", "''") + "'::regclass::oid || ')_')"));
      assertEquals(0, count(c, "SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace "
          + "WHERE n.nspname IN ('freshet_changes', 'My Schema') AND k.relname NOT IN ('order', 'Order \"Lines\"') "
          + "AND k.relkind = 'r'"));
    }
  }
  /** Names of the maximum length (63 bytes), two of them differing only in the last character. */
  @Test
  void maximumLengthNames(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      String base = "Ä".repeat(20) + "x".repeat(21); // 20 * 2 + 21 = 61 bytes
      String src = "\"" + base + "sr\"";
      String st1 = "\"" + base + "s1\"";
      String st2 = "\"" + base + "s2\"";
      String col = "\"" + "Ü".repeat(31) + "k\""; // 63 bytes
      exec(c, "CREATE TABLE " + src + " (" + col + " int PRIMARY KEY, v int)",
          "INSERT INTO " + src + " VALUES (1, 1), (2, 2)");
      create(c, st1, "SELECT " + col + ", v FROM " + src, Mode.DIFFERENTIAL);
      create(c, st2, "SELECT v, count(*) AS n FROM " + src + " GROUP BY v", Mode.DIFFERENTIAL);
      exec(c, "UPDATE " + src + " SET v = 1 WHERE " + col + " = 2", "INSERT INTO " + src + " VALUES (3, 3)");
      Oracle.refreshAndCheck(c, st1, Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, st2, Mode.DIFFERENTIAL);
      assertEquals(List.of("1|2", "3|1"), rows(c, "SELECT v, n FROM " + st2 + " ORDER BY 1"));
      StreamTables.drop(c, st1, false);
      StreamTables.drop(c, st2, false);
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + src.replace("'", "''")
          + "'::regclass AND NOT tgisinternal"));
    }
  }

  /**
   * A source column with the name of a change buffer column cannot be captured; the refusal must be
   * clear and leave nothing behind.
   */
  /**
   * String constants that ISO-8859-1 (Calcite's default character set) cannot encode: planning failed with an
   * internal error ("Failed to encode '日本' in character set 'ISO-8859-1'") before the planner's strings were UTF-8.
   */
  @Test
  void stringConstantsInAnyScript(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE greetings (id int PRIMARY KEY, lang text, word text)",
          "INSERT INTO greetings VALUES (1, 'ja', 'こんにちは'), (2, 'el', 'Γειά'), (3, 'de', 'Grüß'), (4, 'ja', NULL)");
      create(c, "greeting_counts", "SELECT lang, count(*) AS n, 'Δ → 日本' AS tag, coalesce(max(word), '—') AS w "
          + "FROM greetings WHERE word IS DISTINCT FROM 'Γειά' AND lang <> '日本' GROUP BY lang", Mode.DIFFERENTIAL);
      assertEquals(List.of("de|1|Δ → 日本|Grüß", "ja|2|Δ → 日本|こんにちは"),
          rows(c, "SELECT lang, n, tag, w FROM greeting_counts ORDER BY lang"));
      exec(c, "INSERT INTO greetings VALUES (5, 'el', 'Καλημέρα'), (6, '日本', 'x')",
          "UPDATE greetings SET word = 'Γειά' WHERE id = 3", "DELETE FROM greetings WHERE id = 1");
      Oracle.refreshAndCheck(c, "greeting_counts", Mode.DIFFERENTIAL);
      assertEquals(List.of("el|1|Δ → 日本|Καλημέρα", "ja|1|Δ → 日本|—"),
          rows(c, "SELECT lang, n, tag, w FROM greeting_counts ORDER BY lang"));
      StreamTables.drop(c, "greeting_counts", false); // and its capture: the class's tests count what is left
    }
  }

  @Test
  void sourceColumnNamedLikeABufferColumnIsRefusedCleanly(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE wcol (id int PRIMARY KEY, \"__w\" int, \"__xid\" text)",
          "INSERT INTO wcol VALUES (1, 1, 'a')");
      Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> StreamTables.create(c, "wcol_st", "SELECT id, \"__w\" FROM wcol", Mode.DIFFERENTIAL, null));
      org.junit.jupiter.api.Assertions.assertTrue(String.valueOf(e.getMessage()).contains("__w"), e.toString());
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'wcol'::regclass AND NOT tgisinternal"));
      assertEquals(0, count(c, "SELECT count(*) FROM pg_class WHERE relname = 'wcol_st'"));
      assertEquals(0, count(c, "SELECT count(*) FROM pg_class WHERE relname LIKE 'src\\_' || 'wcol'::regclass::oid || '%'"));
      // the table is still writable
      exec(c, "INSERT INTO wcol VALUES (2, 2, 'b')");
      assertEquals(2, count(c, "SELECT count(*) FROM wcol"));
    }
  }

  /**
   * PostgreSQL cuts identifiers to 63 bytes (with a NOTICE only): a longer stream table name is refused,
   * counted in bytes (a multi-byte letter counts for two), and a name of exactly 63 bytes works.
   */
  @Test
  void nameLongerThanPostgresKeepsIsRefused(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE long_name_source (k int)", "INSERT INTO long_name_source VALUES (1), (2)");
      String longest = "s".repeat(61) + "ü"; // 63 bytes
      String tooLong = "s".repeat(62) + "ü"; // 64 bytes, 63 characters
      var refused = org.junit.jupiter.api.Assertions.assertThrows(
          dev.freshet.runtime.streamtable.StreamTableException.class,
          () -> StreamTables.create(c, "\"" + tooLong + "\"", "SELECT k FROM long_name_source", Mode.DIFFERENTIAL,
              null));
      org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("has 64 bytes; PostgreSQL keeps "
          + "identifiers to 63 bytes"), refused.getMessage());
      assertEquals(0, count(c, "SELECT count(*) FROM pg_class WHERE relname LIKE 'sss%'"));

      create(c, "\"" + longest + "\"", "SELECT k FROM long_name_source", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO long_name_source VALUES (3)");
      RefreshReport report = Oracle.refreshAndCheck(c, "\"" + longest + "\"", Mode.DIFFERENTIAL);
      assertEquals(1, report.rowsInserted(), report::toString);
    }
  }

  /**
   * Two sources whose schema-qualified names are longer than PostgreSQL keeps and begin alike: their
   * change tables ({@code pg_temp."Δschema.table"}) would be cut to one name; they are told apart by a
   * hash. Both change in one transaction.
   */
  @Test
  void longSourceNamesBeginningAlikeKeepTheirOwnChangeTables(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      String schema = "\"" + "s".repeat(30) + "\"";
      String left = schema + ".\"" + "t".repeat(40) + "_left\"";
      String right = schema + ".\"" + "t".repeat(40) + "_right\"";
      exec(c, "CREATE SCHEMA " + schema, "CREATE TABLE " + left + " (k int PRIMARY KEY, v int)",
          "CREATE TABLE " + right + " (k int PRIMARY KEY, w int)",
          "INSERT INTO " + left + " VALUES (1, 10), (2, 20)", "INSERT INTO " + right + " VALUES (1, 100), (2, 200)");
      create(c, "long_names_st", "SELECT l.k, l.v, r.w FROM " + left + " l JOIN " + right + " r ON l.k = r.k",
          Mode.DIFFERENTIAL);
      Scenarios.inOneTransaction(c, "INSERT INTO " + left + " VALUES (3, 30)", "INSERT INTO " + right + " VALUES (3, 300)",
          "UPDATE " + right + " SET w = 101 WHERE k = 1");
      RefreshReport report = Oracle.refreshAndCheck(c, "long_names_st", Mode.DIFFERENTIAL);
      assertEquals(2, report.changedSources().size(), report::toString);
      assertEquals(List.of("1|10|101", "2|20|200", "3|30|300"), rows(c, "SELECT k, v, w FROM long_names_st ORDER BY k"));
    }
  }
}
