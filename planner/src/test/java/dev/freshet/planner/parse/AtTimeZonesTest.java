package dev.freshet.planner.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.InvalidQueryException;
import dev.freshet.planner.QueryException;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.PgColumn;
import dev.freshet.planner.catalog.PgTable;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.core.Oid;

/**
 * {@link AtTimeZones}, {@link AtTimeZone} and {@code timestamp - timestamp}: {@code ts AT TIME ZONE zone} becomes a
 * call over exactly the operands PostgreSQL gives it ({@code AT} binds tighter than every binary operator, looser
 * than {@code ::}, unary signs and {@code COLLATE}), is typed as PostgreSQL types it and prints back as the
 * operator; the difference of two timestamps is an interval.
 */
class AtTimeZonesTest {

  private static final PgCatalog CATALOG = new PgCatalog(List.of("public"), List.of("public"), List.of(
      new PgTable("public", "o", PgTable.Kind.TABLE, 1, 0,
          List.of(new PgColumn("id", "integer", Oid.INT4, -1, true, 1),
              new PgColumn("at", "timestamp with time zone", Oid.TIMESTAMPTZ, -1, true, 2),
              new PgColumn("ts", "timestamp without time zone", Oid.TIMESTAMP, -1, false, 3),
              new PgColumn("z", "text", Oid.TEXT, -1, false, 4),
              new PgColumn("d", "date", Oid.DATE, -1, false, 5)),
          List.of("id"), List.of(), List.of(), List.of())));

  private static String rewrite(String sql) {
    return AtTimeZones.rewrite(InfixCasts.rewrite(sql), sql).text();
  }

  private static RelNode plan(String sql) {
    return QueryPlanner.forCatalog(CATALOG).plan(sql).rel();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
      at AT TIME ZONE 'UTC'                        => "AT TIME ZONE"(at , 'UTC')
      o.at at time zone z                          => "AT TIME ZONE"(o.at , z)
      at AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Tokyo' => "AT TIME ZONE"("AT TIME ZONE"(at , 'UTC') , 'Asia/Tokyo')
      (at AT TIME ZONE 'UTC')::date                => (("AT TIME ZONE"(at , 'UTC'))::date)
      at::timestamp AT TIME ZONE 'UTC'             => "AT TIME ZONE"((at::timestamp) , 'UTC')
      ts + interval '1 day' AT TIME ZONE 'UTC'     => ts + "AT TIME ZONE"(interval '1 day' , 'UTC')
      a - at AT TIME ZONE 'UTC'                    => a - "AT TIME ZONE"(at , 'UTC')
      at AT TIME ZONE 'UTC' - ts                   => "AT TIME ZONE"(at , 'UTC') - ts
      at AT TIME ZONE lower(z) || 'x'              => "AT TIME ZONE"(at , lower(z)) || 'x'
      extract(hour FROM at AT TIME ZONE 'UTC')     => extract(hour FROM "AT TIME ZONE"(at , 'UTC'))
      date_trunc('day', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' => "AT TIME ZONE"(date_trunc('day', "AT TIME ZONE"(at , 'UTC')) , 'UTC')
      select at at time zone 'UTC' local from o    => select "AT TIME ZONE"(at , 'UTC') local from o
      'at time zone' || x                          => 'at time zone' || x
      at AT TIME ZONE interval '2' hour + x        => "AT TIME ZONE"(at , interval '2' hour) + x
      """)
  void callsExactlyTheOperands(String sql, String expected) {
    assertEquals(expected, rewrite(sql));
  }

  /** A neighbour binding tighter than {@code AT} would take part of an operand: PostgreSQL's reading is unclear. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "- at AT TIME ZONE 'UTC'", // PostgreSQL: (- at) AT TIME ZONE 'UTC'
      "at AT TIME ZONE z COLLATE \"C\"",
      "at AT TIME ZONE a[1]",
      "AT TIME ZONE 'UTC'",
      "at AT TIME ZONE",
  })
  void refusesWhatItCannotBracket(String sql) {
    assertThrows(InvalidQueryException.class, () -> rewrite(sql));
  }

  @Test
  void positionsMapBackToTheUsersText() {
    QueryException e = assertThrows(QueryException.class,
        () -> plan("select at AT TIME ZONE 'UTC',\n  ts AT TIME ZONE z || nosuch from o"));
    assertEquals(new SourcePosition(2, 24, 2, 29), e.position());
    QueryException unclear = assertThrows(QueryException.class,
        () -> plan("select id,\n - at AT TIME ZONE 'UTC' from o"));
    assertEquals(new SourcePosition(2, 7, 2, 18), unclear.position());
    assertTrue(unclear.getMessage().contains("AT TIME ZONE"), unclear.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT at AT TIME ZONE 'UTC' AS x FROM o            | TIMESTAMP(6) NOT NULL
      SELECT ts AT TIME ZONE z AS x FROM o                | TIMESTAMP_WITH_LOCAL_TIME_ZONE(6)
      SELECT timezone('UTC', at) AS x FROM o              | TIMESTAMP(6) NOT NULL
      SELECT at AT TIME ZONE interval '2 hours' AS x FROM o | TIMESTAMP(6) NOT NULL
      SELECT at - at AS x FROM o                          | INTERVAL DAY(10) TO SECOND(6) NOT NULL
      SELECT ts - ts AS x FROM o                          | INTERVAL DAY(10) TO SECOND(6)
      SELECT d - d AS x FROM o                            | INTEGER
      """)
  void typedAsPostgresTypesThem(String sql, String type) {
    RelDataType row = plan(sql).getRowType();
    assertEquals(type, row.getFieldList().get(0).getType().getFullTypeString());
  }

  /** Types PostgreSQL does not subtract or convert this way stay refused, as before. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT at - ts AS x FROM o", // PostgreSQL casts ts to timestamptz under the TimeZone first
      "SELECT d AT TIME ZONE 'UTC' AS x FROM o",
      "SELECT at AT TIME ZONE id AS x FROM o",
  })
  void otherOperandsAreRefused(String sql) {
    assertThrows(QueryException.class, () -> plan(sql));
  }

  @Test
  void printsBackAsPostgresWritesIt() {
    RelNode rel = plan("SELECT at AT TIME ZONE 'UTC' AT TIME ZONE z AS a, timezone('UTC', ts) AS b, at - at AS c FROM o");
    String sql = new RelToSqlConverter(PostgresqlSqlDialect.DEFAULT).visitRoot(rel).asStatement()
        .toSqlString(PostgresqlSqlDialect.DEFAULT).getSql();
    assertTrue(sql.contains("((\"at\" AT TIME ZONE 'UTC') AT TIME ZONE \"z\") AS \"a\""), sql);
    assertTrue(sql.contains("TIMEZONE('UTC', \"ts\") AS \"b\""), sql);
    assertTrue(sql.contains("\"at\" - \"at\" AS \"c\""), sql);
  }
}
