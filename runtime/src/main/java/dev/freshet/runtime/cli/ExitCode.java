package dev.freshet.runtime.cli;

/** Process exit statuses of the {@code freshet} command; scripts act on these. */
public enum ExitCode {
  OK(0),
  /** A check found a difference (e.g. {@code verify}). */
  DIFFERENT(1),
  /** The command line was wrong: unknown option, missing argument. */
  USAGE(2),
  /** The query or object was refused (unsupported construct, missing table, ...). */
  REFUSED(3),
  /** The database could not be reached or answered with an error. */
  DATABASE(4),
  /** Anything else: a bug in Freshet. */
  INTERNAL(70);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
