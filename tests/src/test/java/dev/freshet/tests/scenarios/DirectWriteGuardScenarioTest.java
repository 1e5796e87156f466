package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Writes to a stream table that do not come from a refresh are refused (SQLSTATE FS004) with the
 * table's name and what to do instead; refreshes, from the command line's API or CALL, still write.
 */
@PostgresTest
class DirectWriteGuardScenarioTest {

  @Test
  void directWritesAreRefusedAndRefreshesStillWrite(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE src (id int PRIMARY KEY, g int)", "INSERT INTO src VALUES (1, 1), (2, 1), (3, 2)");
      create(c, "per_g", "SELECT g, count(*) AS n FROM src GROUP BY g", Mode.DIFFERENTIAL);
      create(c, "rows_of", "SELECT id, g FROM src", Mode.DIFFERENTIAL);
      // worded as PostgreSQL's "cannot insert into view", the name quoted as the command line prints it
      java.util.Map<String, String> refusals = new java.util.LinkedHashMap<>();
      refusals.put("INSERT INTO per_g (g, n) VALUES (9, 9)", "cannot insert into stream table \"public\".\"per_g\"");
      refusals.put("UPDATE per_g SET n = 0", "cannot update stream table \"public\".\"per_g\"");
      refusals.put("DELETE FROM rows_of WHERE id = 1", "cannot delete from stream table \"public\".\"rows_of\"");
      refusals.put("TRUNCATE rows_of", "cannot truncate stream table \"public\".\"rows_of\"");
      for (var write : refusals.entrySet()) {
        SQLException refused = assertThrows(SQLException.class, () -> exec(c, write.getKey()), write.getKey());
        assertEquals("FS004", refused.getSQLState(), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("ERROR: " + write.getValue()
            + ": its rows are maintained by Freshet from its defining query"), refused.getMessage());
      }
      assertEquals(List.of("1|2", "2|1"), rows(c, "SELECT g, n FROM per_g ORDER BY 1"));

      exec(c, "INSERT INTO src VALUES (4, 2)", "DELETE FROM src WHERE id = 1");
      Oracle.refreshAndCheck(c, "per_g", Mode.DIFFERENTIAL);
      exec(c, "CALL freshet.refresh('rows_of')");
      Oracle.assertFresh(c, "rows_of");
      assertEquals(List.of("1|1", "2|2"), rows(c, "SELECT g, n FROM per_g ORDER BY 1"));
      assertEquals(List.of("2|1", "3|2", "4|2"), rows(c, "SELECT id, g FROM rows_of ORDER BY 1"));
    }
  }
}
