package dev.freshet.planner;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A defining query is one query: semicolons and words inside quotes and comments do not count. */
class QueryTextTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 1", "select 1;", "SELECT 1; -- done\n", "SELECT 1;;  /* end */",
      "  -- a comment\n(SELECT 1) UNION (SELECT 2)", "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1), (2)",
      "TABLE orders", "/* nested /* comment; */ still */ SELECT 1",
      "SELECT ';' AS semicolon", "SELECT 'it''s; fine'", "SELECT E'a\\'; b'", "SELECT \"a;b\" FROM t",
      "SELECT $$; DROP TABLE t$$", "SELECT $tag$ ; $ $tag$", "SELECT 1 -- ; DROP TABLE t"})
  void oneQuery(String sql) {
    assertDoesNotThrow(() -> QueryText.requireOneQuery(sql));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SELECT 1; DROP TABLE t                | one statement           | 1:11",
      "SELECT 'a'; SELECT 'b'                | one statement           | 1:13",
      "SELECT $$x$$;\\nDELETE FROM t         | one statement           | 2:1",
      "DELETE FROM orders                    | must be SELECT, VALUES, WITH or TABLE (a query), not DELETE | 1:1",
      "'  CREATE TABLE t(x int)'             | not CREATE              | 1:3",
      "INSERT INTO t VALUES (1)              | not INSERT              | 1:1"})
  void notOneQuery(String sql, String message, String position) {
    InvalidQueryException e = assertThrows(InvalidQueryException.class,
        () -> QueryText.requireOneQuery(sql.replace("\\n", "\n")));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertEquals(position, e.position().line() + ":" + e.position().column(), e.render());
  }

  /** Text that starts as no statement does is left to PostgreSQL, which refuses it at that word in its own words. */
  @ParameterizedTest
  @ValueSource(strings = {"SELEC 1", "(selec 1)", "SELEC 1; DROP TABLE t", "1 + 1", "\"SELECT\" 1"})
  void noStatementIsLeftToPostgres(String sql) {
    assertDoesNotThrow(() -> QueryText.requireOneQuery(sql));
  }

  /** What PostgreSQL is given to read: the text up to the semicolon that ends its first statement. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "SELEC 1; DROP TABLE t        | SELEC 1",
      "SELECT ';' AS s; DELETE      | SELECT ';' AS s",
      "SELECT $$;$$ -- ;\\n; x      | `SELECT $$;$$ -- ;\\n`",
      "SELECT 1                     | SELECT 1",
      ";SELECT 1; DROP TABLE t      | ;SELECT 1"})
  void firstStatement(String sql, String first) {
    assertEquals(first.replace("\\n", "\n"), QueryText.firstStatement(sql.replace("\\n", "\n")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", ";", "-- only a comment"})
  void empty(String sql) {
    InvalidQueryException e = assertThrows(InvalidQueryException.class, () -> QueryText.requireOneQuery(sql));
    assertEquals("the defining query is empty; give a SELECT, VALUES, WITH or TABLE query", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d                          | 11",
      "with d as materialized (insert into t values (1) returning *) select * from d | 24",
      "WITH a AS (SELECT 1), d AS NOT MATERIALIZED ( update t SET x = 1 RETURNING x) TABLE d | 46",
      "WITH d AS (MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE) SELECT 1   | 11",
      "SELECT * FROM (WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d) x        | 26",
      "WITH d AS (SELECT 'AS (DELETE' AS x) SELECT * FROM d                           | -1",
      "WITH d AS (SELECT 1) /* AS (DELETE */ SELECT * FROM d                          | -1",
      "SELECT \"AS\" FROM t                                                          | -1",
      "SELECT delete FROM t                                                           | -1"})
  void dataModifyingWith(String sql, int offset) {
    assertEquals(offset, QueryText.dataModifyingWith(sql));
  }

  @Test
  void identifiersAsPostgresReadsThem() {
    assertEquals(java.util.List.of("select", "abc", "as", "Mixed \"Case\"", "from", "t", "where", "x", "y"),
        QueryText.identifiers("SELECT AbC AS \"Mixed \"\"Case\"\"\" FROM t -- comment\nWHERE x = 'str' /* c */ "
            + "AND y = $$dollar$$").stream().map(QueryText.Identifier::name).filter(n -> !n.equals("and")).toList());
    QueryText.Identifier quoted = QueryText.identifiers("select \"ÜÜ\"").get(1);
    assertEquals(7, quoted.start());
    assertEquals(11, quoted.end());
  }
}
