package dev.freshet.codegen.program;

/**
 * The statements a refresh's transactions run around its program: its isolation, its lock, its commit.
 * All are transaction-scoped, so nothing outlives a transaction on the server connection (a pooler in
 * transaction mode may give the next one another connection).
 */
public final class RefreshSessionSql {

  private RefreshSessionSql() {
  }

  /** The isolation of the transaction about to start; its first statement. {@code level}: e.g. REPEATABLE READ. */
  public static String setIsolation(String level) {
    return "SET TRANSACTION ISOLATION LEVEL " + level;
  }

  /**
   * Takes the refresh lock ({@code $1} the key class, {@code $2} the stream table's id) for the transaction
   * without waiting; returns whether it was granted and the transaction's isolation.
   */
  public static final String TRY_REFRESH_LOCK =
      "SELECT pg_try_advisory_xact_lock(?, ?), current_setting('transaction_isolation')";

  /** {@link #TRY_REFRESH_LOCK}, waiting for the lock: granted (true) once it returns. */
  public static final String WAIT_FOR_REFRESH_LOCK =
      "SELECT true, current_setting('transaction_isolation') FROM pg_advisory_xact_lock(?, ?)";

  /** A commit that need not wait for the WAL flush: for a refresh that read and changed nothing. */
  public static final String RELAXED_COMMIT = "SET LOCAL synchronous_commit TO off";
}
