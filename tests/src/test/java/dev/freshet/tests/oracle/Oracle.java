package dev.freshet.tests.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTableVerifier;
import dev.freshet.runtime.streamtable.StreamTables;
import java.sql.Connection;
import java.sql.SQLException;

/** DESIGN.md §7, asserted: run after every refresh in every test. */
public final class Oracle {

  private Oracle() {
  }

  /** The stream table equals its query, no hidden count is impossible. */
  public static void assertFresh(Connection c, String name) throws SQLException {
    StreamTableVerifier.Verification v = StreamTableVerifier.verify(c, name);
    assertTrue(v.ok(), () -> name + ": " + v.summary() + "\nmissing: " + v.comparison().missing()
        + "\nextra: " + v.comparison().extra());
  }

  /** Refreshes, asserts the mode used, and runs the oracle. */
  public static RefreshReport refreshAndCheck(Connection c, String name, Mode expectedMode) throws SQLException {
    RefreshReport report = StreamTables.refresh(c, name);
    assertEquals(expectedMode, report.modeUsed(), () -> name + " refreshed " + report.modeUsed()
        + " instead of " + expectedMode + ": " + report);
    assertFresh(c, name);
    return report;
  }
}
