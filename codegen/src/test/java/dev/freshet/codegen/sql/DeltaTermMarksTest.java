package dev.freshet.codegen.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.codegen.sql.DeltaTermMarks.Piece;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaTermMarksTest {

  /** The text a refresh runs when the sources in {@code changed} changed: the pieces it keeps, in order. */
  private static String kept(String sql, long changed) {
    StringBuilder text = new StringBuilder();
    for (Piece piece : DeltaTermMarks.pieces(sql)) {
      if ((piece.requires() & ~changed) == 0) {
        text.append(piece.sql());
      }
    }
    return text.toString();
  }

  @Test
  void aStatementWithoutMarksIsOnePieceThatNeedsNothing() {
    assertEquals(List.of(new Piece(0, "SELECT 1 / 2")), DeltaTermMarks.pieces("SELECT 1 / 2"));
  }

  @Test
  void aMarkedBranchGoesWithTheUnionAllBeforeIt() {
    String sql = "WITH d AS (\n  SELECT a FROM t\n  UNION ALL\n  /*+Δ2*/ SELECT b FROM u /*-Δ*/\n  UNION ALL\n"
        + "  /*+Δ6*/ SELECT c FROM v /*-Δ*/\n)\nSELECT * FROM d";
    assertEquals(List.of(new Piece(0, "WITH d AS (\n  SELECT a FROM t"),
        new Piece(2, "\n  UNION ALL\n   SELECT b FROM u "), new Piece(6, "\n  UNION ALL\n   SELECT c FROM v "),
        new Piece(0, "\n)\nSELECT * FROM d")), DeltaTermMarks.pieces(sql));
    assertEquals("WITH d AS (\n  SELECT a FROM t\n)\nSELECT * FROM d", kept(sql, 1));
    assertEquals("WITH d AS (\n  SELECT a FROM t\n  UNION ALL\n   SELECT b FROM u \n)\nSELECT * FROM d", kept(sql, 3));
    assertEquals("WITH d AS (\n  SELECT a FROM t\n  UNION ALL\n   SELECT b FROM u \n  UNION ALL\n   SELECT c FROM v "
        + "\n)\nSELECT * FROM d", kept(sql, 7));
  }

  @Test
  void aBranchInsideAMarkedOneNeedsWhatBothNeed() {
    String sql = "SELECT x FROM a UNION ALL /*+Δ1*/ SELECT y FROM (SELECT y FROM b UNION ALL /*+Δ4*/ SELECT y FROM c"
        + " /*-Δ*/) AS i /*-Δ*/";
    List<Piece> pieces = DeltaTermMarks.pieces(sql);
    assertEquals(List.of(0L, 1L, 5L, 1L), pieces.stream().map(Piece::requires).toList());
    assertEquals("SELECT x FROM a", kept(sql, 4));
    assertEquals("SELECT x FROM a UNION ALL  SELECT y FROM (SELECT y FROM b) AS i ", kept(sql, 1));
    assertEquals("SELECT x FROM a UNION ALL  SELECT y FROM (SELECT y FROM b UNION ALL  SELECT y FROM c ) AS i ",
        kept(sql, 5));
  }

  @Test
  void marksInsideConstantsAndQuotedNamesAreText() {
    String sql = "SELECT '/*+Δ1*/ x UNION ALL /*-Δ*/' AS \"a /*+Δ2*/ \"\" /*-Δ*/\" FROM t UNION ALL /*+Δ8*/ SELECT "
        + "U&'it''s /*-Δ*/', 'b' FROM \"u\"\"/*-Δ*/\" /*-Δ*/";
    List<Piece> pieces = DeltaTermMarks.pieces(sql);
    assertEquals(List.of(0L, 8L), pieces.stream().map(Piece::requires).toList());
    assertEquals("SELECT '/*+Δ1*/ x UNION ALL /*-Δ*/' AS \"a /*+Δ2*/ \"\" /*-Δ*/\" FROM t", kept(sql, 0));
  }

  @Test
  void unbalancedMarksAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> DeltaTermMarks.pieces("SELECT 1 UNION ALL /*+Δ1*/ SELECT 2"));
    assertThrows(IllegalArgumentException.class, () -> DeltaTermMarks.pieces("SELECT 1 /*-Δ*/"));
    assertThrows(IllegalArgumentException.class, () -> DeltaTermMarks.pieces("SELECT 1, /*+Δ1*/ 2 /*-Δ*/"));
  }
}
