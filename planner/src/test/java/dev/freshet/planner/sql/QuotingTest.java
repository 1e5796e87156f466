package dev.freshet.planner.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Identifiers, literals and dollar quotes as SQL text, hostile names among them. */
class QuotingTest {

  @Test
  void identifiersAndLiteralsDoubleTheirQuotes() {
    assertEquals("\"we\"\"ird name\"", Quoting.identifier("we\"ird name"));
    assertEquals("\"select\"", Quoting.identifier("select"));
    assertEquals("\"s p\".\"Δt\"", Quoting.qualified("s p", "Δt"));
    assertEquals("'it''s'", Quoting.literal("it's"));
  }

  @Test
  void aDollarQuoteTakesATagTheBodyDoesNotContain() {
    assertEquals("$freshet$\nBEGIN NULL; END\n$freshet$", Quoting.dollarQuoted("\nBEGIN NULL; END\n"));
    // a table named "$freshet$" in the body: the tag that closes the body must not appear inside it
    assertEquals("$freshet_1$ANALYZE \"$freshet$\"$freshet_1$", Quoting.dollarQuoted("ANALYZE \"$freshet$\""));
    assertEquals("$freshet_2$x $freshet$ $freshet_1$$freshet_2$", Quoting.dollarQuoted("x $freshet$ $freshet_1$"));
  }
}
