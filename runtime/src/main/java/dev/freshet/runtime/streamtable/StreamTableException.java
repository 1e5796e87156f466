package dev.freshet.runtime.streamtable;

import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.UserException;

/** A stream table operation that cannot be done as asked; the message names the object and the fix. */
public class StreamTableException extends UserException {
  private static final long serialVersionUID = 1L;

  public StreamTableException(ExitCode exitCode, String message) {
    super(exitCode, message);
  }

  public StreamTableException(ExitCode exitCode, String message, Throwable cause) {
    super(exitCode, message, cause);
  }

  /** With the fix and the SQLSTATE printed under the message (see {@link UserException}). */
  public StreamTableException(ExitCode exitCode, String message, String hint, String sqlState) {
    super(exitCode, message, hint, sqlState);
  }

  /** With a {@code DETAIL:} line, the fix and the SQLSTATE printed under the message, and the cause. */
  public StreamTableException(ExitCode exitCode, String message, String detail, String hint, String sqlState,
      Throwable cause) {
    super(exitCode, message, detail, hint, sqlState, cause);
  }

  public StreamTableException(String message) {
    super(ExitCode.USAGE, message);
  }
}
