package dev.freshet.runtime.streamtable;

import dev.freshet.runtime.cli.ExitCode;
import java.sql.SQLException;

/**
 * A refresh of the stream table is running in another session (refreshes of one stream table never
 * overlap): not a failure of the stream table, so the service skips it until its next pass. It carries
 * SQLSTATE {@value #SQLSTATE} (lock_not_available), as {@code CALL freshet.refresh} raises it, so that the
 * command line prints it under the message as it does a database error's.
 */
public final class RefreshRunningException extends StreamTableException {
  private static final long serialVersionUID = 1L;

  /** PostgreSQL's lock_not_available, the code the refresh procedure raises this with (catalog V4). */
  public static final String SQLSTATE = "55P03";

  RefreshRunningException(QualifiedName target) {
    this("a refresh of " + target + " is already running in another session; wait for it "
        + "to finish (refreshes of one stream table never overlap)");
  }

  private RefreshRunningException(String message) {
    super(ExitCode.DATABASE, message, new SQLException(message, SQLSTATE));
  }
}
