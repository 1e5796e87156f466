package dev.freshet.planner.parse;

import dev.freshet.planner.sql.Quoting;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites Calcite's wording of the commonest mistakes into PostgreSQL's, which is what users know
 * and search for. Messages without a rewrite pass through unchanged.
 */
public final class ValidatorMessages {

  private record Rewrite(Pattern pattern, Function<Matcher, String> message) {
  }

  private static final List<Rewrite> REWRITES = List.of(
      // FROM ONLY t: Calcite's parser takes ONLY (a reserved word, never a table unquoted) for a table named
      // only; PostgreSQL, which reads the query first, has already found t
      new Rewrite(Pattern.compile("(?i)Object 'only' not found"),
          m -> "FROM ONLY: a table without its inheritance children"),
      new Rewrite(Pattern.compile("Object '([^']*)' not found(?: within '([^']*)')?"),
          m -> "relation " + (m.group(2) == null ? "" : Quoting.identifier(m.group(2)) + ".")
              + Quoting.identifier(m.group(1)) + " does not exist"),
      new Rewrite(Pattern.compile("Column '([^']*)' not found in any table"),
          m -> "column " + Quoting.identifier(m.group(1)) + " does not exist"),
      // With alias reuse allowed, an unknown column is first taken for a select-list alias.
      new Rewrite(Pattern.compile("The definition of column '([^']*)' depends on itself.*"),
          m -> "column " + Quoting.identifier(m.group(1)) + " does not exist"),
      new Rewrite(Pattern.compile("Column '([^']*)' not found in table '([^']*)'"),
          m -> "column " + Quoting.qualified(m.group(2), m.group(1)) + " does not exist"),
      // PostgreSQL has read the query already (the function exists for it), and Calcite's argument types are its
      // own families (<ANY>, <NUMERIC> for an int[] and an integer): named without them
      new Rewrite(Pattern.compile("No match found for function signature ([^(]*)\\((.*)\\)"),
          m -> "function " + m.group(1).toLowerCase(java.util.Locale.ROOT) + "() with these arguments is not known to "
              + "Freshet's planner"),
      // PostgreSQL also accepts a column functionally dependent on a grouped primary key; Freshet
      // asks for it in the GROUP BY (or in an aggregate) instead.
      new Rewrite(Pattern.compile("Expression '([^']*)' is not being grouped"),
          m -> "column \"" + m.group(1) + "\" must appear in the GROUP BY clause or be used in an aggregate "
              + "function (Freshet does not infer columns that depend on a grouped primary key: group by them too)"),
      // Calcite's parser, on valid PostgreSQL it cannot read (LIMIT (SELECT 2)): PostgreSQL's words; the
      // position is carried apart
      new Rewrite(Pattern.compile("Incorrect syntax near the keyword '([^']*)' at line \\d+, column \\d+\\.?"),
          m -> "syntax error at or near \"" + m.group(1) + "\""),
      new Rewrite(Pattern.compile("Encountered \"([^\"]*)\" at line \\d+, column \\d+\\.?"),
          m -> "syntax error at or near \"" + m.group(1).strip() + "\""),
      // a cast to a type Calcite has no name for (json, a domain): PostgreSQL knows it, Freshet's planner not
      new Rewrite(Pattern.compile("Unknown identifier '([^']*)'"),
          m -> "type " + Quoting.identifier(m.group(1)) + " is not known to Freshet's planner (a cast to it, or a "
              + "value of it)"),
      new Rewrite(Pattern.compile("Non-query expression encountered in illegal context"),
          m -> "syntax error: expected a query (" + dev.freshet.planner.QueryText.QUERY_KINDS + ")"));

  private ValidatorMessages() {
  }

  public static String postgresStyle(String message) {
    for (Rewrite rewrite : REWRITES) {
      Matcher m = rewrite.pattern().matcher(message);
      if (m.matches()) {
        return rewrite.message().apply(m);
      }
    }
    return message;
  }
}
