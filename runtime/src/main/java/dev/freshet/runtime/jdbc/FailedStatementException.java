package dev.freshet.runtime.jdbc;

import java.sql.SQLException;

/**
 * A statement Freshet ran failed: PostgreSQL's error as the cause, the statement kept beside it (not pasted into
 * the message), so that a failed refresh can be reproduced by hand and the message stays PostgreSQL's words.
 */
public final class FailedStatementException extends SQLException {
  private static final long serialVersionUID = 1L;

  private final String statement;

  public FailedStatementException(SQLException cause, String statement) {
    super(DatabaseErrors.message(cause), cause.getSQLState(), cause.getErrorCode(), cause);
    this.statement = statement;
  }

  /** The statement that failed, as sent. */
  public String statement() {
    return statement;
  }
}
