package dev.freshet.codegen.sql;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Delta terms that a refresh may leave out, marked in a statement's text, and the statement cut into the
 * pieces that {@code freshet.refresh_window} puts together again without the terms it leaves out.
 *
 * <p>A program printed for several changed sources is exact for any subset of them (the others' change tables
 * are empty), but PostgreSQL plans every term of it: TPC-H Q8's program for its seven sources has 127 terms and
 * takes half a second to plan when three of them changed. So each branch of a UNION ALL of terms but the first
 * is printed between two comments, {@code UNION ALL /*+Δ12*}{@code / SELECT … /*-Δ*}{@code /}, the first naming
 * the sources (a mask of their ordinals, {@code RequiredChanges}) without whose change the branch is empty. The
 * text stays one statement that runs as it is; {@link #pieces} cuts it at the comments, each piece with the
 * sources it needs (its own and those of the branches around it), and a refresh keeps the pieces whose
 * sources all changed. The first branch of each UNION stays whatever changed, so no UNION is left without one.
 */
public final class DeltaTermMarks {

  private DeltaTermMarks() {
  }

  /** A piece of a statement: its text, kept by a refresh when every source in {@code requires} changed. */
  public record Piece(long requires, String sql) {
  }

  private static final String BEGIN = "/*+Δ";
  private static final String END = "/*-Δ*/";
  private static final Pattern MARK = Pattern.compile("/\\*\\+Δ(\\d+)\\*/|/\\*-Δ\\*/");
  /** What precedes a marked branch: the UNION ALL it is one side of, which goes with it. */
  private static final Pattern UNION_ALL_BEFORE = Pattern.compile("\\s*UNION ALL\\s*$");

  /** The operator of a marked branch: prints the branch between its two comments, as it is otherwise. */
  private static final SqlSpecialOperator TERM = new SqlSpecialOperator("DELTA_TERM", SqlKind.OTHER, 1000, true,
      null, null, null) {
    @Override
    public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      writer.print(BEGIN + ((SqlLiteral) call.operand(1)).bigDecimalValue().longValueExact() + "*/");
      writer.setNeedWhitespace(true);
      call.operand(0).unparse(writer, leftPrec, rightPrec);
      writer.print(" " + END);
      writer.setNeedWhitespace(true);
    }
  };

  /** {@code branch}, printed between the comments saying it is empty unless the sources in {@code requires} changed. */
  public static SqlNode mark(SqlNode branch, long requires) {
    return TERM.createCall(SqlParserPos.ZERO, branch, SqlLiteral.createExactNumeric(Long.toString(requires),
        SqlParserPos.ZERO));
  }

  /** True if {@code node} is a branch {@link #mark} marked. */
  public static boolean isMarked(SqlNode node) {
    return node instanceof SqlCall call && call.getOperator() == TERM;
  }

  /**
   * {@code sql} cut at its marks: a piece for the text before, between and after them, each with the sources its
   * marked branches (itself inside those around it) need; a marked branch takes the {@code UNION ALL} before it.
   * One piece requiring nothing when {@code sql} has no marks. Marks are found outside quoted names and string
   * constants only, so a name or a constant that reads like one is left as it is.
   */
  public static List<Piece> pieces(String sql) {
    List<Piece> pieces = new ArrayList<>();
    Deque<Long> open = new ArrayDeque<>();
    long requires = 0;
    StringBuilder piece = new StringBuilder();
    Matcher mark = MARK.matcher(sql);
    int from = 0;
    while (from < sql.length()) {
      int at = nextUnquoted(sql, mark, from);
      if (at < 0) {
        piece.append(sql, from, sql.length());
        break;
      }
      piece.append(sql, from, at);
      if (mark.group(1) != null) {
        Matcher before = UNION_ALL_BEFORE.matcher(piece);
        if (!before.find()) {
          throw new IllegalArgumentException("a marked delta term does not follow UNION ALL at " + at);
        }
        String union = piece.substring(before.start());
        piece.setLength(before.start());
        add(pieces, requires, piece);
        open.push(requires);
        requires |= Long.parseLong(mark.group(1));
        piece.append(union);
      } else {
        if (open.isEmpty()) {
          throw new IllegalArgumentException("the end of a delta term without its beginning at " + at);
        }
        add(pieces, requires, piece);
        requires = open.pop();
      }
      from = mark.end();
    }
    if (!open.isEmpty()) {
      throw new IllegalArgumentException("a delta term without its end");
    }
    add(pieces, requires, piece);
    return pieces;
  }

  private static void add(List<Piece> pieces, long requires, StringBuilder text) {
    if (text.isEmpty()) {
      return;
    }
    if (!pieces.isEmpty() && pieces.getLast().requires() == requires) {
      pieces.set(pieces.size() - 1, new Piece(requires, pieces.getLast().sql() + text));
    } else {
      pieces.add(new Piece(requires, text.toString()));
    }
    text.setLength(0);
  }

  /**
   * Where the next mark at or after {@code from} begins, outside {@code '…'} and {@code "…"} (PostgreSQL's
   * constants, {@code U&'…'} ones included, and quoted names, each doubling its quote inside), or −1.
   */
  private static int nextUnquoted(String sql, Matcher mark, int from) {
    char quote = 0;
    for (int i = from; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0; // a doubled quote closes and opens again
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '/' && mark.region(i, sql.length()).lookingAt()) {
        return i;
      }
    }
    return -1;
  }
}
