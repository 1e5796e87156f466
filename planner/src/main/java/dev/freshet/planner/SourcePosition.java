package dev.freshet.planner;

import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A range in the text of a defining query, 1-based as editors and PostgreSQL count. {@link #UNKNOWN}
 * when a construct has no position (e.g. it was created by a rewrite).
 */
public record SourcePosition(int line, int column, int endLine, int endColumn) {

  public static final SourcePosition UNKNOWN = new SourcePosition(0, 0, 0, 0);

  public SourcePosition {
    if (line < 0 || column < 0 || endLine < 0 || endColumn < 0) {
      throw new IllegalArgumentException("negative position");
    }
  }

  public static SourcePosition of(SqlParserPos pos) {
    if (pos == null || pos.getLineNum() <= 0) {
      return UNKNOWN;
    }
    return new SourcePosition(pos.getLineNum(), pos.getColumnNum(),
        Math.max(pos.getEndLineNum(), pos.getLineNum()), Math.max(pos.getEndColumnNum(), 0));
  }

  public boolean isKnown() {
    return line > 0;
  }

  @Override
  public String toString() {
    return isKnown() ? "line " + line + ", column " + column : "unknown position";
  }

  /** The 0-based offset in {@code text} of this range's first character. */
  public int startOffset(String text) {
    return offset(text, line, column);
  }

  /** The 0-based offset in {@code text} of this range's last character. */
  public int endOffset(String text) {
    return offset(text, endLine, endColumn);
  }

  /** 0-based offset of a 1-based line and column in {@code s} (a column of 0 counts as 1). */
  public static int offset(String s, int line, int column) {
    int offset = 0;
    for (int l = 1; l < line && offset < s.length(); l++) {
      int newline = s.indexOf('\n', offset);
      if (newline < 0) {
        break;
      }
      offset = newline + 1;
    }
    return Math.max(0, Math.min(s.length() - 1, offset + Math.max(column, 1) - 1));
  }
}
