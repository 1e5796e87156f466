package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.planner.QueryException;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.PgColumn;
import dev.freshet.planner.catalog.PgTable;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.core.Oid;

/**
 * A call Freshet's planner cannot read is named as PostgreSQL names it, with PostgreSQL's types and the
 * operator as written (issue 15): never Calcite's {@code Cannot apply '<<' to arguments of type '<POSTGRES(INET)>
 * << <CHAR(10)>'}, nor its parser's {@code syntax error at or near "& &"} for an operator it has no token for.
 */
class UnknownCallMessagesTest {

  private static final long INET = 869;
  private static final long CIDR = 650;
  private static final long INT4RANGE = 3904;
  private static final long POINT = 600;
  private static final long BOX = 603;
  private static final long TEXT_ARRAY = 1009;

  private static final PgCatalog CATALOG = new PgCatalog(List.of("public"), List.of("public"), List.of(
      new PgTable("public", "hosts", PgTable.Kind.TABLE, 1, 0,
          List.of(new PgColumn("id", "integer", Oid.INT4, -1, true, 1), named("addr", "inet", INET, 2, true),
              named("net", "cidr", CIDR, 3, true), named("doc", "jsonb", Oid.JSONB, 4, true),
              named("tags", "text[]", TEXT_ARRAY, 5, true), named("r", "int4range", INT4RANGE, 6, true),
              named("p", "point", POINT, 7, false), named("b", "box", BOX, 8, false),
              new PgColumn("name", "character varying", Oid.VARCHAR, 24, false, 9)),
          List.of("id"), List.of(), List.of(), List.of())));

  private static PgColumn named(String name, String type, long oid, int ordinal, boolean equality) {
    return new PgColumn(name, type, oid, -1, false, ordinal, oid, -1, type, equality, equality);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
      p << '(1,1)'                      => operator point << unknown is not known to Freshet's planner     => 1:28-1:39
      addr << 1                         => operator inet << integer is not known to Freshet's planner      => 1:28-1:36
      addr & '255.0.0.0' = addr         => operator inet & unknown is not known to Freshet's planner       => 1:28-1:45
      addr - 1 = addr                   => operator inet - integer is not known to Freshet's planner       => 1:28-1:35
      b @> p                            => operator box @> point is not known to Freshet's planner         => 1:28-1:33
      r @> p                            => operator int4range @> point is not known to Freshet's planner   => 1:28-1:33
      p <@ b                            => operator point <@ box is not known to Freshet's planner         => 1:28-1:33
      host(name) = ''                   => function host(character varying) is not known to Freshet's planner => 1:28-1:37
      host(addr) = ''                   => function host(inet) is not known to Freshet's planner           => 1:28-1:37
      array_length(tags, 1) = 1         => function array_length(text[], integer) is not known to Freshet's planner => 1:28-1:48
      coalesce(addr, net) = addr        => `CASE or COALESCE over values of types inet, cidr: Freshet's planner cannot tell the type PostgreSQL gives the result` => 1:28-1:46
      p <<| p                           => operator <<| is not known to Freshet's planner                  => 1:30-1:32
      p >> p                            => operator point >> point is not known to Freshet's planner       => 1:28-1:33
      b && b                            => operator box && box is not known to Freshet's planner           => 1:28-1:33
      doc && doc                        => operator jsonb && jsonb is not known to Freshet's planner       => 1:28-1:37
      p |>> p                           => operator |>> is not known to Freshet's planner                  => 1:30-1:32
      doc @@ '$.a == 1'                 => operator @@ is not known to Freshet's planner                   => 1:32-1:33
      """)
  void aCallIsNamedWithPostgresqlsTypes(String condition, String message, String span) {
    String sql = "SELECT id FROM hosts WHERE " + condition;
    QueryException e = assertThrows(QueryException.class, () -> QueryPlanner.forCatalog(CATALOG).plan(sql));
    assertEquals(message, e.getMessage());
    SourcePosition p = e.position();
    assertEquals(span, p.line() + ":" + p.column() + "-" + p.endLine() + ":" + p.endColumn());
    for (String calcite : List.of("POSTGRES(", "CHAR(", "Cannot apply", "Supported form", "$f", "EXPR$")) {
      assertFalse(e.getMessage().contains(calcite), e.getMessage());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", textBlock = """
      SELECT id, ~addr FROM hosts         => operator ~ is not known to Freshet's planner => 1:12-1:12
      SELECT id, p <-> p AS d FROM hosts  => operator <-> is not known to Freshet's planner => 1:14-1:16
      """)
  void anOperatorCalcitesParserHasNoTokenForIsNamedAsWritten(String sql, String message, String span) {
    QueryException e = assertThrows(QueryException.class, () -> QueryPlanner.forCatalog(CATALOG).plan(sql));
    assertEquals(message, e.getMessage());
    SourcePosition p = e.position();
    assertEquals(span, p.line() + ":" + p.column() + "-" + p.endLine() + ":" + p.endColumn());
  }
}
