package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ORDER BY … LIMIT n [OFFSET m]} maintained DIFFERENTIAL: rows pushed into and out of the top
 * n, ties at the n-th place (broken the same way at every refresh), top rows over an aggregate under a
 * join (TPC-H Q18's shape). The oracle runs after every refresh: whole rows against the query ranked
 * as Freshet ranks ties, and the ORDER BY values against the query as written.
 */
@PostgresTest
class TopKScenarioTest {

  @Test
  void rowsPushedIntoAndOutOfTheTopWithTiesAtTheLastPlace(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c,
          "CREATE TABLE sale (id int PRIMARY KEY, shop text, amount int)",
          "INSERT INTO sale VALUES (1, 'a', 10), (2, 'b', 30), (3, 'c', 20), (4, 'd', 20), (5, 'e', 5), (6, 'a', 5)");
      create(c, "top3", "SELECT shop, sum(amount) AS total FROM sale GROUP BY shop ORDER BY total DESC LIMIT 3",
          Mode.DIFFERENTIAL);
      String read = "SELECT shop, total FROM top3 ORDER BY total DESC, shop";
      // a 15, b 30, c 20, d 20, e 5: c and d tie at the 2nd/3rd place, a is 4th
      assertEquals(List.of("b|30", "c|20", "d|20"), rows(c, read));

      // a rises into the top 3 (ties with nobody), pushing out d (its tie with c is broken by shop)
      exec(c, "INSERT INTO sale VALUES (7, 'a', 6)");
      Oracle.refreshAndCheck(c, "top3", Mode.DIFFERENTIAL);
      assertEquals(List.of("b|30", "a|21", "c|20"), rows(c, read));

      // a change outside the top: the top rows are read again and nothing is applied
      exec(c, "UPDATE sale SET amount = 4 WHERE id = 5");
      RefreshReport quiet = Oracle.refreshAndCheck(c, "top3", Mode.DIFFERENTIAL);
      assertEquals(0, quiet.rowsInserted() + quiet.rowsDeleted() + quiet.rowsUpdated(), quiet::toString);

      // three tie at the 3rd place (c 20, d 20, e 20): the first by the other columns is kept
      exec(c, "UPDATE sale SET amount = 20 WHERE id = 5", "UPDATE sale SET amount = 1 WHERE id = 7");
      Oracle.refreshAndCheck(c, "top3", Mode.DIFFERENTIAL);
      assertEquals(List.of("b|30", "c|20", "d|20"), rows(c, read));

      // the leader leaves, a group appears at the top, and a NULL total (DESC puts NULLs first)
      inOneTransaction(c, "DELETE FROM sale WHERE shop = 'b'", "INSERT INTO sale VALUES (8, 'f', 50), (9, 'g', NULL)");
      Oracle.refreshAndCheck(c, "top3", Mode.DIFFERENTIAL);
      assertEquals(List.of("g|null", "f|50", "c|20"), rows(c, "SELECT shop, total FROM top3 ORDER BY total DESC NULLS FIRST, shop"));

      // fewer groups than the limit
      exec(c, "DELETE FROM sale WHERE shop NOT IN ('a', 'c')");
      Oracle.refreshAndCheck(c, "top3", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|16", "c|20"), rows(c, "SELECT shop, total FROM top3 ORDER BY shop"));
    }
  }

  @Test
  void offsetAndAscendingOrderOverDistinct(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c,
          "CREATE TABLE visit (id int PRIMARY KEY, city text, day int)",
          "INSERT INTO visit VALUES (1, 'x', 1), (2, 'y', 2), (3, 'x', 3), (4, 'z', 3), (5, 'w', 9)");
      create(c, "page2", "SELECT DISTINCT city FROM visit ORDER BY city LIMIT 2 OFFSET 1", Mode.DIFFERENTIAL);
      String read = "SELECT city FROM page2 ORDER BY city";
      assertEquals(List.of("x", "y"), rows(c, read));

      exec(c, "INSERT INTO visit VALUES (6, 'a', 1)"); // a new first row shifts the page
      Oracle.refreshAndCheck(c, "page2", Mode.DIFFERENTIAL);
      assertEquals(List.of("w", "x"), rows(c, read));

      exec(c, "DELETE FROM visit WHERE id = 1"); // x still there (id 3): nothing changes
      RefreshReport quiet = Oracle.refreshAndCheck(c, "page2", Mode.DIFFERENTIAL);
      assertEquals(0, quiet.rowsInserted() + quiet.rowsDeleted(), quiet::toString);
      assertEquals(List.of("w", "x"), rows(c, read));

      exec(c, "DELETE FROM visit WHERE city IN ('a', 'w')");
      Oracle.refreshAndCheck(c, "page2", Mode.DIFFERENTIAL);
      assertEquals(List.of("y", "z"), rows(c, read));
    }
  }

  @Test
  void topRowsOverAnAggregateUnderAJoinLikeQ18(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c,
          "CREATE TABLE cust (ck int PRIMARY KEY, name text)",
          "CREATE TABLE ord (ok int PRIMARY KEY, ck int, price int)",
          "CREATE TABLE item (ok int, qty int)",
          "INSERT INTO cust VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')",
          "INSERT INTO ord VALUES (10, 1, 100), (11, 2, 300), (12, 3, 200), (13, 1, 300)",
          "INSERT INTO item VALUES (10, 5), (10, 6), (11, 20), (12, 1), (13, 12)");
      create(c, "big", """
          SELECT c.name, o.ok, o.price, sum(i.qty) AS qty
          FROM cust c JOIN ord o ON o.ck = c.ck JOIN item i ON i.ok = o.ok
          WHERE o.ok IN (SELECT ok FROM item GROUP BY ok HAVING sum(qty) > 10)
          GROUP BY c.name, o.ok, o.price
          ORDER BY o.price DESC, o.ok LIMIT 2""", Mode.DIFFERENTIAL);
      String read = "SELECT name, ok, price, qty FROM big ORDER BY price DESC, ok";
      assertEquals(List.of("bob|11|300|20", "ann|13|300|12"), rows(c, read));

      // order 12 crosses the HAVING threshold with a price that puts it first
      inOneTransaction(c, "INSERT INTO item VALUES (12, 10)", "UPDATE ord SET price = 400 WHERE ok = 12");
      Oracle.refreshAndCheck(c, "big", Mode.DIFFERENTIAL);
      assertEquals(List.of("cy|12|400|11", "bob|11|300|20"), rows(c, read));

      // order 11 drops below the threshold; a customer is renamed
      inOneTransaction(c, "DELETE FROM item WHERE ok = 11", "INSERT INTO item VALUES (11, 3)",
          "UPDATE cust SET name = 'ann2' WHERE ck = 1");
      Oracle.refreshAndCheck(c, "big", Mode.DIFFERENTIAL);
      assertEquals(List.of("cy|12|400|11", "ann2|13|300|12"), rows(c, read));
    }
  }

  /** Rows without GROUP BY, duplicates included: kept as distinct rows with their number of copies. */
  @Test
  void topRowsOfAMultisetWithDuplicatesAcrossTheLimit(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c,
          "CREATE TABLE score (id int PRIMARY KEY, player text, points int)",
          "CREATE TABLE team (player text, team text)",
          "INSERT INTO score VALUES (1, 'p', 7), (2, 'q', 9), (3, 'p', 7), (4, 'r', 3), (5, 's', NULL)",
          "INSERT INTO team VALUES ('p', 'red'), ('q', 'blue'), ('r', 'red'), ('s', 'red')");
      create(c, "best", """
          SELECT t.team, s.points FROM score s JOIN team t ON t.player = s.player
          ORDER BY s.points DESC NULLS LAST LIMIT 3 OFFSET 1""", Mode.DIFFERENTIAL);
      String read = "SELECT team, points FROM best ORDER BY points DESC NULLS LAST, team";
      // ranked: blue 9, red 7, red 7, red 3, red NULL; offset 1, limit 3
      assertEquals(List.of("red|7", "red|7", "red|3"), rows(c, read));

      // a third copy of (red, 7) and a new leader: the copies straddle the limit
      exec(c, "INSERT INTO score VALUES (6, 'p', 7), (7, 'q', 10)");
      Oracle.refreshAndCheck(c, "best", Mode.DIFFERENTIAL);
      assertEquals(List.of("blue|9", "red|7", "red|7"), rows(c, read));

      // copies leave; a player changes team (the join side changes)
      inOneTransaction(c, "DELETE FROM score WHERE id IN (1, 3)", "UPDATE team SET team = 'blue' WHERE player = 'r'");
      Oracle.refreshAndCheck(c, "best", Mode.DIFFERENTIAL);
      assertEquals(List.of("blue|9", "red|7", "blue|3"), rows(c, read));
    }
  }

  /**
   * An output column named like another column of the input: {@code ORDER BY} in the printed SQL must mean
   * the sort key, not PostgreSQL's output column of that name (it resolves a bare name to an output column
   * first). The converter printed {@code SELECT v AS k, k AS v … ORDER BY "v"}, sorting on the wrong
   * column (property soak, seed 61: top-k over a UNION ALL); it prints the ordinal now.
   */
  @Test
  void sortKeyNamedLikeAnotherOutputColumn(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE swap (id int PRIMARY KEY, k int NOT NULL, v int NOT NULL)",
          "INSERT INTO swap VALUES (1, 1, 40), (2, 2, 30), (3, 3, 20), (4, 4, 10)");
      create(c, "swapped", "SELECT v AS k, k AS v FROM swap ORDER BY 1 DESC LIMIT 2", Mode.DIFFERENTIAL);
      String read = "SELECT k, v FROM swapped ORDER BY k DESC";
      assertEquals(List.of("40|1", "30|2"), rows(c, read));

      exec(c, "INSERT INTO swap VALUES (5, 0, 35), (6, 9, 5)");
      Oracle.refreshAndCheck(c, "swapped", Mode.DIFFERENTIAL);
      assertEquals(List.of("40|1", "35|0"), rows(c, read));

      exec(c, "DELETE FROM swap WHERE id = 1", "UPDATE swap SET v = 50 WHERE id = 4");
      Oracle.refreshAndCheck(c, "swapped", Mode.DIFFERENTIAL);
      assertEquals(List.of("50|4", "35|0"), rows(c, read));
    }
  }

  /**
   * LIMIT without ORDER BY returns any n rows: Freshet keeps n of them (the first by all columns), the
   * oracle checks their number, and a refresh that changes none of them changes nothing. The check at
   * create printed an empty ORDER BY ("syntax error at or near OFFSET", refused FR009) before.
   */
  @Test
  void limitWithoutOrderByKeepsSomeRows(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE pick (id int PRIMARY KEY, grp int)",
          "INSERT INTO pick SELECT g, g % 3 FROM generate_series(1, 10) g");
      create(c, "any3", "SELECT id, grp FROM pick LIMIT 3", Mode.DIFFERENTIAL);
      create(c, "any2groups", "SELECT grp, count(*) AS n FROM pick GROUP BY grp LIMIT 2", Mode.DIFFERENTIAL);
      exec(c, "DELETE FROM pick WHERE id IN (SELECT id FROM any3 ORDER BY id LIMIT 2)", "INSERT INTO pick VALUES (0, 0)",
          "DELETE FROM pick WHERE grp = 1");
      Oracle.refreshAndCheck(c, "any3", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "any2groups", Mode.DIFFERENTIAL);
      assertEquals(3L, Scenarios.count(c, "SELECT count(*) FROM any3 JOIN pick USING (id, grp)"),
          "three rows, each one of the table's");
      assertEquals(2L, Scenarios.count(c, "SELECT count(*) FROM any2groups g WHERE g.n = (SELECT count(*) FROM pick p "
          + "WHERE p.grp = g.grp)"), "two groups, each with its count");
      exec(c, "INSERT INTO pick VALUES (100, 5)");
      RefreshReport quiet = Oracle.refreshAndCheck(c, "any3", Mode.DIFFERENTIAL);
      assertEquals(0, quiet.rowsInserted() + quiet.rowsDeleted(), quiet::toString);
    }
  }
}
