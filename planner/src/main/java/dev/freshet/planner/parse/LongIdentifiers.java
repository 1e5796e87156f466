package dev.freshet.planner.parse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * PostgreSQL keeps the first 63 bytes of a longer identifier (NAMEDATALEN - 1), with a NOTICE only: its
 * lexer cuts every name, so {@code SELECT k AS <70 letters>} makes a column named by the first 63, and
 * any later mention of the long name (in the query or in another) means that column. Freshet's planner
 * reads names the same way: each part of each identifier of a parsed query is cut like PostgreSQL's
 * {@code truncate_identifier}, on a character boundary, counting the bytes of UTF-8 (the encoding of
 * nearly every database; in another, PostgreSQL counts its bytes and a name cut otherwise is unknown to the
 * planner, an error, never another column).
 */
public final class LongIdentifiers extends SqlBasicVisitor<Void> {

  /** The most bytes PostgreSQL keeps of an identifier. */
  public static final int MAX_BYTES = 63;

  private LongIdentifiers() {
  }

  /** {@code name} as PostgreSQL keeps it: at most {@link #MAX_BYTES} bytes, never half a character. */
  public static String truncate(String name) {
    if (name.length() * 3 <= MAX_BYTES || name.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
      return name;
    }
    int bytes = 0;
    int end = 0;
    while (end < name.length()) {
      int codePoint = name.codePointAt(end);
      int width = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (bytes + width > MAX_BYTES) {
        break;
      }
      bytes += width;
      end += Character.charCount(codePoint);
    }
    return name.substring(0, end);
  }

  /** Cuts every identifier of {@code parsed} as PostgreSQL would have, in place. */
  public static void truncateAll(SqlNode parsed) {
    parsed.accept(new LongIdentifiers());
  }

  @Override
  public Void visit(SqlIdentifier id) {
    boolean cut = false;
    List<String> names = new ArrayList<>(id.names.size());
    List<SqlParserPos> positions = new ArrayList<>(id.names.size());
    for (int i = 0; i < id.names.size(); i++) {
      String name = truncate(id.names.get(i));
      cut |= !name.equals(id.names.get(i));
      names.add(name);
      positions.add(id.getComponentParserPosition(i));
    }
    if (cut) {
      id.setNames(names, positions);
    }
    return null;
  }
}
