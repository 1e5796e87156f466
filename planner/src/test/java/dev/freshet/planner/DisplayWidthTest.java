package dev.freshet.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DisplayWidthTest {

  @Test
  void wideCharactersTakeTwoCellsAndCombiningMarksNone() {
    assertEquals(5, DisplayWidth.of("abcde"));
    assertEquals(4, DisplayWidth.of("名前"));
    assertEquals(3, DisplayWidth.of("e\u0301te")); // é as e + combining acute
    assertEquals("名前  |", DisplayWidth.padRight("名前", 6) + "|");
  }

  /** The caret sits under the token on screen, after wide characters and tabs. */
  @Test
  void theCaretIsUnderTheTokenAfterWideCharactersAndTabs() {
    String sql = "SELECT 名前,\tx FROM FROM t";
    int column = sql.indexOf("FROM FROM") + 6; // the second FROM, 1-based
    String rendered = new InvalidQueryException("syntax error at or near \"FROM\"", sql,
        new SourcePosition(1, column, 1, column + 3), true, null).render();
    String[] lines = rendered.split("\n");
    String source = lines[lines.length - 2];
    String caret = lines[lines.length - 1];
    assertEquals("   | SELECT 名前,\tx FROM FROM t", source);
    // "SELECT 名前," takes 12 cells, the tab stays a tab, "x FROM " 7 cells
    assertEquals("   | " + " ".repeat(12) + "\t" + " ".repeat(7) + "^^^^", caret);
  }
}
