package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An aggregate joined on its group key to a filtered table keeps state only for the keys the filter
 * admits (AggregateKeyReductionRule; TPC-H Q17 kept the average quantity of all 200,000 parts for the
 * 200 of one brand and container). Each query is maintained DIFFERENTIAL while parts enter and leave
 * the filter (their groups must appear whole and vanish), line items move between admitted and other
 * parts, keys turn NULL, a part's key changes, and a part enters the filter in the same transaction as
 * new line items for it; the oracle checks after every refresh, and the state table is asserted to
 * hold no group of a part the filter rejects.
 */
@PostgresTest
class AggregateKeyReductionScenarioTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      // TPC-H Q17's shape: a correlated average, decorrelated into a join to the aggregate
      "SELECT sum(l.price) AS total FROM l, p WHERE p.pk = l.pk AND p.brand = 'B1' AND p.box = 'X' "
          + "AND l.qty < (SELECT 0.8 * avg(l2.qty) FROM l l2 WHERE l2.pk = p.pk)",
      // TPC-H Q2's shape: the rows at their part's minimum (an extremum: groups rescanned on delete)
      "SELECT p.pk, l.id, l.qty FROM p JOIN l ON l.pk = p.pk WHERE p.brand = 'B1' AND p.box = 'X' "
          + "AND l.qty = (SELECT min(l2.qty) FROM l l2 WHERE l2.pk = p.pk)",
      // a derived aggregate, renamed through a projection, inner-joined
      "SELECT p.pk, s.total, s.n FROM p JOIN (SELECT pk AS part, sum(qty) AS total, count(*) AS n FROM l "
          + "GROUP BY pk) s ON s.part = p.pk WHERE p.brand = 'B1' AND p.box = 'X'",
      // LEFT joined: admitted parts without line items keep their padded row
      "SELECT p.pk, s.total FROM p LEFT JOIN (SELECT pk, sum(qty) AS total FROM l GROUP BY pk) s "
          + "ON s.pk = p.pk WHERE p.brand = 'B1' AND p.box = 'X'"})
  void keepsStateForAdmittedKeysOnly(String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS l, p",
          "CREATE TABLE p (pk int PRIMARY KEY, brand text, box text)",
          "CREATE TABLE l (id int PRIMARY KEY, pk int, qty numeric, price numeric)",
          // 40 parts, 4 admitted (B1 and X): 8, 16, 24, 32
          "INSERT INTO p SELECT i, CASE WHEN i % 8 = 0 THEN 'B1' ELSE 'B' || (i % 5) END, "
              + "CASE WHEN i % 2 = 0 THEN 'X' ELSE 'Y' END FROM generate_series(1, 40) i",
          "INSERT INTO l SELECT i, i % 41, (i * 7) % 13 + 1, i FROM generate_series(1, 400) i",
          "INSERT INTO l VALUES (401, NULL, 1, 1), (402, NULL, 2, 2)");
      StreamTables.create(c, "st", sql, Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "st");
      assertStateOnlyForAdmittedParts(c);

      // line items of admitted and rejected parts, inserted, updated and deleted
      exec(c, "INSERT INTO l VALUES (403, 8, 1, 10), (404, 9, 1, 10), (405, 16, 20, 5)",
          "UPDATE l SET qty = qty + 3 WHERE pk IN (24, 25)", "DELETE FROM l WHERE id IN (32, 73, 33)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertStateOnlyForAdmittedParts(c);
      // parts enter the filter (with their line items) and leave it
      exec(c, "UPDATE p SET brand = 'B1' WHERE pk IN (2, 6)", "UPDATE p SET box = 'Y' WHERE pk = 16");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertStateOnlyForAdmittedParts(c);
      // line items move between admitted and rejected parts and to and from NULL
      exec(c, "UPDATE l SET pk = 8 WHERE id IN (9, 10)", "UPDATE l SET pk = 3 WHERE id = 48",
          "UPDATE l SET pk = NULL WHERE id = 88", "UPDATE l SET pk = 24 WHERE id = 401");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertStateOnlyForAdmittedParts(c);
      // a part enters the filter in the transaction that adds its line items; another changes its key
      inOneTransaction(c, "UPDATE p SET brand = 'B1', box = 'X' WHERE pk = 5",
          "INSERT INTO l VALUES (406, 5, 2, 1), (407, 5, 30, 1), (408, 41, 1, 1)",
          "UPDATE p SET pk = 41 WHERE pk = 24", "INSERT INTO p VALUES (24, 'B1', 'X')");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertStateOnlyForAdmittedParts(c);
      // an admitted part deleted with its line items; every part of a brand leaves
      exec(c, "DELETE FROM l WHERE pk = 32", "DELETE FROM p WHERE pk = 32", "UPDATE p SET brand = 'B9' WHERE pk = 8");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertStateOnlyForAdmittedParts(c);
      exec(c, "UPDATE p SET brand = 'B1', box = 'X'");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertEquals(1, StreamTables.drop(c, "st", false).size());
    }
  }

  /** The stream table's first state table holds no group of a part the filter rejects (or of no part). */
  private static void assertStateOnlyForAdmittedParts(Connection c) throws SQLException {
    String state = text(c, "SELECT format('%I.%I', n.nspname, t.relname) FROM pg_class t "
        + "JOIN pg_namespace n ON n.oid = t.relnamespace JOIN freshet.stream_tables s "
        + "ON t.relname = 'st_' || s.id || '_0' WHERE n.nspname = 'freshet_state' AND s.table_name = 'st'");
    String key = text(c, "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = '" + state + "'::regclass "
        + "AND a.attnum = 1");
    long groups = count(c, "SELECT count(*) FROM " + state);
    long rejected = count(c, "SELECT count(*) FROM " + state + " WHERE " + key + " IS NULL OR " + key
        + " NOT IN (SELECT pk FROM p WHERE brand = 'B1' AND box = 'X')");
    assertTrue(groups > 0, "the state table holds the admitted parts' groups");
    assertEquals(0, rejected, "groups of parts the filter rejects in " + state);
  }
}
