package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.RefreshStepTime;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A window of only inserts or only deletes fills its change table without consolidating it (catalog V33): equal rows
 * stay apart, each of weight 1 or -1, and every consumer reads them as one row of their summed weight. Duplicate rows
 * of a keyless source, a join of two such windows, a bag, groups with MIN and a DISTINCT; a mixed window is still
 * consolidated. The oracle runs after every refresh.
 */
@PostgresTest
class SingleKindWindowScenarioTest {

  private static final String AS_IS = ", one kind of change (not consolidated)";

  /** The change-table steps of a profiled refresh of {@code name}, checked by the oracle. */
  private static List<String> changeTables(Connection c, String name) throws Exception {
    RefreshReport r = StreamTables.refresh(c, name, true, false);
    assertEquals(Mode.DIFFERENTIAL, r.modeUsed(), r.toString());
    Oracle.assertFresh(c, name);
    // small windows fill session tables (catalog V37), said after the rest: the same change table either way
    return r.profile().stream().map(RefreshStepTime::step).filter(s -> s.startsWith("change table of "))
        .map(s -> s.replace(" (session table, prepared)", "")).toList();
  }

  @Test
  void equalRowsOfOneKindStayApartAndCountAsTheirSum(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE sk_item (tag text, qty int)", "CREATE TABLE sk_tag (tag text, grp text)",
          "INSERT INTO sk_item VALUES ('a', 1), ('a', 1), ('b', 2)", "INSERT INTO sk_tag VALUES ('a', 'x'), ('b', 'y')");
      create(c, "sk_bag", "SELECT i.tag, i.qty, t.grp FROM sk_item i JOIN sk_tag t ON t.tag = i.tag", Mode.DIFFERENTIAL);
      create(c, "sk_groups", "SELECT t.grp, count(*) AS n, sum(i.qty) AS total, min(i.qty) AS least "
          + "FROM sk_item i JOIN sk_tag t ON t.tag = i.tag GROUP BY t.grp", Mode.DIFFERENTIAL);
      create(c, "sk_distinct", "SELECT DISTINCT tag, qty FROM sk_item", Mode.DIFFERENTIAL);
      List<String> all = List.of("sk_bag", "sk_groups", "sk_distinct");

      // inserts only, equal rows among them, on both sides of the join in one window
      inOneTransaction(c, "INSERT INTO sk_item VALUES ('a', 1), ('a', 1), ('a', 3), ('c', 5), ('c', 5)",
          "INSERT INTO sk_tag VALUES ('c', 'x'), ('c', 'x')");
      for (String name : all) {
        List<String> steps = changeTables(c, name);
        assertTrue(steps.contains("change table of \"public\".\"sk_item\": 5 rows" + AS_IS), name + ": " + steps);
      }

      // deletes only: equal rows leave together, MIN goes back up
      exec(c, "DELETE FROM sk_item WHERE tag = 'a' AND qty = 1", "DELETE FROM sk_tag WHERE tag = 'c'");
      for (String name : all) {
        List<String> steps = changeTables(c, name);
        assertTrue(steps.stream().allMatch(s -> s.endsWith(AS_IS)), name + ": " + steps);
      }

      // inserts and deletes in one window: consolidated, an insert and a delete of equal rows cancelling
      exec(c, "INSERT INTO sk_item VALUES ('b', 2), ('a', 7)", "DELETE FROM sk_item WHERE ctid = "
          + "(SELECT min(ctid) FROM sk_item WHERE tag = 'b')");
      for (String name : all) {
        List<String> steps = changeTables(c, name);
        assertEquals(List.of("change table of \"public\".\"sk_item\": 1 rows"), steps, name);
      }

      // an update is a delete and an insert: consolidated
      exec(c, "UPDATE sk_item SET qty = qty + 1 WHERE tag = 'a'");
      for (String name : all) {
        List<String> steps = changeTables(c, name);
        assertTrue(steps.stream().noneMatch(s -> s.endsWith(AS_IS)), name + ": " + steps);
      }
    }
  }
}
