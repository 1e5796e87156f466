package dev.freshet.planner;

/**
 * How many terminal cells text takes: East Asian wide and fullwidth characters (CJK, Hangul, fullwidth
 * forms, most emoji) take two, combining marks and zero-width characters none, others one. Used to align
 * columns and to put a caret under a token on a line that holds such characters. The ranges are Markus
 * Kuhn's {@code wcwidth}; the JDK has no East Asian Width property.
 */
public final class DisplayWidth {

  private DisplayWidth() {
  }

  /** The cells {@code text} takes. */
  public static int of(CharSequence text) {
    return text.codePoints().map(DisplayWidth::ofCodePoint).sum();
  }

  /** {@code text} followed by spaces up to {@code cells} cells. */
  public static String padRight(String text, int cells) {
    return text + " ".repeat(Math.max(0, cells - of(text)));
  }

  /**
   * Blanks that take the cells of {@code text}, tabs kept as tabs so that they expand alike: what goes
   * before a caret under a position of {@code text}.
   */
  public static String blanksFor(CharSequence text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().forEach(c -> out.append(c == '\t' ? "\t" : " ".repeat(ofCodePoint(c))));
    return out.toString();
  }

  static int ofCodePoint(int c) {
    int type = Character.getType(c);
    if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
        || c == 0x200B) {
      return 0;
    }
    return wide(c) ? 2 : 1;
  }

  private static boolean wide(int c) {
    return c >= 0x1100 && (c <= 0x115F
        || c == 0x2329 || c == 0x232A
        || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F)
        || (c >= 0xAC00 && c <= 0xD7A3)
        || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0xFE10 && c <= 0xFE19)
        || (c >= 0xFE30 && c <= 0xFE6F)
        || (c >= 0xFF00 && c <= 0xFF60)
        || (c >= 0xFFE0 && c <= 0xFFE6)
        || (c >= 0x1F300 && c <= 0x1F64F)
        || (c >= 0x1F900 && c <= 0x1F9FF)
        || (c >= 0x20000 && c <= 0x2FFFD)
        || (c >= 0x30000 && c <= 0x3FFFD));
  }
}
