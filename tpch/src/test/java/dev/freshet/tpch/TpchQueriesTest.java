package dev.freshet.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TpchQueriesTest {

  @Test
  void all22QueriesAreThereInOrder() {
    assertEquals(22, TpchQueries.all().size());
    for (int n = 1; n <= 22; n++) {
      TpchQuery query = TpchQueries.get(n);
      assertEquals(n, query.number());
      assertEquals(String.format("q%02d", n), query.name());
      assertFalse(query.title().isBlank(), query.name());
      assertFalse(query.sql().isBlank(), query.name());
    }
  }

  @Test
  void textIsEmbeddable() {
    for (TpchQuery query : TpchQueries.all()) {
      String sql = query.sql();
      String lower = sql.toLowerCase(Locale.ROOT);
      assertTrue(lower.startsWith("select") || lower.startsWith("with"), query.name());
      assertFalse(sql.contains(";"), query.name() + " must not end with a semicolon");
      assertFalse(sql.contains("--"), query.name() + " must not carry comments");
      assertEquals(sql.strip(), sql, query.name());
      assertEquals(count(sql, '('), count(sql, ')'), query.name() + " parentheses");
    }
  }

  @Test
  void postgresqlRejectedSyntaxIsAbsent() {
    var precision = Pattern.compile("interval\\s+'[^']*'\\s+\\w+\\s*\\(");
    for (TpchQuery query : TpchQueries.all()) {
      String lower = query.sql().toLowerCase(Locale.ROOT);
      assertFalse(precision.matcher(lower).find(), query.name() + ": interval with precision");
      assertFalse(lower.contains("create view"), query.name());
      assertFalse(lower.contains(" top "), query.name());
    }
  }

  @Test
  void rowLimitsAreTheSpecifications() {
    var limits = java.util.Map.of(2, 100, 3, 10, 10, 20, 18, 100, 21, 100);
    for (TpchQuery query : TpchQueries.all()) {
      String lower = query.sql().toLowerCase(Locale.ROOT);
      Integer limit = limits.get(query.number());
      if (limit == null) {
        assertFalse(lower.contains("limit"), query.name());
      } else {
        assertTrue(lower.endsWith("limit " + limit), query.name());
      }
    }
  }

  @Test
  void q15UsesACommonTableExpressionInsteadOfAView() {
    assertTrue(TpchQueries.get(15).sql().startsWith("with revenue0 (supplier_no, total_revenue) as ("));
  }

  @Test
  void validationParametersAreUsed() {
    // One characteristic parameter per query (TPC-H 3.0.1 §2.4.x.3).
    var expected = java.util.Map.ofEntries(
        java.util.Map.entry(1, "interval '90' day"),
        java.util.Map.entry(2, "p_size = 15"),
        java.util.Map.entry(3, "'BUILDING'"),
        java.util.Map.entry(4, "date '1993-07-01'"),
        java.util.Map.entry(5, "'ASIA'"),
        java.util.Map.entry(6, "l_quantity < 24"),
        java.util.Map.entry(7, "'FRANCE'"),
        java.util.Map.entry(8, "'ECONOMY ANODIZED STEEL'"),
        java.util.Map.entry(9, "'%green%'"),
        java.util.Map.entry(10, "date '1993-10-01'"),
        java.util.Map.entry(11, "* 0.0001"),
        java.util.Map.entry(12, "('MAIL', 'SHIP')"),
        java.util.Map.entry(13, "'%special%requests%'"),
        java.util.Map.entry(14, "date '1995-09-01'"),
        java.util.Map.entry(15, "date '1996-01-01'"),
        java.util.Map.entry(16, "(49, 14, 23, 45, 19, 3, 36, 9)"),
        java.util.Map.entry(17, "'MED BOX'"),
        java.util.Map.entry(18, "> 300"),
        java.util.Map.entry(19, "'Brand#34'"),
        java.util.Map.entry(20, "'forest%'"),
        java.util.Map.entry(21, "'SAUDI ARABIA'"),
        java.util.Map.entry(22, "('13', '31', '23', '29', '30', '18', '17')"));
    expected.forEach((n, text) ->
        assertTrue(TpchQueries.get(n).sql().contains(text), "q" + n + " lacks " + text));
  }

  @Test
  void outOfRangeNumbersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> TpchQueries.get(0));
    assertThrows(IllegalArgumentException.class, () -> TpchQueries.get(23));
  }

  private static long count(String text, char ch) {
    return text.chars().filter(c -> c == ch).count();
  }
}
