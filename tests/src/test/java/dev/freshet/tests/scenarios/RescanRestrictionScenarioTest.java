package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The groups a refresh aggregates again (a MAX whose maximum left, a COUNT(DISTINCT) that lost a value) are read from
 * the input restricted where their columns come from (RescanRestriction): a semi-join with the table giving the
 * group's columns, below the joins, rather than a join with the whole input's result. Each query loses its maxima
 * and distinct values, by deletes and updates of the tables on both sides, and the oracle checks every refresh; the
 * program's text says where the restriction went.
 */
@PostgresTest
class RescanRestrictionScenarioTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // the group's column from the left of an inner join: the restriction goes to rr_item
      "inner join, left|true|SELECT i.grp, max(i.v) AS top, count(DISTINCT t.label) AS labels FROM rr_item i "
          + "JOIN rr_tag t ON t.id = i.tag GROUP BY i.grp",
      // from the right of an inner join
      "inner join, right|true|SELECT t.label, max(i.v) AS top FROM rr_item i JOIN rr_tag t ON t.id = i.tag GROUP BY t.label",
      // from the left of a left join; a tag without items counts too
      "left join|true|SELECT t.label, max(i.v) AS top, count(*) AS n FROM rr_tag t LEFT JOIN rr_item i ON i.tag = t.id "
          + "GROUP BY t.label",
      // through a UNION ALL
      "union all|true|SELECT u.grp, max(u.v) AS top FROM (SELECT grp, v FROM rr_item UNION ALL "
          + "SELECT grp, v * 2 FROM rr_item WHERE v > 2) u GROUP BY u.grp",
      // a computed group column stays above the input: restricted as before
      "computed key|false|SELECT i.grp % 2 AS parity, max(i.v) AS top FROM rr_item i JOIN rr_tag t ON t.id = i.tag "
          + "GROUP BY i.grp % 2"})
  void groupsAggregatedAgainAreReadWhereTheirColumnsComeFrom(String name, boolean belowTheJoins, String sql,
      TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS rr_item, rr_tag",
          "CREATE TABLE rr_tag (id int PRIMARY KEY, label text)",
          "CREATE TABLE rr_item (id int PRIMARY KEY, grp int, tag int, v int)",
          "INSERT INTO rr_tag SELECT g, 'l' || (g % 3) FROM generate_series(1, 6) g",
          "INSERT INTO rr_tag VALUES (7, NULL)",
          "INSERT INTO rr_item SELECT g, g % 4, 1 + g % 7, g FROM generate_series(1, 40) g",
          "INSERT INTO rr_item VALUES (41, NULL, 2, 50), (42, 1, NULL, 60)");
      create(c, "rr_st", sql, Mode.DIFFERENTIAL);
      String program = text(c, "SELECT string_agg(array_to_string(p.step_sql, ' '), ' ') FROM freshet.refresh_programs p "
          + "JOIN freshet.stream_tables s ON s.id = p.stream_table_id WHERE s.table_name = 'rr_st' AND p.changed_mask <> 0");
      // the semi-join's column: a table's (below the joins) or the joined input's ("join", as before)
      java.util.regex.Matcher restricted = java.util.regex.Pattern.compile(
          "FROM \"__freshet_rescan\"\\s+WHERE \"([^\"]+)\"\\.").matcher(program);
      assertTrue(restricted.find(), "the program aggregates groups again: " + program);
      assertEquals(belowTheJoins, !restricted.group(1).equals("join"), restricted.group(1) + " in " + program);

      String[][] rounds = {
          {"DELETE FROM rr_item WHERE v IN (40, 39, 50)"}, // maxima leave, a NULL group's too
          {"UPDATE rr_item SET v = v - 30 WHERE v BETWEEN 34 AND 38"}, // maxima go down
          {"UPDATE rr_tag SET label = 'moved' WHERE id = 2", "DELETE FROM rr_tag WHERE id = 5"}, // the other side
          {"UPDATE rr_item SET grp = 3 WHERE grp = 2 AND v > 20", "INSERT INTO rr_item VALUES (43, 2, 7, 1)"},
          {"DELETE FROM rr_item WHERE grp = 1"}}; // a group empties
      for (String[] round : rounds) {
        exec(c, round);
        Oracle.refreshAndCheck(c, "rr_st", Mode.DIFFERENTIAL);
      }
      exec(c, "SET freshet.small_window_rows = 0", "UPDATE rr_item SET v = v + 100 WHERE id = 12",
          "DELETE FROM rr_item WHERE id = 12");
      Oracle.refreshAndCheck(c, "rr_st", Mode.DIFFERENTIAL); // the printed path, planned by PostgreSQL
      exec(c, "RESET freshet.small_window_rows");
      StreamTables.drop(c, "rr_st", false);
      exec(c, "DROP TABLE rr_item, rr_tag");
    }
  }
}
