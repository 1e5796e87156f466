package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A delta term joins an input by a column that the query's equalities make equal to one already joined, though no
 * condition names the two ({@code ColumnClasses}): TPC-H Q9's changed supplies look their green parts up
 * ({@code ps_partkey = l_partkey = p_partkey}) before their line items. The equality is implied by the query's, which
 * are all still applied: checked by the oracle after every refresh, with NULL keys in every column of the class,
 * keys moved in every table, and keys of character types, which are not equated so (char compares without trailing
 * spaces, text with them).
 */
@PostgresTest
class EqualColumnsJoinOrderScenarioTest {

  @Test
  void aChangedSupplyLooksItsFilteredPartUpBeforeItsLineItems(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c,
          "CREATE TABLE ec_part (p_partkey int PRIMARY KEY, p_name text NOT NULL)",
          "CREATE TABLE ec_supply (s_partkey int, s_suppkey int, s_cost numeric(8,2), "
              + "UNIQUE (s_partkey, s_suppkey))",
          "CREATE TABLE ec_item (i_id int PRIMARY KEY, i_partkey int, i_suppkey int, i_qty int NOT NULL)",
          "INSERT INTO ec_part SELECT g, CASE WHEN g % 3 = 0 THEN 'green ' ELSE 'red ' END || g "
              + "FROM generate_series(1, 30) g",
          "INSERT INTO ec_supply SELECT p, s, p + s / 10.0 FROM generate_series(1, 30) p, generate_series(1, 3) s",
          "INSERT INTO ec_supply VALUES (NULL, 1, 5.00), (NULL, NULL, 6.00)",
          "INSERT INTO ec_item SELECT g, 1 + g % 30, 1 + g % 3, g % 5 + 1 FROM generate_series(1, 200) g",
          "INSERT INTO ec_item VALUES (201, NULL, 1, 9), (202, 3, NULL, 9), (203, NULL, NULL, 9)");
      create(c, "ec_profit", """
          SELECT p.p_name, sum(i.i_qty * s.s_cost) AS profit, count(*) AS n
          FROM ec_supply s
          JOIN ec_item i ON s.s_partkey = i.i_partkey AND s.s_suppkey = i.i_suppkey
          JOIN ec_part p ON p.p_partkey = i.i_partkey
          WHERE p.p_name LIKE 'green%'
          GROUP BY p.p_name""", Mode.DIFFERENTIAL);

      // the term of the changed supplies: Δsupply, then the green parts by s_partkey, then the line items
      String term = supplyTerm(c);
      int part = term.indexOf("\"public\".\"ec_part\"");
      int item = term.indexOf("\"public\".\"ec_item\"");
      assertTrue(part > 0 && item > 0 && part < item, "the part before the line items:\n" + term);
      assertTrue(term.contains("\"Δsupply\".\"s_partkey\" = \"ec_part\".\"p_partkey\"")
          || term.contains("\"Δec_supply\".\"s_partkey\" = \"ec_part\".\"p_partkey\""),
          "joined by the implied equality:\n" + term);

      String read = "SELECT p_name, profit, n FROM ec_profit ORDER BY 1";
      int before = rows(c, read).size();
      assertEquals(10, before, "the ten green parts");

      // supplies alone: costs, keys moved (into and out of NULL), a supply of a red part made green's
      exec(c, "UPDATE ec_supply SET s_cost = s_cost + 1 WHERE s_partkey % 6 = 0",
          "UPDATE ec_supply SET s_partkey = NULL WHERE s_partkey = 9 AND s_suppkey = 1",
          "UPDATE ec_supply SET s_partkey = 3 WHERE s_partkey IS NULL AND s_suppkey IS NULL",
          "UPDATE ec_supply SET s_suppkey = 5 WHERE s_partkey = 6 AND s_suppkey = 3",
          "UPDATE ec_item SET i_suppkey = 5 WHERE i_id = 5");
      Oracle.refreshAndCheck(c, "ec_profit", Mode.DIFFERENTIAL);

