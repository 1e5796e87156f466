package dev.freshet.runtime.streamtable;

import java.sql.SQLException;

/**
 * A refresh was committed, and the cleanup of a change buffer after it failed (a lock or statement timeout, the
 * connection cut): the stream table is fresh and nothing is recorded as failed; the rows the cleanup left are
 * deleted by the next cleanup of that buffer. It carries the committed refresh's {@link #report() report}, so that a
 * caller can say what was refreshed before it says what failed, and the cleanup's SQLSTATE. The message is the one
 * {@code CALL freshet.refresh} raises for it ({@code freshet.clean_up_buffers}, catalog V31).
 */
public final class BufferCleanupException extends SQLException {
  private static final long serialVersionUID = 1L;

  private final transient RefreshReport report;

  BufferCleanupException(String message, String sqlState, RefreshReport report) {
    super(message, sqlState);
    this.report = report;
  }

  /** The failure of the cleanup of {@code source}'s buffer after {@code report}'s refresh, from its cause. */
  static BufferCleanupException of(String source, SQLException cause, RefreshReport report) {
    BufferCleanupException e = new BufferCleanupException(message(source, cause.getMessage()), cause.getSQLState(),
        report);
    e.initCause(cause);
    return e;
  }

  /** The words of {@code freshet.clean_up_buffers} for a cleanup of {@code source}'s buffer that failed. */
  static String message(String source, String failure) {
    return "the refresh is committed, but cleaning up the change buffer of " + source + " failed: " + failure;
  }

  /** The refresh that was committed before the cleanup failed. */
  public RefreshReport report() {
    return report;
  }
}
