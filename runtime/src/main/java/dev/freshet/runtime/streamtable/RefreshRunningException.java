package dev.freshet.runtime.streamtable;

import dev.freshet.runtime.cli.ExitCode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A refresh of the stream table is running in another session (refreshes of one stream table never
 * overlap): not a failure of the stream table, so the service skips it until its next pass. It carries
 * SQLSTATE {@value #SQLSTATE} (lock_not_available), as {@code CALL freshet.refresh} raises it, with its message and
 * its hint when no session is seen holding the lock. When one is, its {@code DETAIL:} names that session (a
 * {@code freshet refresh} killed with {@code kill -9} leaves its session refreshing on the server until its
 * statement ends) and its {@code HINT:} how to stop it.
 */
public final class RefreshRunningException extends StreamTableException {
  private static final long serialVersionUID = 1L;

  /** PostgreSQL's lock_not_available, the code the refresh procedure raises this with (catalog V4). */
  public static final String SQLSTATE = "55P03";

  /** The hint of {@code CALL freshet.refresh} (catalog V4), when no session is seen holding the lock. */
  private static final String WAIT = "wait for it to finish: refreshes of one stream table never overlap";

  /**
   * The session holding the refresh lock, as {@code pg_stat_activity} shows it to this role: the rest may be
   * unknown for another role's session.
   *
   * @param since when its transaction began; {@code ago} how long before now
   */
  public record Holder(int pid, Optional<String> applicationName, Optional<String> role, Optional<String> since,
      Optional<String> ago, Optional<String> state) {
  }

  RefreshRunningException(QualifiedName target, Optional<Holder> holder) {
    this("a refresh of " + target + " is already running in another session", holder.map(
        RefreshRunningException::detail).orElse(null), holder.map(RefreshRunningException::hint).orElse(WAIT));
  }

  private RefreshRunningException(String message, String detail, String hint) {
    super(ExitCode.DATABASE, message, detail, hint, SQLSTATE, new SQLException(message, SQLSTATE));
  }

  private static String detail(Holder holder) {
    List<String> about = new ArrayList<>();
    holder.applicationName().filter(name -> !name.isEmpty())
        .ifPresent(name -> about.add("application_name " + quoted(name)));
    holder.role().ifPresent(role -> about.add("role " + quoted(role)));
    holder.since().ifPresent(since -> about.add("in a transaction begun at " + since
        + holder.ago().map(ago -> ", " + ago + " ago").orElse("")));
    holder.state().ifPresent(state -> about.add(state));
    return "the session of server process " + holder.pid() + " holds its refresh lock"
        + (about.isEmpty() ? "" : " (" + String.join(", ", about) + ")")
        + ". A client killed or cut off while it refreshed (kill -9 of freshet refresh) leaves its session running "
        + "the refresh on the server until PostgreSQL notices the client is gone, at the end of its current "
        + "statement at the latest";
  }

  private static String hint(Holder holder) {
    return "wait for it to finish (refreshes of one stream table never overlap); if its client is gone, stop it "
        + "from psql, as its role or a superuser: SELECT pg_cancel_backend(" + holder.pid() + ") cancels its "
        + "statement, SELECT pg_terminate_backend(" + holder.pid() + ") ends its session";
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\"", "\"\"") + "\"";
  }
}
