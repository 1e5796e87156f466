package dev.freshet.tests.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.math.BigDecimal;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * A change of weight 2 to a large integer value: value × weight exceeds the integer range, as SUM's
 * own bigint result does not. The delta must be computed without overflowing.
 */
@PostgresTest
class IntegerSumOverflowTest {

  @Test
  void sumOfLargeIntegersWithRepeatedRows(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE big (g int, v int)", "INSERT INTO big VALUES (1, 5)");
    try (Connection c = db.connect()) {
      StreamTables.create(c, "big_sums", "SELECT g, sum(v) AS s, count(*) AS n FROM big GROUP BY g",
          Mode.DIFFERENTIAL, null);
      db.execute("INSERT INTO big VALUES (1, 2000000000), (1, 2000000000), (1, 2000000000)");
      Oracle.refreshAndCheck(c, "big_sums", Mode.DIFFERENTIAL);
      assertEquals(new BigDecimal("6000000005"), new BigDecimal(db.scalar("SELECT s FROM big_sums").toString()));
      db.execute("DELETE FROM big WHERE v = 2000000000");
      Oracle.refreshAndCheck(c, "big_sums", Mode.DIFFERENTIAL);
      assertEquals(5L, ((Number) db.scalar("SELECT s FROM big_sums")).longValue());
    }
  }
}
