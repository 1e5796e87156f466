package dev.freshet.planner;

/** The query is not valid SQL for this database: a syntax error, an unknown table or column, a type error. */
public final class InvalidQueryException extends QueryException {
  private static final long serialVersionUID = 1L;

  private final boolean syntax;

  public InvalidQueryException(String message, String sql, SourcePosition position, boolean syntax,
      Throwable cause) {
    super(message, sql, position, cause);
    this.syntax = syntax;
  }

  @Override
  public String kind() {
    return syntax ? "syntax" : "invalid";
  }

  /** PostgreSQL's words alone: {@code error: column "a" does not exist}, not {@code error: invalid: column ...}. */
  @Override
  protected boolean kindShown() {
    return false;
  }
}
