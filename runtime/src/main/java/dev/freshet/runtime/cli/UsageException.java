package dev.freshet.runtime.cli;

/**
 * The command line is wrong in a way picocli cannot check itself: an option's value out of range, two options
 * that exclude each other. Printed as picocli's own usage errors are: one line saying what is wrong, then where
 * the help is ({@code see 'freshet CMD --help'}); exit status 2.
 */
public class UsageException extends UserException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(ExitCode.USAGE, message);
  }
}
