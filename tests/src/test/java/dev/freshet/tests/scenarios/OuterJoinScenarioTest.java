package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LEFT, RIGHT and FULL joins, NOT EXISTS and NOT IN maintained DIFFERENTIAL, with NULL- and
 * duplicate-heavy data: rows lose their last partner and become NULL-extended, and back, within one
 * window; both sides change in one transaction. The oracle runs after every refresh, and the rows
 * are spelled out where a wrong answer would be easy to miss.
 */
@PostgresTest
class OuterJoinScenarioTest {

  /** Tables {@code <p>_l} and {@code <p>_r}: the tests share a database. */
  private static void tables(Connection c, String p) throws Exception {
    exec(c,
        "CREATE TABLE " + p + "_l (id int PRIMARY KEY, k int, v text)",
        "CREATE TABLE " + p + "_r (id int PRIMARY KEY, k int, w text)",
        "INSERT INTO " + p + "_l VALUES (1, 1, 'a'), (2, 2, 'b'), (3, NULL, 'c'), (4, 1, 'a')",
        "INSERT INTO " + p + "_r VALUES (1, 1, 'x'), (2, 1, 'y'), (3, NULL, 'z'), (4, 5, 'q')");
  }

  @Test
  void leftJoinPartnerDeletedAndReinsertedInOneWindow(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      tables(c, "lj");
      create(c, "lj", "SELECT l.id AS lid, l.v, r.id AS rid, r.w FROM lj_l l LEFT JOIN lj_r r ON l.k = r.k", Mode.DIFFERENTIAL);
      String read = "SELECT lid, v, rid, w FROM lj ORDER BY 1, 3";
      assertEquals(List.of("1|a|1|x", "1|a|2|y", "2|b|null|null", "3|c|null|null", "4|a|1|x", "4|a|2|y"), rows(c, read));

      // l.2 gains a partner; r.1 and r.2 (all of key 1's partners) go: l.1 and l.4 become NULL-extended
      exec(c, "INSERT INTO lj_r VALUES (5, 2, 'p')", "DELETE FROM lj_r r WHERE k = 1");
      Oracle.refreshAndCheck(c, "lj", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|a|null|null", "2|b|5|p", "3|c|null|null", "4|a|null|null"), rows(c, read));

      // deleted and re-inserted in one window (two transactions): nothing changes for l.2
      exec(c, "DELETE FROM lj_r r WHERE id = 5", "INSERT INTO lj_r VALUES (5, 2, 'p')");
      Oracle.refreshAndCheck(c, "lj", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|a|null|null", "2|b|5|p", "3|c|null|null", "4|a|null|null"), rows(c, read));

      // deleted and re-inserted in one transaction, plus a partner for key 1 and NULL keys on both sides
      inOneTransaction(c, "DELETE FROM lj_r r WHERE id = 5", "INSERT INTO lj_r VALUES (5, 2, 'p2')",
          "INSERT INTO lj_r VALUES (6, 1, 'n'), (7, NULL, 'nn')", "INSERT INTO lj_l VALUES (5, NULL, 'e')");
      Oracle.refreshAndCheck(c, "lj", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|a|6|n", "2|b|5|p2", "3|c|null|null", "4|a|6|n", "5|e|null|null"), rows(c, read));

      // a join-key update whose old partner is deleted in the same transaction (CORR-2)
      inOneTransaction(c, "UPDATE lj_l SET k = 5 WHERE id = 1", "DELETE FROM lj_r r WHERE id = 6",
          "UPDATE lj_l SET k = NULL WHERE id = 2");
      Oracle.refreshAndCheck(c, "lj", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|a|4|q", "2|b|null|null", "3|c|null|null", "4|a|null|null", "5|e|null|null"), rows(c, read));
    }
  }

  @Test
  void fullJoinWithNullKeysOnBothSides(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      tables(c, "fj");
      create(c, "fj", "SELECT l.id AS lid, r.id AS rid FROM fj_l l FULL JOIN fj_r r ON l.k = r.k", Mode.DIFFERENTIAL);
      String read = "SELECT lid, rid FROM fj ORDER BY 1, 2";
      assertEquals(List.of("1|1", "1|2", "2|null", "3|null", "4|1", "4|2", "null|3", "null|4"), rows(c, read));

      exec(c, "INSERT INTO fj_l VALUES (5, NULL, 'n'), (6, 5, 'f')", "INSERT INTO fj_r VALUES (5, NULL, 'm')");
      Oracle.refreshAndCheck(c, "fj", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1", "1|2", "2|null", "3|null", "4|1", "4|2", "5|null", "6|4", "null|3", "null|5"), rows(c, read));

      // both sides in one transaction: key 1 loses its left rows, key 2 gains a right row, NULLs get keys
      inOneTransaction(c, "DELETE FROM fj_l l WHERE k = 1", "INSERT INTO fj_r VALUES (6, 2, 'r')",
          "UPDATE fj_l SET k = 9 WHERE id = 3", "UPDATE fj_r SET k = 9 WHERE id = 3");
      Oracle.refreshAndCheck(c, "fj", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|6", "3|3", "5|null", "6|4", "null|1", "null|2", "null|5"), rows(c, read));

      exec(c, "DELETE FROM fj_r r", "DELETE FROM fj_l l WHERE id = 6");
      Oracle.refreshAndCheck(c, "fj", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|null", "3|null", "5|null"), rows(c, read));
    }
  }

  @Test
  void rightJoinWithConditionsOnEachSide(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      tables(c, "rj");
      create(c, "rj", "SELECT l.id AS lid, r.id AS rid, r.w FROM rj_l l RIGHT JOIN rj_r r "
          + "ON r.k = l.k AND l.v <> 'b' AND r.w <> 'y'", Mode.DIFFERENTIAL);
      String read = "SELECT lid, rid, w FROM rj ORDER BY 2, 1";
      assertEquals(List.of("1|1|x", "4|1|x", "null|2|y", "null|3|z", "null|4|q"), rows(c, read));

      inOneTransaction(c, "UPDATE rj_r SET w = 'yy' WHERE id = 2", "UPDATE rj_l SET v = 'b' WHERE id = 4",
          "INSERT INTO rj_l VALUES (7, 5, 'g')");
      Oracle.refreshAndCheck(c, "rj", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1|x", "1|2|yy", "null|3|z", "7|4|q"), rows(c, read));
    }
  }

  @Test
  void threeWayChainLeftFullInnerAllChangingInOneTransaction(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c,
          "CREATE TABLE a (id int PRIMARY KEY, k int)",
          "CREATE TABLE b (id int PRIMARY KEY, k int, j int)",
          "CREATE TABLE d (id int PRIMARY KEY, j int)",
          "CREATE TABLE e (id int PRIMARY KEY, j int)",
          "INSERT INTO a VALUES (1, 1), (2, 2), (3, NULL)",
          "INSERT INTO b VALUES (1, 1, 1), (2, 1, NULL), (3, 3, 3)",
          "INSERT INTO d VALUES (1, 1), (2, 3), (3, 4)",
          "INSERT INTO e VALUES (1, 1), (2, 4), (3, NULL)");
      create(c, "chain", """
          SELECT a.id AS aid, b.id AS bid, d.id AS did, e.id AS eid
          FROM a LEFT JOIN b ON a.k = b.k FULL JOIN d ON b.j = d.j JOIN e ON e.j = d.j""", Mode.DIFFERENTIAL);
      String read = "SELECT aid, bid, did, eid FROM chain ORDER BY 1, 2, 3, 4";
      assertEquals(List.of("1|1|1|1", "null|null|3|2"), rows(c, read));

      inOneTransaction(c, "UPDATE a SET k = 3 WHERE id = 2", "DELETE FROM b WHERE id = 1",
          "INSERT INTO b VALUES (4, 1, 4)", "UPDATE d SET j = 1 WHERE id = 2", "INSERT INTO e VALUES (4, 3)",
          "UPDATE e SET j = 3 WHERE id = 3");
      Oracle.refreshAndCheck(c, "chain", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|4|3|2", "null|null|1|1", "null|null|2|1"), rows(c, read));

      inOneTransaction(c, "DELETE FROM d WHERE j = 4", "INSERT INTO a VALUES (4, 1)", "INSERT INTO d VALUES (4, 3)",
          "DELETE FROM e WHERE id = 1");
      Oracle.refreshAndCheck(c, "chain", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|3|4|3", "2|3|4|4"), rows(c, read));
    }
  }

  @Test
  void leftJoinUnderAndOverAggregates(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      tables(c, "dist");
      // Q13's shape: an outer join under two aggregates
      create(c, "dist", """
          SELECT cnt, count(*) AS n FROM (
            SELECT l.id, count(r.id) AS cnt FROM dist_l l LEFT JOIN dist_r r ON l.k = r.k AND r.w <> 'z' GROUP BY l.id) s
          GROUP BY cnt""", Mode.DIFFERENTIAL);
      // an aggregate under an outer join
      create(c, "totals", """
          SELECT l.id, t.n FROM dist_l l LEFT JOIN (SELECT k, count(*) AS n FROM dist_r r GROUP BY k) t ON t.k = l.k""",
          Mode.DIFFERENTIAL);
      assertEquals(List.of("0|2", "2|2"), rows(c, "SELECT cnt, n FROM dist ORDER BY 1"));
      assertEquals(List.of("1|2", "2|null", "3|null", "4|2"), rows(c, "SELECT id, n FROM totals ORDER BY 1"));

      exec(c, "DELETE FROM dist_r r WHERE id = 1", "INSERT INTO dist_r VALUES (8, 2, 'u'), (9, 2, 'u'), (10, 2, 'z')");
      Oracle.refreshAndCheck(c, "dist", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "totals", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|1", "1|2", "2|1"), rows(c, "SELECT cnt, n FROM dist ORDER BY 1"));
      assertEquals(List.of("1|1", "2|3", "3|null", "4|1"), rows(c, "SELECT id, n FROM totals ORDER BY 1"));

      exec(c, "DELETE FROM dist_r r");
      Oracle.refreshAndCheck(c, "dist", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "totals", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|4"), rows(c, "SELECT cnt, n FROM dist ORDER BY 1"));
    }
  }

  @Test
  void notExistsWhoseLastBlockingRowIsDeleted(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      tables(c, "lonely");
      create(c, "lonely", "SELECT id, v FROM lonely_l l WHERE NOT EXISTS (SELECT 1 FROM lonely_r r WHERE r.k = l.k)",
          Mode.DIFFERENTIAL);
      String read = "SELECT id, v FROM lonely ORDER BY 1";
      assertEquals(List.of("2|b", "3|c"), rows(c, read));

      exec(c, "DELETE FROM lonely_r r WHERE id = 1");
      Oracle.refreshAndCheck(c, "lonely", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|b", "3|c"), rows(c, read));

      exec(c, "DELETE FROM lonely_r r WHERE id = 2"); // the last row blocking key 1
      Oracle.refreshAndCheck(c, "lonely", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|a", "2|b", "3|c", "4|a"), rows(c, read));

      inOneTransaction(c, "INSERT INTO lonely_r VALUES (11, 2, 'b')", "INSERT INTO lonely_r VALUES (12, 2, 'b')",
          "DELETE FROM lonely_r r WHERE id = 11");
      Oracle.refreshAndCheck(c, "lonely", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|a", "3|c", "4|a"), rows(c, read));
    }
  }

  @Test
  void notInWhoseSubQueryGainsAndLosesANull(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      tables(c, "notin");
      create(c, "notin", "SELECT id, k FROM notin_l l WHERE k NOT IN (SELECT k FROM notin_r r WHERE w <> 'z')", Mode.DIFFERENTIAL);
      String read = "SELECT id, k FROM notin ORDER BY 1";
      assertEquals(List.of("2|2"), rows(c, read));

      exec(c, "INSERT INTO notin_r VALUES (20, NULL, 'n')"); // a NULL in the sub-query: nothing is NOT IN
      Oracle.refreshAndCheck(c, "notin", Mode.DIFFERENTIAL);
      assertEquals(List.of(), rows(c, read));

      exec(c, "UPDATE notin_r SET k = 7 WHERE id = 20"); // the NULL leaves
      Oracle.refreshAndCheck(c, "notin", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|2"), rows(c, read));

      exec(c, "DELETE FROM notin_r r WHERE w <> 'z'"); // the sub-query is empty: even NULL is NOT IN
      Oracle.refreshAndCheck(c, "notin", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1", "2|2", "3|null", "4|1"), rows(c, read));
    }
  }

  @Test
  void outerJoinComparingTheSidesOtherwiseIsRefusedWithTheReason(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      tables(c, "theta");
      UnsupportedQueryException e = assertThrows(UnsupportedQueryException.class,
          () -> create(c, "theta", "SELECT l.id, r.id AS rid FROM theta_l l LEFT JOIN theta_r r ON l.k < r.k", Mode.DIFFERENTIAL));
      assertTrue(e.getMessage().contains("compares the two sides other than by equality"), e.getMessage());
      StoredStreamTable auto = StreamTables.create(c, "theta",
          "SELECT l.id, r.id AS rid FROM theta_l l LEFT JOIN theta_r r ON l.k < r.k", Mode.AUTO, null);
      assertEquals(Mode.FULL, auto.effectiveMode());
      exec(c, "INSERT INTO theta_r VALUES (30, 9, 'big')");
      Oracle.refreshAndCheck(c, "theta", Mode.FULL);
    }
  }

  /**
   * {@code <> ALL}, {@code = ANY}, EXISTS under OR and IN under NOT: what they decorrelate into (outer
   * joins with the sub-query's values and counts) is maintained, NULLs included.
   */
  @Test
  void quantifiedComparisonsAndSubQueriesUnderOrAndNot(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      tables(c, "q");
      List<String> queries = List.of(
          "SELECT id FROM q_l l WHERE k <> ALL (SELECT k FROM q_r r WHERE r.w <> 'q')",
          "SELECT id FROM q_l l WHERE k = ANY (SELECT k FROM q_r r WHERE r.w <> 'q')",
          "SELECT id FROM q_l l WHERE EXISTS (SELECT 1 FROM q_r r WHERE r.k = l.k) OR l.v = 'c'",
          "SELECT id FROM q_l l WHERE NOT (l.k IN (SELECT k FROM q_r r))");
      for (int i = 0; i < queries.size(); i++) {
        create(c, "quant" + i, queries.get(i), Mode.DIFFERENTIAL);
      }
      assertEquals(List.of(), rows(c, "SELECT id FROM quant0 ORDER BY 1")); // r has a NULL k
      assertEquals(List.of("1", "4"), rows(c, "SELECT id FROM quant1 ORDER BY 1"));
      assertEquals(List.of("1", "3", "4"), rows(c, "SELECT id FROM quant2 ORDER BY 1"));
      assertEquals(List.of(), rows(c, "SELECT id FROM quant3 ORDER BY 1")); // r has a NULL k

      List<String[]> steps = List.of(
          new String[] {"DELETE FROM q_r WHERE k IS NULL"},
          new String[] {"INSERT INTO q_r VALUES (20, 2, 'x')", "UPDATE q_l SET k = NULL WHERE id = 4"},
          new String[] {"DELETE FROM q_r"},
          new String[] {"INSERT INTO q_r VALUES (21, NULL, 'x'), (22, 1, 'q')"});
      for (String[] step : steps) {
        inOneTransaction(c, step);
        for (int i = 0; i < queries.size(); i++) {
          Oracle.refreshAndCheck(c, "quant" + i, Mode.DIFFERENTIAL);
        }
        if (step == steps.getFirst()) { // the sub-query's only NULL left: 2 is unequal to all of 1, 1, 5
          assertEquals(List.of("2"), rows(c, "SELECT id FROM quant0 ORDER BY 1"));
          assertEquals(List.of("2"), rows(c, "SELECT id FROM quant3 ORDER BY 1"));
        }
      }
      assertEquals(List.of(), rows(c, "SELECT id FROM quant0 ORDER BY 1")); // a NULL in the sub-query
      assertEquals(List.of("1", "3"), rows(c, "SELECT id FROM quant2 ORDER BY 1"));
    }
  }

  /**
   * An outer join over a self-join, grouped by the second copy of a column (found by the property):
   * Calcite names the copies apart ({@code i0, i00}), PostgreSQL's {@code SELECT *} does not, so the
   * union of the matched and unmatched rows lists its columns.
   */
  @Test
  void outerJoinOverASelfJoinGroupedByTheSecondCopy(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE sj1 (i0 int, i1 int)", "CREATE TABLE sj2 (i1 int)",
          "INSERT INTO sj1 VALUES (1, 1), (2, 2)", "INSERT INTO sj2 VALUES (1), (NULL)");
      create(c, "sj_left", "SELECT b.i0, count(*) AS n FROM sj1 a JOIN sj1 b ON a.i0 = b.i0 "
          + "LEFT JOIN sj2 c ON a.i0 = c.i1 GROUP BY b.i0", Mode.DIFFERENTIAL);
      create(c, "sj_full", "SELECT DISTINCT b.i0 FROM sj1 a JOIN sj1 b ON a.i0 = b.i0 FULL JOIN sj2 c ON a.i0 = c.i1",
          Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1", "2|1"), rows(c, "SELECT i0, n FROM sj_left ORDER BY 1"));
      assertEquals(List.of("1", "2", "null"), rows(c, "SELECT i0 FROM sj_full ORDER BY 1"));
      exec(c, "INSERT INTO sj2 VALUES (2), (2)", "INSERT INTO sj1 VALUES (3, 3)");
      Oracle.refreshAndCheck(c, "sj_left", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "sj_full", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1", "2|2", "3|1"), rows(c, "SELECT i0, n FROM sj_left ORDER BY 1"));
    }
  }

  /**
   * An outer join whose padded side is grouped by a primary key and another column, joined on the
   * primary key alone (soak 757, refused as "an anti-join on other than the distinct values of its
   * keys"): the group is unique on the key, so the unmatched rows' anti-join reads the groups without a
   * DISTINCT, and the groups' state table must be known unique on the key too.
   */
  @Test
  void outerJoinOfGroupsUniqueOnAPrimaryKeyAlone(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE gk_mood AS ENUM ('sad', 'meh', 'ok', 'happy')",
          "CREATE TABLE gk_t1 (s0 text PRIMARY KEY, s2 text)",
          "CREATE TABLE gk_t3 (s0 text PRIMARY KEY, n1 numeric(8,2) NOT NULL, d2 date)",
          "CREATE TABLE gk_t4 (s0 text PRIMARY KEY, e1 gk_mood, i2 int)",
          "INSERT INTO gk_t3 SELECT 'k' || g, g, DATE '2024-01-01' + (g % 5 - 2) FROM generate_series(1, 30) g",
          "INSERT INTO gk_t4 SELECT 'k' || g, (ARRAY['sad', 'meh', 'ok', 'happy'])[1 + g % 4]::gk_mood, "
              + "CASE WHEN g % 3 = 0 THEN NULL ELSE g END FROM generate_series(5, 40) g",
          "INSERT INTO gk_t1 SELECT 'q' || g, 'k' || (g * 2) FROM generate_series(1, 20) g");
      create(c, "gk_right", "SELECT b.s0, a.d2, a.total FROM (SELECT s0, d2, sum(n1) AS total FROM gk_t3 "
          + "GROUP BY s0, d2) a RIGHT JOIN gk_t4 b ON a.s0 = b.s0", Mode.DIFFERENTIAL);
      create(c, "gk_soak", "SELECT count(DISTINCT b.s0) AS a1, bool_and(b.i2 IS NULL) AS a2, sum(a.a2) AS a3 "
          + "FROM (SELECT x.s0 AS k1, x.d2 AS k2, count(x.n1) AS a1, sum((-1)::numeric) AS a2 FROM gk_t3 x "
          + "GROUP BY x.s0, x.d2) a FULL JOIN gk_t4 b ON a.k1 = b.s0 WHERE NOT ((b.e1 BETWEEN 'meh'::gk_mood "
          + "AND 'ok'::gk_mood OR (a.k2 - 1) <= DATE '2023-12-31')) AND b.s0 IN (SELECT q.s2 FROM gk_t1 q)",
          Mode.DIFFERENTIAL);
      assertEquals(List.of("k30|2023-12-30|30.00", "k31|null|null", "k5|2023-12-30|5.00"),
          rows(c, "SELECT s0, d2, total FROM gk_right WHERE s0 IN ('k5', 'k30', 'k31') ORDER BY 1"));
      assertEquals(List.of("3|f|-3"), rows(c, "SELECT a1, a2, a3 FROM gk_soak"));
      // groups move (k8, k12, k16), lose their partner (k20, k9), leave (k24, k28: padded), arrive (k31);
      // a partner changes its filter column and a sub-query row its key
      exec(c, "UPDATE gk_t3 SET d2 = d2 + 3 WHERE s0 IN ('k8', 'k12', 'k16')",
          "DELETE FROM gk_t4 WHERE s0 IN ('k20', 'k9')", "UPDATE gk_t4 SET e1 = 'happy' WHERE s0 = 'k10'",
          "DELETE FROM gk_t3 WHERE s0 IN ('k24', 'k28')", "INSERT INTO gk_t3 VALUES ('k31', 7, DATE '2024-02-01')",
          "UPDATE gk_t1 SET s2 = 'k21' WHERE s0 = 'q5'");
      Oracle.refreshAndCheck(c, "gk_right", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "gk_soak", Mode.DIFFERENTIAL);
      assertEquals(List.of("k24|null|null", "k31|2024-02-01|7.00"),
          rows(c, "SELECT s0, d2, total FROM gk_right WHERE s0 IN ('k24', 'k31') ORDER BY 1"));
      assertEquals(List.of("3|f|-3"), rows(c, "SELECT a1, a2, a3 FROM gk_soak"));
      // every group leaves, then some come back with other dates, in one window
      exec(c, "DELETE FROM gk_t3", "INSERT INTO gk_t3 SELECT 'k' || g, g, DATE '2024-03-01' + g "
          + "FROM generate_series(10, 20) g");
      Oracle.refreshAndCheck(c, "gk_right", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "gk_soak", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|f|-2"), rows(c, "SELECT a1, a2, a3 FROM gk_soak"));
    }
  }

  /**
   * Date arithmetic on a column the outer join pads (found by the property): the delta's padded branch
   * computes {@code NULL - 2}, which must be a date, not an integer (the refresh failed: "UNION types
   * date and integer cannot be matched").
   */
  @Test
  void arithmeticOnAPaddedColumnKeepsItsType(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE pd_l (k int)", "CREATE TABLE pd_r (k int, d date)",
          "INSERT INTO pd_l VALUES (1), (2)", "INSERT INTO pd_r VALUES (1, DATE '2024-01-01')");
      create(c, "padded_dates", "SELECT pd_l.k, pd_r.d - 2 AS d2 FROM pd_l LEFT JOIN pd_r ON pd_l.k = pd_r.k",
          Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO pd_l VALUES (3)");
      Oracle.refreshAndCheck(c, "padded_dates", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|2023-12-30", "2|null", "3|null"), rows(c, "SELECT k, d2 FROM padded_dates ORDER BY 1"));
    }
  }

  /**
   * The seed's CORR-2 case for every join type: in one transaction a row's join key moves to a new
   * partner while its old partner is deleted, another's key moves to no partner at all (padded, for
   * the outer joins) and a third's moves from no partner to one.
   */
  @Test
  void joinKeyMovesWhileItsOldPartnerIsDeletedForEveryJoinType(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE mv_o (id int PRIMARY KEY, cust int, amount int)",
          "CREATE TABLE mv_c (id int PRIMARY KEY, name text)",
          "INSERT INTO mv_o VALUES (1, 10, 5), (2, 10, 7), (3, 20, 1), (4, 99, 2), (5, NULL, 3)",
          "INSERT INTO mv_c VALUES (10, 'ten'), (20, 'twenty'), (30, 'thirty'), (40, 'forty')");
      List<String> kinds = List.of("JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN");
      for (String kind : kinds) {
        String name = "mv_" + kind.split(" ")[0].toLowerCase(java.util.Locale.ROOT);
        create(c, name, "SELECT o.id AS oid, o.amount, c.id AS cid, c.name FROM mv_o o " + kind
            + " mv_c c ON o.cust = c.id", Mode.DIFFERENTIAL);
      }
      inOneTransaction(c,
          "UPDATE mv_o SET cust = 30 WHERE id = 1",  // to a new partner ...
          "DELETE FROM mv_c WHERE id = 10",          // ... while the old one goes (id 2 loses it)
          "UPDATE mv_o SET cust = 77 WHERE id = 3",  // to no partner: 20 left unmatched
          "UPDATE mv_o SET cust = 40 WHERE id = 4"); // from no partner to one
      for (String kind : kinds) {
        Oracle.refreshAndCheck(c, "mv_" + kind.split(" ")[0].toLowerCase(java.util.Locale.ROOT), Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("1|30", "2|", "3|", "4|40", "5|"),
          rows(c, "SELECT oid || '|' || coalesce(cid::text, '') FROM mv_left ORDER BY oid"));
      assertEquals(List.of("|20", "1|30", "4|40"),
          rows(c, "SELECT coalesce(oid::text, '') || '|' || cid FROM mv_right ORDER BY cid"));
      inOneTransaction(c, "UPDATE mv_o SET cust = 20 WHERE id IN (1, 3)", "DELETE FROM mv_c WHERE id = 30",
          "INSERT INTO mv_c VALUES (10, 'ten again')");
      for (String kind : kinds) {
        Oracle.refreshAndCheck(c, "mv_" + kind.split(" ")[0].toLowerCase(java.util.Locale.ROOT), Mode.DIFFERENTIAL);
      }
    }
  }
}
