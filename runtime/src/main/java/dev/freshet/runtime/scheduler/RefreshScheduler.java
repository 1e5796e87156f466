package dev.freshet.runtime.scheduler;

import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decides which stream tables are due and refreshes them, upstream before downstream. One pass is
 * {@link #runDue}; {@code freshet service} calls it in a loop. A failing refresh is reported and
 * recorded (status ERROR) and does not stop the others.
 */
public final class RefreshScheduler {

  private RefreshScheduler() {
  }

  /** The outcome of one refresh attempt in a pass. */
  public record Attempt(String name, RefreshReport report, Exception error) {
  }

  /** Refreshes every scheduled stream table whose interval has elapsed since its last refresh. */
  public static List<Attempt> runDue(Connection c, OffsetDateTime now, Consumer<Attempt> progress)
      throws SQLException {
    List<Attempt> attempts = new ArrayList<>();
    for (StoredStreamTable st : StreamTables.inRefreshOrder(c)) {
      if (st.schedule().isEmpty()) {
        continue;
      }
      Duration interval = Schedule.parse(st.schedule().get()).interval();
      boolean due = st.lastRefreshAt().map(last -> !last.plus(interval).isAfter(now)).orElse(true);
      if (!due) {
        continue;
      }
      Attempt attempt;
      try {
        attempt = new Attempt(st.name().toString(), StreamTables.refresh(c, st.name().toString()), null);
      } catch (SQLException | RuntimeException e) {
        if (c.isClosed() || !c.isValid(5)) {
          throw e; // the connection is gone: the caller reconnects, the rest wait for the next pass
        }
        attempt = new Attempt(st.name().toString(), null, e);
      }
      attempts.add(attempt);
      progress.accept(attempt);
    }
    return attempts;
  }
}
