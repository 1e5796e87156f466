package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * String constants are ordered by PostgreSQL's collation, not by Calcite's code units (red-team finding): the
 * planner's simplifier merged the ranges of comparisons with string constants in Java's order, so
 * {@code name BETWEEN 'a' AND 'Z'} under an ICU collation (where 'a' sorts before 'Z') was planned as no rows,
 * {@code c >= 'a ' AND c <= 'a'} over {@code char(3)} (trailing blanks ignored) too, and of {@code name > 'b' AND
 * name > 'B'} one comparison was dropped. Each query is created over an empty table (the check at create compares
 * nothing), then rows come, change and go, and the oracle checks every refresh; each query must have rows on the
 * data (no test passes on an empty result).
 */
@PostgresTest
class CollatedStringConstantScenarioTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT id, name FROM cs WHERE name BETWEEN 'a' AND 'Z'",
      "SELECT id FROM cs WHERE c >= 'a ' AND c <= 'a'",
      "SELECT id, name FROM cs WHERE name > 'b' AND name > 'B'",
      "SELECT name, count(*) AS n FROM cs WHERE name < 'b' OR name < 'B' GROUP BY name",
      "SELECT id, u FROM cs WHERE u > '\uFFFC' AND u < '\uD83D\uDE00\uD83D\uDE00'",
      "SELECT id, '\uFFFC' < '\uD83D\uDE00' AS lt, 'a' < 'B' AS ab, 'b ' > 'b' AS blank FROM cs"})
  void stringConstantsAreOrderedByTheCollation(String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS cs",
          "CREATE TABLE cs (id int PRIMARY KEY, name text COLLATE \"und-x-icu\", c char(3), u text COLLATE \"C\")");
      StreamTables.create(c, "st", sql, Mode.DIFFERENTIAL, null);
      exec(c, "INSERT INTO cs VALUES (1, 'apple', 'a', '\uD83D\uDE00'), (2, 'Banana', 'a  ', 'z'), "
          + "(3, 'banana', 'b', '\uFFFD'), (4, 'Apple', 'ab', 'a'), (5, 'cherry', NULL, NULL)");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertTrue(!rows(c, "SELECT 1 FROM st").isEmpty(), "the query has rows on this data: " + sql);
      exec(c, "UPDATE cs SET name = 'Zebra', c = 'a' WHERE id = 5", "DELETE FROM cs WHERE id = 1",
          "INSERT INTO cs VALUES (6, 'avocado', 'a ', '\uFFFE')", "UPDATE cs SET u = 'b' WHERE id = 3");
      Oracle.refreshAndCheck(c, "st", Mode.DIFFERENTIAL);
      assertEquals(1, StreamTables.drop(c, "st", false).size());
    }
  }
}
