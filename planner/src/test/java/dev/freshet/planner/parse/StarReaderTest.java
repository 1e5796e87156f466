package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.planner.StarExpansion;
import dev.freshet.planner.TestSchema;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The stars of a query and the columns they stand for, as a stream table's stored query spells them. */
class StarReaderTest {

  /** Each star as {@code line:column-endLine:endColumn [columns]}, in the order read. */
  private static String stars(String sql) {
    return TestSchema.planner().stars(sql).stream()
        .map(star -> star.at().line() + ":" + star.at().column() + "-" + star.at().endLine() + ":"
            + star.at().endColumn() + (star.explicitTable() ? " TABLE " : " ") + star.columns().stream()
                .map(c -> (c.qualifier().isEmpty() ? "" : String.join(".", c.qualifier()) + ".") + c.name())
                .collect(Collectors.joining(",", "[", "]")))
        .sorted()
        .collect(Collectors.joining("; "));
  }

  @Test
  void bareStarStandsForEveryColumnByName() {
    assertEquals("1:8-1:8 [id,t_id,qty]", stars("SELECT * FROM u"));
  }

  @Test
  void starOfAJoinQualifiesTheNamesBothSidesHave() {
    assertEquals("1:18-1:18 [t.id,name,amount,d,ts,flag,grp,u.id,t_id,qty]",
        stars("SELECT 1 AS one, * FROM t JOIN u ON t.id = u.t_id"));
  }

  @Test
  void qualifiedStarKeepsItsQualifier() {
    assertEquals("1:8-1:10 [x.id,x.t_id,x.qty]", stars("SELECT x.*, t.name FROM u AS x JOIN t ON t.id = x.t_id"));
  }

  @Test
  void usingColumnIsNamedOnceAndUnqualified() {
    assertEquals("1:8-1:8 [id,name,amount,d,ts,flag,grp,t_id,qty]", stars("SELECT * FROM t JOIN u USING (id)"));
  }

  @Test
  void starsInSubQueriesAreRead() {
    assertEquals("1:23-1:23 [id,t_id,qty]; 1:8-1:8 [id,t_id,qty]", stars("SELECT * FROM (SELECT * FROM u) AS s"));
  }

  @Test
  void starUnderExistsIsLeft() {
    assertEquals("1:8-1:10 [t.id,t.name,t.amount,t.d,t.ts,t.flag,t.grp]",
        stars("SELECT t.* FROM t WHERE EXISTS (SELECT * FROM u WHERE u.t_id = t.id)"));
  }

  @Test
  void explicitTableBecomesASelect() {
    assertEquals("1:7-1:7 TABLE [id,t_id,qty]", stars("TABLE u"));
  }

  @Test
  void aQueryWithoutStarsHasNone() {
    assertEquals(List.of(), TestSchema.planner().stars("SELECT count(*) FROM u"));
  }
}
