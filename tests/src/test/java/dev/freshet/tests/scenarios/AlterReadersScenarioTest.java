package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.QualifiedName;
import dev.freshet.runtime.streamtable.StreamTableException;
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
 * An alter that rebuilds a stream table other stream tables read rebuilds those too, in the same transaction: the fix
 * that FS012 (a constraint dropped) and FS011 give, {@code freshet alter NAME --mode MODE}, was refused for a stream
 * table with readers ("drop those first"), so the user had to drop and create again every reader by hand. Each
 * reader is created again from its query as stored, under the settings it was created under (a session of another
 * TimeZone must not change what a reader computes), keeping its history; one whose query no longer runs against the
 * rebuilt table refuses the alter, and nothing is changed.
 */
@PostgresTest
class AlterReadersScenarioTest {

  private static final String ITEMS = "\"ar \"\"Ïtems\"\"\"";
  private static final String PRICES = "\"ar prïces\"";

  @Test
  void aStreamTableWithReadersIsRebuiltWithThemAfterAConstraintItReliedOnWasDropped(TestDatabase db)
      throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE " + ITEMS + " (id int PRIMARY KEY, price int NOT NULL, at timestamptz NOT NULL)",
          "INSERT INTO " + ITEMS + " VALUES (1, 10, '2026-01-01 23:30+00'), (2, 20, '2026-01-02 00:30+00')");
      create(c, PRICES, "SELECT id, coalesce(price, 0) AS p, at FROM " + ITEMS, Mode.DIFFERENTIAL);
      // a chain and a diamond: "ar total" and "ar by day" read PRICES, "ar both" reads both of them
      create(c, "\"ar total\"", "SELECT count(*) AS n, sum(p) AS s FROM " + PRICES, Mode.DIFFERENTIAL);
      exec(c, "SET TimeZone = 'Asia/Tokyo'");
      create(c, "\"ar by day\"", "SELECT at::date AS day, sum(p) AS s FROM " + PRICES + " GROUP BY at::date",
          Mode.DIFFERENTIAL);
      exec(c, "RESET TimeZone");
      create(c, "\"ar both\"", "SELECT d.day, d.s, t.n FROM \"ar by day\" d CROSS JOIN \"ar total\" t", Mode.FULL);
      List<String> days = rows(c, "SELECT day || ' ' || s FROM \"ar by day\" ORDER BY day");
      assertEquals(List.of("2026-01-02 30"), days, "both rows fall on one day in Tokyo");

      exec(c, "ALTER TABLE " + ITEMS + " ALTER COLUMN price DROP NOT NULL",
          "INSERT INTO " + ITEMS + " VALUES (3, NULL, '2026-01-03 12:00+00')");
      SQLException refused = assertThrows(SQLException.class, () -> StreamTables.refresh(c, PRICES));
      assertEquals("FS012", refused.getSQLState(), refused.getMessage());

      exec(c, "SET TimeZone = 'America/Los_Angeles'"); // the alter's session: not the readers' own setting
      StreamTables.Altered altered = StreamTables.alterWithReaders(c, PRICES, Optional.of(Mode.DIFFERENTIAL),
          Optional.empty(), Optional.empty());
      exec(c, "RESET TimeZone");
      assertEquals(java.util.Set.of(new QualifiedName("public", "ar by day"), new QualifiedName("public", "ar total"),
          new QualifiedName("public", "ar both")), java.util.Set.copyOf(altered.readersRebuilt()));
      assertEquals(new QualifiedName("public", "ar both"), altered.readersRebuilt().get(2),
          "the one reading two others comes after both");
      for (String name : List.of(PRICES, "\"ar total\"", "\"ar by day\"", "\"ar both\"")) {
        Oracle.assertFresh(c, name);
      }
      assertEquals(List.of("2026-01-02 30", "2026-01-03 0"),
          rows(c, "SELECT day || ' ' || s FROM \"ar by day\" ORDER BY day"), "computed in Tokyo's days, as created");
      assertEquals("Asia/Tokyo", text(c, "SELECT st.settings ->> 'TimeZone' FROM freshet.stream_tables st "
          + "WHERE st.table_name = 'ar by day'"));
      assertTrue(text(c, "SELECT string_agg(h.mode_reason, ' | ') FROM freshet.refresh_history h "
          + "JOIN freshet.stream_tables st ON st.id = h.stream_table_id WHERE st.table_name = 'ar total'")
          .contains("filled from its query (alter of \"public\".\"ar prïces\", which it reads)"));

      // and they go on differentially, each refresh checked
      exec(c, "INSERT INTO " + ITEMS + " VALUES (4, NULL, '2026-01-03 13:00+00'), (5, 5, '2026-01-04 01:00+00')",
          "UPDATE " + ITEMS + " SET price = NULL WHERE id = 1");
      Oracle.refreshAndCheck(c, PRICES, Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "\"ar total\"", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "\"ar by day\"", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "\"ar both\"", Mode.FULL);

      StreamTables.drop(c, PRICES, true);
    }
  }

  /** A reader with privileges granted on it would lose them: refused, nothing changed. */
  @Test
  void aReaderWithGrantsRefusesTheAlter(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ar_g (id int PRIMARY KEY, v int)", "INSERT INTO ar_g VALUES (1, 1)");
      create(c, "ar_g_base", "SELECT id, v FROM ar_g", Mode.DIFFERENTIAL);
      create(c, "ar_g_reader", "SELECT sum(v) AS s FROM ar_g_base", Mode.DIFFERENTIAL);
      exec(c, "GRANT SELECT ON ar_g_reader TO PUBLIC");
      StreamTableException refused = assertThrows(StreamTableException.class, () -> StreamTables.alterWithReaders(c,
          "ar_g_base", Optional.of(Mode.FULL), Optional.empty(), Optional.empty()));
      assertEquals(ExitCode.REFUSED, refused.exitCode());
      assertEquals("cannot rebuild \"public\".\"ar_g_base\": stream table \"public\".\"ar_g_reader\" reads it and has "
          + "privileges granted on it, which a rebuild would drop; it is rebuilt with it (its table goes with this "
          + "one's)", refused.getMessage());
      assertEquals(List.of("DIFFERENTIAL"), rows(c, "SELECT requested_mode FROM freshet.stream_tables "
          + "WHERE table_name = 'ar_g_base'"), "unchanged");
      exec(c, "REVOKE SELECT ON ar_g_reader FROM PUBLIC");
      StreamTables.alterWithReaders(c, "ar_g_base", Optional.of(Mode.FULL), Optional.empty(), Optional.empty());
      Oracle.assertFresh(c, "ar_g_base");
      Oracle.assertFresh(c, "ar_g_reader");
      StreamTables.drop(c, "ar_g_base", true);
    }
  }

  /** A reader whose query reads a column the new query no longer gives: the alter is refused, nothing changed. */
  @Test
  void aReaderWhoseQueryNoLongerRunsRefusesTheAlter(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ar_src (id int PRIMARY KEY, v int)", "INSERT INTO ar_src VALUES (1, 1), (2, 2)");
      create(c, "ar_base", "SELECT id, v FROM ar_src", Mode.DIFFERENTIAL);
      create(c, "ar_reader", "SELECT sum(v) AS s FROM ar_base", Mode.DIFFERENTIAL);
      StreamTableException refused = assertThrows(StreamTableException.class, () -> StreamTables.alterWithReaders(c,
          "ar_base", Optional.empty(), Optional.empty(), Optional.of("SELECT id FROM ar_src")));
      assertEquals(ExitCode.REFUSED, refused.exitCode());
      assertTrue(refused.getMessage().startsWith("cannot rebuild \"public\".\"ar_base\": stream table "
          + "\"public\".\"ar_reader\" reads it, and its query no longer runs against it: "), refused.getMessage());
      assertEquals(List.of("id", "v"), rows(c, "SELECT attname FROM pg_attribute WHERE attrelid = 'ar_base'::regclass "
          + "AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_\\_freshet%' ORDER BY attnum"), "unchanged");
      exec(c, "INSERT INTO ar_src VALUES (3, 3)");
      Oracle.refreshAndCheck(c, "ar_base", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "ar_reader", Mode.DIFFERENTIAL);
      assertEquals(List.of("6"), rows(c, "SELECT s FROM ar_reader"));
      StreamTables.drop(c, "ar_base", true);
    }
  }
}
