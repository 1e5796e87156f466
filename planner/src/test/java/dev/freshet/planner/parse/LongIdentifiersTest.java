package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.TestSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names longer than PostgreSQL keeps are cut as its lexer cuts them: 63 bytes, on a character boundary. */
class LongIdentifiersTest {

  @Test
  void cutsToSixtyThreeBytesNeverHalfACharacter() {
    assertEquals("a".repeat(63), LongIdentifiers.truncate("a".repeat(70)));
    assertEquals("a".repeat(63), LongIdentifiers.truncate("a".repeat(63)));
    assertEquals("short", LongIdentifiers.truncate("short"));
    assertEquals("Ü".repeat(31), LongIdentifiers.truncate("Ü".repeat(40)), "two bytes each: 62, not 64");
    assertEquals("a" + "€".repeat(20) + "aa", LongIdentifiers.truncate("a" + "€".repeat(20) + "aab"), "63 bytes");
    assertEquals("a" + "€".repeat(20), LongIdentifiers.truncate("a" + "€".repeat(21)), "61 bytes, not 64");
    String emoji = "ab" + "😀".repeat(16); // 2 + 64 bytes
    assertEquals("ab" + "😀".repeat(15), LongIdentifiers.truncate(emoji));
    assertEquals(62, LongIdentifiers.truncate(emoji).getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void aLongAliasNamesTheColumnByItsFirstSixtyThreeBytesAndFindsItWhereverItIsWritten() {
    String alias = "n".repeat(70);
    LogicalPlan plan = TestSchema.planner().plan("select " + alias + "x from (select id as " + alias + "xyz from t) s "
        + "where s." + alias + " > 1 order by " + alias);
    assertEquals(List.of("n".repeat(63)), plan.columnNames());
  }
}
