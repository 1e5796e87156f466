package dev.freshet.runtime.cli;

/** An error the user can fix, printed as its message alone, with the exit status to return. */
public class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;

  public UserException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public UserException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
