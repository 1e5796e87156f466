package dev.freshet.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trino.tpch.TpchEntity;
import org.junit.jupiter.api.Test;

class GeneratedTableTest {

  @Test
  void encodersFollowTheSchemaOrder() {
    assertEquals(TpchSchema.TABLES, GeneratedTable.ALL.stream().map(GeneratedTable::table).toList());
  }

  /**
   * Our COPY lines carry the same values as the generator's own pipe-separated text, field by
   * field, and one field per schema column. (TPC-H text holds neither tabs nor pipes.)
   */
  @Test
  void linesMatchTheGeneratorsText() {
    for (GeneratedTable<?> table : GeneratedTable.ALL) {
      checkFirstRows(table, 2000);
    }
  }

  private static <E extends TpchEntity> void checkFirstRows(GeneratedTable<E> table, int rows) {
    int seen = 0;
    for (E row : table.rows(0.01)) {
      var out = new StringBuilder();
      table.append(row, out);
      String line = out.toString();
      assertEquals('\n', line.charAt(line.length() - 1));
      String[] fields = line.substring(0, line.length() - 1).split("\t", -1);
      assertEquals(table.table().columns().size(), fields.length, table.table().name());
      assertEquals(row.toLine(), String.join("|", fields) + "|", table.table().name());
      if (++seen == rows) {
        break;
      }
    }
  }

  @Test
  void centsAreExact() {
    assertEquals("10000000.00", cents(1_000_000_000L));
    assertEquals("0.05", cents(5));
    assertEquals("-0.05", cents(-5));
    assertEquals("-999.99", cents(-99_999));
    assertEquals("0.00", cents(0));
    assertEquals("92233720368547758.07", cents(Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> cents(Long.MIN_VALUE));
  }

  @Test
  void textIsEscapedForCopy() {
    var out = new StringBuilder();
    new CopyTextLine(out).text("a\tb\\c\nd").integer(7).end();
    assertEquals("a\\tb\\\\c\\nd\t7\n", out.toString());
  }

  @Test
  void datesOutsideTheCachedRangeStillFormat() {
    var out = new StringBuilder();
    new CopyTextLine(out).epochDay(0).epochDay(8035).epochDay(20000).end();
    assertEquals("1970-01-01\t1992-01-01\t2024-10-04\n", out.toString());
  }

  private static String cents(long value) {
    var out = new StringBuilder();
    CopyTextLine.appendCents(out, value);
    return out.toString();
  }
}
