package dev.freshet.codegen.ddl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableDdlPrinterTest {

  @Test
  void locksQuoteEveryName() {
    assertEquals("LOCK TABLE ONLY \"public\".\"order\", \"My \"\"s\"\"\".\"tæble x\" IN SHARE ROW EXCLUSIVE MODE",
        TableDdlPrinter.lock(List.of(List.of("public", "order"), List.of("My \"s\"", "tæble x")),
            TableDdlPrinter.LockMode.SHARE_ROW_EXCLUSIVE, true));
    assertEquals("LOCK TABLE \"s\".\"T\" IN ACCESS SHARE MODE",
        TableDdlPrinter.lock(List.of(List.of("s", "T")), TableDdlPrinter.LockMode.ACCESS_SHARE, false));
    assertThrows(IllegalArgumentException.class,
        () -> TableDdlPrinter.lock(List.of(), TableDdlPrinter.LockMode.ACCESS_SHARE, false));
  }

  @Test
  void dropsQuoteTheName() {
    assertEquals("DROP TABLE IF EXISTS \"public\".\"select\"", TableDdlPrinter.drop(List.of("public", "select"), true));
    assertEquals("DROP TABLE \"freshet_state\".\"st_1_a\"", TableDdlPrinter.drop(List.of("freshet_state", "st_1_a"),
        false));
  }
}
