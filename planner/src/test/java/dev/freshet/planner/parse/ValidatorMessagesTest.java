package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Calcite's messages in PostgreSQL's words, each name written by the one quoting rule (Quoting), so that a name
 * holding a quote, a dot or upper case reads as SQL would write it: {@code "a""b"}, {@code "S"."T"}.
 */
class ValidatorMessagesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "Object 'orders' not found                    | relation \"orders\" does not exist",
      "Object 'My \"T\"' not found within 'Shop'     | relation \"Shop\".\"My \"\"T\"\"\" does not exist",
      "Column 'a\"b' not found in any table          | column \"a\"\"b\" does not exist",
      "Column 'Qty' not found in table 'Order Items' | column \"Order Items\".\"Qty\" does not exist",
      "The definition of column 'x.y' depends on itself | column \"x.y\" does not exist",
      "Unknown identifier 'json'                    | type \"json\" is not known to Freshet's planner (a cast to it, "
          + "or a value of it)"})
  void namesAreQuotedAsSqlWritesThem(String calcite, String postgres) {
    assertEquals(postgres, ValidatorMessages.postgresStyle(calcite));
  }
}