      // all three at once: parts renamed in and out of the filter, line items moved between parts and into NULL
      exec(c, "UPDATE ec_part SET p_name = 'green ' || p_partkey WHERE p_partkey IN (4, 5)",
          "UPDATE ec_part SET p_name = 'red ' || p_partkey WHERE p_partkey = 6",
          "UPDATE ec_item SET i_partkey = 12 WHERE i_id % 11 = 0",
          "UPDATE ec_item SET i_partkey = NULL WHERE i_id % 13 = 0",
          "UPDATE ec_item SET i_partkey = 3 WHERE i_id = 201",
          "INSERT INTO ec_supply VALUES (5, 4, 7.50), (NULL, 4, 1.00)",
          "DELETE FROM ec_supply WHERE s_partkey = 12 AND s_suppkey = 2");
      Oracle.refreshAndCheck(c, "ec_profit", Mode.DIFFERENTIAL);

      // deletes in every table
      exec(c, "DELETE FROM ec_item WHERE i_id % 7 = 0", "DELETE FROM ec_supply WHERE s_suppkey = 3",
          "DELETE FROM ec_part WHERE p_partkey = 15");
      Oracle.refreshAndCheck(c, "ec_profit", Mode.DIFFERENTIAL);
      assertFalse(rows(c, read).isEmpty());
    }
  }

  @Test
  void characterKeysAreJoinedAsTheQueryJoinsThem(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      // keys of three character types: char(2) and char(6) compare with text without their trailing spaces
      exec(c,
          "CREATE TABLE ck_code (code text PRIMARY KEY, label text NOT NULL)",
          "CREATE TABLE ck_left (id int PRIMARY KEY, k char(2))",
          "CREATE TABLE ck_right (id int PRIMARY KEY, k char(6))",
          "INSERT INTO ck_code VALUES ('a', 'A'), ('b', 'B'), ('a ', 'A-space')",
          "INSERT INTO ck_left VALUES (1, 'a'), (2, 'a '), (3, 'b')",
          "INSERT INTO ck_right VALUES (1, 'a'), (2, 'a '), (3, 'b  ')");
      create(c, "ck_pairs", """
          SELECT l.id AS lid, r.id AS rid, c.label
          FROM ck_left l
          JOIN ck_code c ON c.code = l.k
          JOIN ck_right r ON c.code = r.k""", Mode.DIFFERENTIAL);
      String read = "SELECT lid, rid, label FROM ck_pairs ORDER BY 1, 2";
      List<String> expected = rows(c, """
          SELECT l.id, r.id, c.label FROM ck_left l JOIN ck_code c ON c.code = l.k JOIN ck_right r ON c.code = r.k
          ORDER BY 1, 2""");
      assertEquals(expected, rows(c, read));
      assertTrue(expected.size() > 2, "pairs of keys that differ as text: " + expected);

      exec(c, "INSERT INTO ck_left VALUES (4, 'b '), (5, 'a  ')", "UPDATE ck_right SET k = 'b' WHERE id = 1",
          "INSERT INTO ck_right VALUES (4, 'a  ')");
      Oracle.refreshAndCheck(c, "ck_pairs", Mode.DIFFERENTIAL);
      exec(c, "UPDATE ck_code SET label = label || '!'", "DELETE FROM ck_left WHERE id = 1",
          "UPDATE ck_right SET k = 'a' WHERE id = 3");
      Oracle.refreshAndCheck(c, "ck_pairs", Mode.DIFFERENTIAL);
    }
  }

  /** The delta term that starts from the change table of ec_supply, from the stream table's refresh programs. */
  private static String supplyTerm(Connection c) throws Exception {
    for (String sql : rows(c, """
        SELECT s FROM freshet.refresh_programs p
          JOIN freshet.stream_tables st ON st.id = p.stream_table_id, unnest(p.step_sql) s
        WHERE st.table_name = 'ec_profit' AND s LIKE '%FROM "pg_temp"."Δpublic.ec_supply"%'""")) {
      int from = sql.indexOf("FROM \"pg_temp\".\"Δpublic.ec_supply\"");
      int end = sql.indexOf("UNION ALL", from);
      return sql.substring(from, end < 0 ? sql.length() : end);
    }
    throw new AssertionError("no statement reads the change table of ec_supply");
  }
}
