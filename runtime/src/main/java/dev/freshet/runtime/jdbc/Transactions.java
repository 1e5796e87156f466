package dev.freshet.runtime.jdbc;

import dev.freshet.codegen.program.RefreshSessionSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Starts a transaction at a given isolation level with nothing outliving it on the server connection.
 *
 * <p>JDBC's {@code setTransactionIsolation} is a session setting (pgjdbc sends {@code SET SESSION
 * CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL …} outside any transaction); behind a connection pooler
 * in transaction mode (PgBouncer) that lands on whichever server connection is free then, and the next
 * transaction may run on another one, at the server's default level. A refresh read at READ COMMITTED
 * would see the sources move under its window. So the level is set by the transaction's first statement,
 * {@code SET TRANSACTION ISOLATION LEVEL}, which holds wherever the transaction runs.
 */
public final class Transactions {

  private Transactions() {
  }

  /**
   * Ends auto-commit on {@code c} (which must be in auto-commit mode, outside a transaction) and starts a
   * transaction at {@code isolation} ({@link Connection#TRANSACTION_READ_COMMITTED},
   * {@link Connection#TRANSACTION_REPEATABLE_READ} or {@link Connection#TRANSACTION_SERIALIZABLE}).
   * The caller commits or rolls back; the next transaction on {@code c} starts with {@link #begin} again.
   */
  public static void begin(Connection c, int isolation) throws SQLException {
    c.setAutoCommit(false);
    setIsolation(c, isolation);
  }

  /**
   * Sets the isolation of the transaction {@code c} is about to start (no statement of it may have run
   * yet): pgjdbc begins it with this statement.
   */
  public static void setIsolation(Connection c, int isolation) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(RefreshSessionSql.setIsolation(levelName(isolation)));
    }
  }

  private static String levelName(int isolation) {
    return switch (isolation) {
      case Connection.TRANSACTION_READ_COMMITTED -> "READ COMMITTED";
      case Connection.TRANSACTION_REPEATABLE_READ -> "REPEATABLE READ";
      case Connection.TRANSACTION_SERIALIZABLE -> "SERIALIZABLE";
      default -> throw new IllegalArgumentException("unsupported isolation level " + isolation);
    };
  }
}
