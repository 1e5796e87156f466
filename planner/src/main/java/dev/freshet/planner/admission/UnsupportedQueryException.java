package dev.freshet.planner.admission;

import dev.freshet.planner.QueryException;

/** The query is valid, but Freshet cannot plan or maintain it as asked; carries the {@link Refusal}. */
public final class UnsupportedQueryException extends QueryException {
  private static final long serialVersionUID = 1L;

  private final transient Refusal refusal;

  public UnsupportedQueryException(Refusal refusal, String sql) {
    this(refusal, sql, null);
  }

  public UnsupportedQueryException(Refusal refusal, String sql, Throwable cause) {
    super(refusal.reason().code() + ": " + refusal.message()
        + (refusal.fix().isEmpty() ? "" : "\n  fix: " + refusal.fix()), sql, refusal.position(), cause);
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }

  @Override
  public String kind() {
    return "unsupported";
  }
}
