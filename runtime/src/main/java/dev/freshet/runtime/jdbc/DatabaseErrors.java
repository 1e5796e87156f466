package dev.freshet.runtime.jdbc;

import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A database error in PostgreSQL's words, printed as psql prints one. pgjdbc's {@code getMessage()} is its own
 * rendering ({@code ERROR: division by zero} and the PL/pgSQL context, {@code Where: ... function
 * freshet.refresh_window line 33}): pasted into a Freshet message it read {@code error: ... ERROR: ...}.
 */
public final class DatabaseErrors {

  private DatabaseErrors() {
  }

  /**
   * The first line of an error: PostgreSQL's primary message when {@code e} is the server's error, else
   * {@code e}'s own message (Freshet's exceptions that wrap one build theirs from this, so hold no pgjdbc
   * rendering either).
   */
  public static String message(Throwable e) {
    if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null
        && psql.getServerErrorMessage().getMessage() != null) {
      return psql.getServerErrorMessage().getMessage();
    }
    // the driver's "The connection attempt failed." says no more; its cause says why, as psql would
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof java.net.UnknownHostException host && host.getMessage() != null) {
        String name = host.getMessage().replaceFirst(": .*$", ""); // some resolvers append their reason
        return "could not translate host name \"" + name + "\" to address: unknown host";
      }
    }
    return String.valueOf(e.getMessage());
  }

  /** The error PostgreSQL sent, if one is in {@code e}'s causes. */
  public static Optional<ServerErrorMessage> serverError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
        return Optional.of(psql.getServerErrorMessage());
      }
    }
    return Optional.empty();
  }

  /** The SQLSTATE of the first SQL error in {@code e}'s causes that has one. */
  public static Optional<String> sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return Optional.of(sql.getSQLState());
      }
    }
    return Optional.empty();
  }

  /**
   * The lines psql prints under an error, each on its own line after a newline: {@code DETAIL:}, {@code HINT:},
   * {@code SQLSTATE:} (psql's {@code \set VERBOSITY verbose} shows it in the first line; a line of its own is
   * easier to find), and, with {@code statement}, {@code STATEMENT:} with the statement Freshet ran, as the
   * server log shows it: Freshet's internal SQL, for {@code --verbose} only. Empty when {@code e} is not a
   * database error.
   */
  public static String fields(Throwable e, boolean statement) {
    StringBuilder out = new StringBuilder();
    serverError(e).ifPresent(server -> {
      field(out, "DETAIL", server.getDetail());
      field(out, "HINT", server.getHint());
    });
    field(out, "SQLSTATE", sqlState(e).orElse(null));
    for (Throwable t = e; statement && t != null; t = t.getCause()) {
      if (t instanceof FailedStatementException failed) {
        field(out, "STATEMENT", failed.statement());
        break;
      }
    }
    return out.toString();
  }

  /**
   * A {@code HINT:} and a {@code SQLSTATE:} line as {@link #fields(Throwable, boolean)} prints them, for an error
   * Freshet raises itself with a fix and a code (either may be null: no line).
   */
  public static String fields(String hint, String sqlState) {
    return fields(null, hint, sqlState);
  }

  /** {@link #fields(String, String)} with a {@code DETAIL:} line first ({@code detail} may be null: no line). */
  public static String fields(String detail, String hint, String sqlState) {
    StringBuilder out = new StringBuilder();
    field(out, "DETAIL", detail);
    field(out, "HINT", hint);
    field(out, "SQLSTATE", sqlState);
    return out.toString();
  }

  /** {@code message} and its {@link #fields}: what a command prints after {@code error: }. */
  public static String describe(Throwable e, boolean statement) {
    return message(e) + fields(e, statement);
  }

  private static void field(StringBuilder out, String label, String value) {
    if (value != null && !value.isBlank()) {
      out.append('\n').append(label).append(":  ").append(value.strip());
    }
  }
}
