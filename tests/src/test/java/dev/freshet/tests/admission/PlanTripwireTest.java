package dev.freshet.tests.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.FaultInjection;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The check at create (FR009): with the nested-EXISTS planner bug planted again, its wrong plan
 * ({@code a ⋈ VALUES(true)}) is admitted as DIFFERENTIAL, but on data where it shows (b empty) the
 * plan's rows differ from the query's, so DIFFERENTIAL is refused and AUTO runs the query as written.
 */
@PostgresTest
class PlanTripwireTest {

  private static final String NESTED_EXISTS =
      "SELECT a.j FROM a WHERE EXISTS (SELECT 1 FROM a a2 WHERE EXISTS (SELECT 1 FROM b WHERE a2.i = b.i))";

  @BeforeAll
  static void schema(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE a (i int, j int)", "CREATE TABLE b (i int, k int)",
        "INSERT INTO a VALUES (1, 10), (2, 20), (3, 30)");
  }

  @Test
  void aPlanThatDisagreesWithItsQueryIsNeverMaintained(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); AutoCloseable planted = FaultInjection.plant(
        FaultInjection.Fault.CONSTANT_KEYS_UNGUARDED)) {
      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> StreamTables.create(c, "r1", NESTED_EXISTS, Mode.DIFFERENTIAL, null));
      assertEquals("FR009", refused.refusal().reason().code(), refused.render());
      assertTrue(refused.getMessage().contains("3 rows differ"), refused.getMessage());
      assertTrue(db.query("SELECT 1 FROM pg_class WHERE relname = 'r1'").isEmpty(), "nothing left behind");

      StoredStreamTable auto = StreamTables.create(c, "r1", NESTED_EXISTS, Mode.AUTO, null);
      assertEquals(Mode.FULL, auto.effectiveMode());
      assertTrue(auto.fallbackReason().orElseThrow().startsWith("FR009"), auto.fallbackReason().orElseThrow());
      Oracle.assertFresh(c, "r1");
      db.execute("INSERT INTO b VALUES (1, 101)");
      Oracle.refreshAndCheck(c, "r1", Mode.FULL);
      db.execute("DELETE FROM b");
      Oracle.refreshAndCheck(c, "r1", Mode.FULL);
      StreamTables.drop(c, "r1", false);
    }
  }

  /**
   * Without the planted bug the same query passes the check and is maintained differentially: the
   * inner EXISTS's distinct keys and the outer EXISTS's row count are state tables.
   */
  @Test
  void aCorrectPlanPassesTheCheck(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      StoredStreamTable st = StreamTables.create(c, "r2", NESTED_EXISTS, Mode.DIFFERENTIAL, null);
      assertEquals(Mode.DIFFERENTIAL, st.effectiveMode());
      Oracle.assertFresh(c, "r2");
      db.execute("INSERT INTO b VALUES (2, 102)");
      Oracle.refreshAndCheck(c, "r2", Mode.DIFFERENTIAL);
      db.execute("DELETE FROM b");
      Oracle.refreshAndCheck(c, "r2", Mode.DIFFERENTIAL);
      StreamTables.drop(c, "r2", false);
    }
  }
}
