package dev.freshet.runtime.streamtable;

import dev.freshet.runtime.cli.ExitCode;

/**
 * A refresh of the stream table is running in another session (refreshes of one stream table never
 * overlap): not a failure of the stream table, so the service skips it until its next pass.
 */
public final class RefreshRunningException extends StreamTableException {
  private static final long serialVersionUID = 1L;

  RefreshRunningException(QualifiedName target) {
    super(ExitCode.DATABASE, "a refresh of " + target + " is already running in another session; wait for it "
        + "to finish (refreshes of one stream table never overlap)");
  }
}
