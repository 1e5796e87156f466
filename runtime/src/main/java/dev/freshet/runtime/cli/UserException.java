package dev.freshet.runtime.cli;

import java.util.Optional;

/**
 * An error the user can fix, printed as its message alone, with the exit status to return; one that Freshet
 * refuses as PostgreSQL reports an error (a stream table whose query no longer runs after DDL on its sources)
 * also carries the fix and a SQLSTATE, printed under it as {@code HINT:} and {@code SQLSTATE:} lines.
 */
public class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;
  private final String detail;
  private final String hint;
  private final String sqlState;

  public UserException(ExitCode exitCode, String message) {
    this(exitCode, message, null, null);
  }

  public UserException(ExitCode exitCode, String message, Throwable cause) {
    this(exitCode, message, null, null, null, cause);
  }

  /** With the fix ({@code hint}) and the {@code sqlState} to print under the message; either may be null. */
  public UserException(ExitCode exitCode, String message, String hint, String sqlState) {
    this(exitCode, message, null, hint, sqlState, null);
  }

  /**
   * With what more there is to know ({@code detail}, a {@code DETAIL:} line), the fix and the {@code sqlState}; any
   * of them, and {@code cause}, may be null.
   */
  public UserException(ExitCode exitCode, String message, String detail, String hint, String sqlState,
      Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.detail = detail;
    this.hint = hint;
    this.sqlState = sqlState;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  /** What more there is to know, printed on a line of its own ({@code DETAIL:  ...}) as PostgreSQL's detail is. */
  public Optional<String> detail() {
    return Optional.ofNullable(detail);
  }

  /** The fix, printed on a line of its own ({@code HINT:  ...}) as PostgreSQL's hint is. */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }

  /** The SQLSTATE Freshet gives this error (as {@code CALL freshet.refresh} raises the same error with). */
  public Optional<String> sqlState() {
    return Optional.ofNullable(sqlState);
  }
}
