package dev.freshet.planner.parse;

import dev.freshet.planner.QueryText;
import dev.freshet.planner.parse.InfixCasts.Rewritten;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites PostgreSQL's dollar-quoted strings ({@code $$it's$$}, {@code $tag$a 'b'$tag$}) into the standard
 * string literals Calcite's parser reads ({@code 'it''s'}, {@code 'a ''b'''}), before any other rewrite: to
 * PostgreSQL both are the same constant, of type unknown until its context types it. Calcite's parser took
 * {@code $$abc$$} for an identifier ({@code column "$$abc$$" does not exist}, FR008), and the rewrites after this
 * one would read a quote inside a dollar-quoted body as the start of a string.
 *
 * <p>The literal is not the same length as the text it replaces, so positions in parser and validator errors are
 * mapped back to the user's text with {@link Rewritten#original}. The stored query keeps its dollar quotes: only
 * Freshet's planner reads the rewrite, and its printed SQL writes every string as a standard literal.
 */
public final class DollarQuotes {

  private DollarQuotes() {
  }

  /** {@code sql} with its dollar-quoted strings as standard literals, and the way back to its positions. */
  public static Rewritten rewrite(String sql) {
    List<QueryText.DollarQuoted> quoted = QueryText.dollarQuoted(sql);
    StringBuilder out = new StringBuilder(sql.length());
    List<Integer> origin = new ArrayList<>(sql.length() + 1);
    int copied = 0;
    for (QueryText.DollarQuoted q : quoted) {
      copy(sql, copied, q.start(), out, origin);
      out.append('\'');
      origin.add(q.start()); // the opening quote stands for the opening delimiter
      for (int i = q.bodyStart(); i < q.bodyEnd(); i++) {
        char c = sql.charAt(i);
        out.append(c);
        origin.add(i);
        if (c == '\'') { // doubled, as a standard literal writes it
          out.append(c);
          origin.add(i);
        }
      }
      out.append('\'');
      origin.add(q.end() - 1); // the closing quote stands for the closing delimiter
      copied = q.end();
    }
    copy(sql, copied, sql.length(), out, origin);
    origin.add(sql.length());
    return new Rewritten(sql, out.toString(), origin.stream().mapToInt(Integer::intValue).toArray());
  }

  private static void copy(String sql, int from, int to, StringBuilder out, List<Integer> origin) {
    out.append(sql, from, to);
    for (int i = from; i < to; i++) {
      origin.add(i);
    }
  }
}
