package dev.freshet.planner;

import java.util.Objects;

/**
 * A defining query that Freshet cannot plan, with the position of the offending construct.
 * {@link #render()} prints it the way a compiler would: the message, the source line, a caret.
 */
public abstract class QueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String sql;
  private final SourcePosition position;

  protected QueryException(String message, String sql, SourcePosition position, Throwable cause) {
    super(message, cause);
    this.sql = Objects.requireNonNull(sql, "sql");
    this.position = Objects.requireNonNull(position, "position");
  }

  public String sql() {
    return sql;
  }

  public SourcePosition position() {
    return position;
  }

  /** A one-word kind: "syntax", "invalid", "unsupported". */
  public abstract String kind();

  /**
   * Whether {@link #render()} shows {@link #kind()} before the message. A refusal does ({@code unsupported:
   * FR005: ...}: the query is valid, Freshet will not maintain it so); a query PostgreSQL itself rejects does
   * not, and reads as psql prints it ({@code error: column "a" does not exist}).
   */
  protected boolean kindShown() {
    return true;
  }

  /** The message with its position and, when known, the source line underlined. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("error: ").append(kindShown() ? kind() + ": " : "").append(getMessage());
    if (position.isKnown()) {
      out.append("\n  --> query:").append(position.line()).append(':').append(position.column());
      String[] lines = sql.split("\r?\n", -1);
      if (position.line() <= lines.length) {
        String text = lines[position.line() - 1];
        out.append("\n   | ").append(text);
        int start = Math.max(1, position.column());
        int end = position.endLine() == position.line() && position.endColumn() >= start
            ? position.endColumn() : start;
        end = Math.min(end, Math.max(start, text.length()));
        // Positions count characters; the caret goes under the cells they take (wide characters, tabs).
        int from = Math.min(start - 1, text.length());
        int to = Math.min(end, text.length());
        out.append("\n   | ").append(DisplayWidth.blanksFor(text.substring(0, from)))
            .append("^".repeat(Math.max(1, to > from ? DisplayWidth.of(text.substring(from, to)) : 1)));
      }
    }
    return out.toString();
  }
}
