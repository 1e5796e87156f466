package dev.freshet.codegen.merge;

import java.util.List;

/**
 * A PostgreSQL {@code MERGE} with conditional branches, which Calcite's {@code SqlMerge} cannot print
 * (no {@code WHEN MATCHED AND … THEN DELETE}). Expressions are SQL text already quoted by the caller.
 *
 * @param with    CTEs before MERGE, without the {@code WITH} keyword; may be empty
 * @param target  the quoted, qualified target table
 * @param source  a quoted relation name (a CTE or temporary table) or a parenthesized query
 * @param on      the identity match, e.g. {@code st."id" = d."id"}
 */
public record MergeStatement(String with, String target, String targetAlias, String source,
    String sourceAlias, String on, List<When> whens) {

  public MergeStatement {
    whens = List.copyOf(whens);
  }

  /** One {@code WHEN} branch. */
  public sealed interface When {
    /** Extra condition after {@code AND}, or empty. */
    String condition();
  }

  public record Delete(String condition) implements When {
  }

  /** {@code UPDATE SET column = value, …}. */
  public record Update(String condition, List<String> columns, List<String> values) implements When {
    public Update {
      columns = List.copyOf(columns);
      values = List.copyOf(values);
    }
  }

  /** {@code INSERT (columns) VALUES (values)}. */
  public record Insert(String condition, List<String> columns, List<String> values) implements When {
    public Insert {
      columns = List.copyOf(columns);
      values = List.copyOf(values);
    }
  }
}
