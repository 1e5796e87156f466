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
}
