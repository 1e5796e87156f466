package dev.freshet.runtime.scheduler;

import dev.freshet.runtime.streamtable.BufferCleanupException;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.RefreshRunningException;
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
 * {@link #runDue}; {@code freshet service} calls it in a loop. A stream table whose refresh takes longer
 * than half its interval is refreshed less often ({@link #paced}) until its refreshes are quick again. A failing refresh is reported and
 * recorded (status ERROR) and does not stop the others. After a failure the stream table waits longer
 * before each new attempt ({@link #backoff}); after {@code maxFailures} consecutive failures it is
 * suspended (status SUSPENDED) until {@code freshet resume} or a manual refresh that succeeds.
 */
public final class RefreshScheduler {

  /** The longest wait between two attempts of a failing stream table. */
  public static final Duration MAX_BACKOFF = Duration.ofHours(1);

  /** Consecutive failures after which the service suspends a stream table, unless told otherwise. */
  public static final int DEFAULT_MAX_FAILURES = 5;

  private RefreshScheduler() {
  }

  /**
   * The outcome of one refresh attempt in a pass: a report; or the error, the number of failures in a
   * row, and whether this one suspended the stream table; or {@code busy}, neither, when another
   * session was refreshing it (another service): not a failure, it is due again at the next pass. With a report,
   * {@code cleanupFailure} says that cleaning up a change buffer failed after the refresh was committed (its own
   * buffers', or for the last of those refreshed together, the group's): not the stream table's failure, since it
   * is fresh, but worth saying, since a buffer no cleanup can empty keeps growing.
   */
  public record Attempt(String name, RefreshReport report, Exception error, int consecutiveFailures,
      boolean suspended, boolean busy, SQLException cleanupFailure) {

    /** An attempt without a cleanup failure. */
    public Attempt(String name, RefreshReport report, Exception error, int consecutiveFailures, boolean suspended,
        boolean busy) {
      this(name, report, error, consecutiveFailures, suspended, busy, null);
    }
  }

  /** {@link #runDue(Connection, OffsetDateTime, int, Consumer)} with {@link #DEFAULT_MAX_FAILURES}. */
  public static List<Attempt> runDue(Connection c, OffsetDateTime now, Consumer<Attempt> progress)
      throws SQLException {
    return runDue(c, now, DEFAULT_MAX_FAILURES, progress);
  }

  /**
   * Refreshes every scheduled stream table whose interval has elapsed since its last refresh and, for
   * one whose last refreshes failed, whose back-off has elapsed since its last failure.
   */
  public static List<Attempt> runDue(Connection c, OffsetDateTime now, int maxFailures, Consumer<Attempt> progress)
      throws SQLException {
    // what decides which are due, read for all in one statement: a pass with nothing due sends no other
    return runDue(c, StreamTables.scheduledInRefreshOrder(c), now, maxFailures, progress);
  }

  /**
   * {@link #runDue(Connection, OffsetDateTime, int, Consumer)} over {@code all}, the stream tables as {@link
   * StreamTables#scheduledInRefreshOrder} read them for this pass.
   */
  public static List<Attempt> runDue(Connection c, List<StreamTables.Scheduled> all, OffsetDateTime now,
      int maxFailures, Consumer<Attempt> progress) throws SQLException {
    List<StoredStreamTable> due = new ArrayList<>();
    for (StreamTables.Scheduled scheduled : all) {
      StoredStreamTable st = scheduled.table();
      if (st.schedule().isEmpty() || st.status().equals(StreamTables.SUSPENDED)) {
        continue;
      }
      Duration interval = paced(Schedule.parse(st.schedule().get()).interval(), scheduled.lastRefreshDuration());
      boolean isDue = st.lastRefreshAt().map(last -> !last.plus(interval).isAfter(now)).orElse(true);
      StreamTables.Failures failures = scheduled.failures();
      if (failures.count() > 0) {
        isDue = !failures.last().plus(backoff(interval, failures.count())).isAfter(now);
      }
      if (isDue) {
        due.add(st);
      }
    }
    // the pass's stream tables refreshed together, each source's window read once (catalog V41); those it leaves (one
    // reading another of the pass, a refresh that failed there) alone after it, as before. A buffer's cleanup that
    // failed after its commit is not any one's failure (the next cleanup deletes what it left): it is told with the
    // last of the group's refreshes, or with the refresh alone it followed
    List<String> names = due.stream().map(st -> st.name().toString()).toList();
    StreamTables.Together together = names.size() > 1 ? StreamTables.refreshTogether(c, names, false, false)
        : StreamTables.Together.none(names.size());
    int lastTogether = -1;
    for (int i = 0; i < names.size(); i++) {
      lastTogether = together.reports().get(i).isPresent() ? i : lastTogether;
    }
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < due.size(); i++) {
      StoredStreamTable st = due.get(i);
      String name = names.get(i);
      Attempt attempt;
      try {
        attempt = together.reports().get(i).isPresent()
            ? new Attempt(name, together.reports().get(i).get(), null, 0, false, false,
                i == lastTogether ? together.cleanupFailure().orElse(null) : null)
            : new Attempt(name, StreamTables.refresh(c, name), null, 0, false, false);
      } catch (BufferCleanupException e) {
        attempt = new Attempt(name, e.report(), null, 0, false, false, e);
      } catch (RefreshRunningException e) {
        attempt = new Attempt(name, null, null, 0, false, true);
      } catch (SQLException | RuntimeException e) {
        if (c.isClosed() || !c.isValid(5)) {
          throw e; // the connection is gone: the caller reconnects, the rest wait for the next pass
        }
        int count = StreamTables.consecutiveFailures(c, st.id()).count();
        boolean suspend = count >= maxFailures && StreamTables.suspend(c, st.id());
        attempt = new Attempt(name, null, e, count, suspend, false);
      }
      attempts.add(attempt);
      progress.accept(attempt);
    }
    return attempts;
  }

  /**
   * The interval a stream table is refreshed at: its schedule's, doubled until it is at least twice its
   * last refresh's duration (at most {@link #MAX_BACKOFF}, or the schedule's when longer). A stream table
   * whose refresh takes longer than its interval would otherwise be due again as soon as it is done, always
   * late, and take the whole service; as its refreshes get quicker, its interval comes back to the schedule.
   */
  public static Duration paced(Duration interval, java.util.Optional<Duration> lastRefresh) {
    if (lastRefresh.isEmpty()) {
      return interval;
    }
    Duration cap = interval.compareTo(MAX_BACKOFF) > 0 ? interval : MAX_BACKOFF;
    Duration wanted = lastRefresh.get().multipliedBy(2);
    Duration paced = interval;
    while (paced.compareTo(wanted) < 0 && paced.compareTo(cap) < 0) {
      paced = paced.multipliedBy(2);
    }
    return paced.compareTo(cap) > 0 ? cap : paced;
  }

  /**
   * How long a stream table that failed {@code failures} times in a row waits after its last failure:
   * its interval, doubled for every failure after the first, at most {@link #MAX_BACKOFF} (or the
   * interval, when that is longer: a daily stream table is not retried more often than daily).
   */
  public static Duration backoff(Duration interval, int failures) {
    Duration cap = interval.compareTo(MAX_BACKOFF) > 0 ? interval : MAX_BACKOFF;
    Duration wait = interval;
    for (int i = 1; i < failures && wait.compareTo(cap) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(cap) > 0 ? cap : wait;
  }
}
