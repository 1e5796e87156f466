package dev.freshet.tests.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.QueryException;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Constructs outside the differential set are refused in DIFFERENTIAL mode with their reason code,
 * and run FULL in AUTO mode with the reason recorded; the stream table is still exact.
 */
@PostgresTest
class AdmissionTest {

  @BeforeAll
  static void schema(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE t (id int PRIMARY KEY, g int, x numeric(10,2), ts timestamptz DEFAULT now())",
        "CREATE TABLE u (id int PRIMARY KEY, t_id int, y text)",
        "CREATE VIEW v AS SELECT id, g FROM t",
        "INSERT INTO t (id, g, x) SELECT i, i % 3, i * 1.5 FROM generate_series(1, 20) i",
        "INSERT INTO u SELECT i, i % 25, 'y' || i FROM generate_series(1, 30) i");
  }

  /**
   * A refusal points at its construct in the query text (the rules see no text: Landmarks do), also
   * after a {@code ::} cast, which the parser sees bracketed. The column is where the parser puts the
   * construct: the LIMIT keyword (not its count: issue 15), the JOIN keyword.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "LIMIT                   | SELECT s.id::text AS k, u.y FROM (SELECT id FROM t ORDER BY x DESC LIMIT 3) s JOIN u ON u.t_id = s.id",
      "JOIN                    | SELECT t.id::text AS k, u.y FROM t LEFT JOIN u ON u.t_id < t.id",
      "row_number() OVER (ORDER BY id) | SELECT id, row_number() OVER (ORDER BY id) AS rn FROM t",
      "current_timestamp       | SELECT id::int AS k, x FROM t WHERE ts <= current_timestamp",
      "ROLLUP (g)              | SELECT g, count(*) AS n FROM t GROUP BY ROLLUP (g)",
      "UNION                   | SELECT g::text AS k FROM t UNION SELECT y FROM u"})
  void refusalsPointAtTheirConstruct(String construct, String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> StreamTables.create(c, "p_st", sql, Mode.DIFFERENTIAL, null));
      var position = refused.refusal().position();
      assertEquals(1, position.line(), refused.render());
      String word = construct.strip().split(" ")[0];
      assertEquals(sql.indexOf(word) + 1, position.column(), refused.render());
      assertTrue(refused.render().contains("^"), refused.render());
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "limit   | FR003 | SELECT s.id, u.y FROM (SELECT id FROM t ORDER BY x DESC LIMIT 3) s JOIN u ON u.t_id = s.id",
      "left    | FR003 | SELECT t.id, u.y FROM t LEFT JOIN u ON u.t_id > t.id",
      "union   | FR003 | SELECT g FROM t UNION SELECT t_id FROM u",
      "view    | FR007 | SELECT id, g FROM v",
      "window  | FR003 | SELECT id, row_number() OVER (ORDER BY id) AS rn FROM t",
      "volatile| FR004 | SELECT id, x FROM t WHERE ts <= current_timestamp",
      "now     | FR004 | SELECT id, x FROM t WHERE ts <= now() AND ts < clock_timestamp() + interval '1' day",
      // 'now' is read as the clock when PostgreSQL casts it to the column's type, as now() is
      "nowtext | FR004 | SELECT id, x FROM t WHERE ts <= 'now' AND ts::date <= CAST(' Today ' AS date)",
      // Calcite read the array as a one-element list (g = ARRAY[1, 2]); the plan check caught it as a bug
      "anyarray| FR008 | SELECT id, x FROM t WHERE g = ANY (ARRAY[1, 2])",
      "allarray| FR008 | SELECT id, x FROM t WHERE g <> ALL (ARRAY[0])"})
  void refusedDifferentialRunsFullInAuto(String label, String code, String sql, TestDatabase db)
      throws Exception {
    try (Connection c = db.connect()) {
      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> StreamTables.create(c, "d_" + label, sql, Mode.DIFFERENTIAL, null));
      assertEquals(code, refused.refusal().reason().code(), refused.getMessage());
      assertTrue(db.query("SELECT 1 FROM pg_class WHERE relname = 'd_" + label + "'").isEmpty(),
          "a refused create leaves no table behind");

      StoredStreamTable auto = StreamTables.create(c, "a_" + label, sql, Mode.AUTO, null);
      assertEquals(Mode.FULL, auto.effectiveMode());
      assertTrue(auto.fallbackReason().orElseThrow().startsWith(code), auto.fallbackReason().orElseThrow());
      Oracle.assertFresh(c, "a_" + label);
      db.execute("INSERT INTO t (id, g, x) VALUES (100, 1, 99.99)", "UPDATE u SET t_id = 100 WHERE id = 1");
      Oracle.refreshAndCheck(c, "a_" + label, Mode.FULL);
      db.execute("DELETE FROM u WHERE id = 1", "DELETE FROM t WHERE id = 100");
      Oracle.refreshAndCheck(c, "a_" + label, Mode.FULL);
      StreamTables.drop(c, "a_" + label, false);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "SELECT id FROM no_such_table | relation \"no_such_table\" does not exist | 1:16",
      "SELECT no_such_column FROM t | column \"no_such_column\" does not exist | 1:8",
      "SELEC id FROM t              | syntax error at or near \"SELEC\" | 1:1"})
  void invalidQueriesAreRejectedWithAPosition(String sql, String message, String position, TestDatabase db)
      throws Exception {
    try (Connection c = db.connect()) {
      QueryException e = assertThrows(QueryException.class,
          () -> StreamTables.create(c, "bad", sql, Mode.AUTO, null));
      assertTrue(e.render().contains(message), e.render());
      assertTrue(e.render().contains("--> query:" + position), e.render());
      if (message.startsWith("syntax error")) { // PostgreSQL's, not Freshet's words for it
        assertEquals("42601", ((java.sql.SQLException) e.getCause()).getSQLState(), e.render());
      }
    }
  }

  /** ORDER BY without LIMIT does not change a table's content: dropped, and said so. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"SELECT g, sum(x) AS s FROM t GROUP BY g ORDER BY g"})
  void topLevelOrderByIsDroppedAndNoted(String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      StoredStreamTable st = StreamTables.create(c, "ordered", sql, Mode.DIFFERENTIAL, null);
      assertEquals(Mode.DIFFERENTIAL, st.effectiveMode());
      assertTrue(st.notes().stream().anyMatch(n -> n.contains("ORDER BY dropped")), st.notes().toString());
      db.execute("UPDATE t SET x = x + 1 WHERE id <= 5");
      Oracle.refreshAndCheck(c, "ordered", Mode.DIFFERENTIAL);
      StreamTables.drop(c, "ordered", false);
    }
    assertTrue(ReasonCode.values().length > 0);
  }

  /**
   * An ordering comparison of a value carried by name (here an enum) with a constant is maintained (it
   * was refused as FR001 while Calcite ordered the constants by their text and planned
   * {@code BETWEEN 'sad' AND 'happy'} as no rows): exact on a table empty at create, then filled.
   */
  @Test
  void orderingANamedTypeAgainstAConstantIsMaintained(TestDatabase db) throws Exception {
    db.execute("CREATE TYPE adm_mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE TABLE adm_moods (id int PRIMARY KEY, m adm_mood)");
    try (Connection c = db.connect()) {
      java.util.Map<String, String> queries = new java.util.LinkedHashMap<>();
      queries.put("adm_between", "SELECT id, m FROM adm_moods WHERE m BETWEEN 'sad' AND 'happy'");
      queries.put("adm_greater", "SELECT id FROM adm_moods WHERE m > 'ok'");
      queries.put("adm_cols", "SELECT a.id FROM adm_moods a JOIN adm_moods b ON a.m < b.m");
      for (var query : queries.entrySet()) {
        StoredStreamTable st = StreamTables.create(c, query.getKey(), query.getValue(), Mode.DIFFERENTIAL, null);
        assertEquals(Mode.DIFFERENTIAL, st.effectiveMode());
      }
      db.execute("INSERT INTO adm_moods VALUES (1, 'sad'), (2, 'ok'), (3, 'happy'), (4, NULL)");
      queries.keySet().forEach(name -> refresh(c, name));
      assertEquals(3L, db.scalar("SELECT count(*) FROM adm_between"));
      assertEquals(1L, db.scalar("SELECT count(*) FROM adm_greater"));
      db.execute("UPDATE adm_moods SET m = 'happy' WHERE id = 1", "DELETE FROM adm_moods WHERE id = 3");
      queries.keySet().forEach(name -> refresh(c, name));
      assertEquals(1L, db.scalar("SELECT count(*) FROM adm_greater"));
    }
  }

  /**
   * One expression compared with several different constants of a type carried by name is maintained (it
   * was refused as FR001 while Calcite decided {@code doc = '1' AND doc = '1.0'} by the constants' text and
   * planned no rows, where PostgreSQL finds the two jsonb values equal), on a table empty at create.
   */
  @Test
  void severalConstantsOfANamedTypeOnOneExpressionAreMaintained(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE adm_docs (id int PRIMARY KEY, doc jsonb, ip inet)");
    try (Connection c = db.connect()) {
      java.util.Map<String, String> queries = new java.util.LinkedHashMap<>();
      queries.put("adm_jsonb", "SELECT id FROM adm_docs WHERE doc = '1'::jsonb AND doc = '1.0'::jsonb");
      queries.put("adm_inet", "SELECT id FROM adm_docs WHERE ip = '10.0.0.1'::inet AND ip <> '10.0.0.1/32'::inet");
      queries.put("adm_in", "SELECT id FROM adm_docs WHERE doc IN ('1'::jsonb, '2'::jsonb)");
      for (var query : queries.entrySet()) {
        StoredStreamTable st = StreamTables.create(c, query.getKey(), query.getValue(), Mode.DIFFERENTIAL, null);
        assertEquals(Mode.DIFFERENTIAL, st.effectiveMode());
      }
      db.execute("INSERT INTO adm_docs VALUES (1, '1', '10.0.0.1'), (2, '2', '10.0.0.1/32'), (3, '1.00', NULL)");
      queries.keySet().forEach(name -> refresh(c, name));
      assertEquals(2L, db.scalar("SELECT count(*) FROM adm_jsonb"));
      assertEquals(0L, db.scalar("SELECT count(*) FROM adm_inet"));
      assertEquals(3L, db.scalar("SELECT count(*) FROM adm_in"));
      db.execute("INSERT INTO adm_docs VALUES (4, '2.0', NULL)", "UPDATE adm_docs SET doc = '1.0' WHERE id = 2");
      queries.keySet().forEach(name -> refresh(c, name));
      assertEquals(3L, db.scalar("SELECT count(*) FROM adm_jsonb"));
    }
  }

  /**
   * A system catalog is FR007, named and pointed at: Freshet's planner does not see PostgreSQL's catalogs, and
   * said FR008 "relation "pg_class" does not exist", which PostgreSQL had just contradicted. AUTO runs it FULL.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "pg_class             | \"pg_catalog\".\"pg_class\" is a system catalog, | SELECT * FROM pg_class",
      "pg_catalog.pg_namespace | \"pg_catalog\".\"pg_namespace\" is a system catalog, | SELECT t.id, n.nspname FROM t JOIN pg_catalog.pg_namespace n ON n.oid = t.g",
      "information_schema.schemata | \"information_schema\".\"schemata\" is a system catalog view, | SELECT schema_name FROM information_schema.schemata"})
  void aSystemCatalogIsAnUnsupportedSource(String table, String message, String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> StreamTables.create(c, "sys_d", sql, Mode.DIFFERENTIAL, null));
      assertEquals("FR007", refused.refusal().reason().code(), refused.render());
      assertTrue(refused.getMessage().contains(message), refused.render());
      assertEquals(sql.indexOf(table) + 1, refused.refusal().position().column(), refused.render());
      assertTrue(refused.refusal().fix().contains("--mode FULL or AUTO"), refused.refusal().fix());
    }
  }

  @Test
  void aSystemCatalogRunsFullInAuto(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      StoredStreamTable auto = StreamTables.create(c, "sys_auto",
          "SELECT nspname FROM pg_namespace WHERE nspname IN ('public', 'sys_schema')", Mode.AUTO, null);
      assertEquals(Mode.FULL, auto.effectiveMode());
      String reason = auto.fallbackReason().orElseThrow();
      assertTrue(reason.startsWith("FR007") && reason.contains("\"pg_catalog\".\"pg_namespace\""), reason);
      Oracle.assertFresh(c, "sys_auto");
      db.execute("CREATE SCHEMA sys_schema");
      Oracle.refreshAndCheck(c, "sys_auto", Mode.FULL);
      assertEquals(2L, db.scalar("SELECT count(*) FROM sys_auto"));
    }
  }

  private static void refresh(Connection c, String name) {
    try {
      Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(name, e);
    }
  }
}
