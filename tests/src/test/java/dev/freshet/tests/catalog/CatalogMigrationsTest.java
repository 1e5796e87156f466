package dev.freshet.tests.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.catalog.CatalogMigrations;
import dev.freshet.runtime.catalog.CatalogTooNewException;
import dev.freshet.tests.harness.OlderCatalog;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The catalog's versioned migrations on a real PostgreSQL: fresh installs, upgrades, refusals, races. */
@PostgresTest
class CatalogMigrationsTest {

  /** Everything the catalog consists of, as text: compared between install paths. */
  private static final String CATALOG_SHAPE = """
      SELECT 'column ' || c.relname || '.' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
             || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
             || coalesce(' DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), '')
             || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname IN ('freshet', 'freshet_changes', 'freshet_state') AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      UNION ALL
      SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_catalog.pg_get_constraintdef(k.oid)
      FROM pg_catalog.pg_constraint k
      JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('freshet', 'freshet_changes', 'freshet_state')
      UNION ALL
      SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid)
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('freshet', 'freshet_changes', 'freshet_state')
      UNION ALL
      SELECT 'schema ' || n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname IN ('freshet', 'freshet_changes', 'freshet_state')
      UNION ALL
      -- each function's text, so that every upgrade path ends with the functions of a fresh install
      -- (R__refresh_functions.sql, applied with the last step)
      SELECT 'function ' || p.oid::pg_catalog.regprocedure::text || ' ' || pg_catalog.md5(p.prosrc)
      FROM pg_catalog.pg_proc p
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'freshet'
      ORDER BY 1""";

  private TestDatabase db;

  @BeforeEach
  void dropCatalog(TestDatabase db) throws SQLException {
    this.db = db;
    db.execute("DROP SCHEMA IF EXISTS freshet CASCADE", "DROP SCHEMA IF EXISTS freshet_changes CASCADE",
        "DROP SCHEMA IF EXISTS freshet_state CASCADE");
  }

  @Test
  void installsTheLatestCatalogIntoAnEmptyDatabase() throws SQLException {
    try (Connection c = db.connect()) {
      assertEquals(0, CatalogMigrations.currentVersion(c));
      assertEquals(CatalogMigrations.LATEST, CatalogMigrations.migrate(c));
      assertEquals(CatalogMigrations.LATEST, CatalogMigrations.currentVersion(c));
      assertTrue(c.getAutoCommit());
    }
    assertEquals(List.of(List.of(1, "catalog")), db.query("SELECT version, description FROM freshet.schema_version "
        + "WHERE version = 1"));
    assertEquals(CatalogMigrations.LATEST, ((Number) db.scalar("SELECT count(*) FROM freshet.schema_version"))
        .intValue());
    List<Object> tables = db.query("""
        SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('freshet', 'freshet_changes', 'freshet_state') AND c.relkind = 'r' ORDER BY 1""")
        .stream().map(row -> row.get(0)).toList();
    assertEquals(List.of("freshet.change_buffers", "freshet.refresh_history", "freshet.refresh_programs",
        "freshet.refresh_sources", "freshet.schema_version", "freshet.stream_table_sources", "freshet.stream_tables"),
        tables);
    assertEquals(List.of(
            "id bigint", "schema_name name", "table_name name", "owner_role name", "defining_query text",
            "requested_mode text", "effective_mode text", "fallback_reason text", "notes text[]", "schedule text",
            "status text", "last_snapshot pg_snapshot", "last_refresh_at timestamp with time zone",
            "last_error text", "created_at timestamp with time zone", "search_path name[]",
            "recomputes_every_refresh boolean", "reconcile_check text", "resumed_at timestamp with time zone",
            "recompute_ms double precision", "pending_rebuild text", "rebuild_step text",
            "rebuilt_at timestamp with time zone", "settings jsonb", "filled_history_id bigint",
            "read_columns text", "read_attributes jsonb", "plan_revision integer", "plan_constraints jsonb"),
        columns("stream_tables"));
    assertEquals(List.of("source_relid oid", "source_schema name", "source_table name", "buffer_table name",
        "captured_columns name[]", "created_at timestamp with time zone", "captured_attnums smallint[]",
        "captured_layout text", "marker_reason text", "marker_xid xid8", "descendants oid[]", "ancestors oid[]"),
        columns("change_buffers"));
    assertEquals(List.of("stream_table_id bigint", "source_relid oid", "source_schema name", "source_table name",
        "columns name[]", "column_types jsonb", "row_security text", "capture_stamp text[]"),
        columns("stream_table_sources"));
    assertEquals(List.of("id bigint", "stream_table_id bigint", "started_at timestamp with time zone",
        "finished_at timestamp with time zone", "mode_used text", "changed_sources text[]", "rows_inserted bigint",
        "rows_updated bigint", "rows_deleted bigint", "delta_rows bigint", "fallback_reason text", "error text",
        "window_rows bigint", "mode_reason text"),
        columns("refresh_history"));
    assertEquals(List.of("version integer", "description text", "applied_at timestamp with time zone"),
        columns("schema_version"));
    assertTrue(shape().contains(
        "index CREATE INDEX refresh_history_stream_table_idx ON freshet.refresh_history USING btree "
            + "(stream_table_id, id)"), shape().toString());
  }

  @Test
  void theCatalogTablesWork() throws SQLException {
    try (Connection c = db.connect()) {
      CatalogMigrations.migrate(c);
    }
    db.execute("""
        INSERT INTO freshet.stream_tables (schema_name, table_name, defining_query, requested_mode, effective_mode,
                                           fallback_reason)
        VALUES ('public', 'a', 'SELECT 1', 'AUTO', 'FULL', 'WINDOW_FUNCTION: not maintained'),
               ('public', 'b', 'SELECT 2', 'DIFFERENTIAL', 'DIFFERENTIAL', NULL)""",
        "INSERT INTO freshet.stream_table_sources VALUES (1, 'pg_class'::regclass, 'pg_catalog', 'pg_class', '{oid}')",
        "INSERT INTO freshet.refresh_history (stream_table_id, started_at, mode_used) VALUES (1, now(), 'FULL')");
    assertEquals(List.of(List.of("a", db.scalar("SELECT current_user"), "ACTIVE", "{}")),
        db.query("SELECT table_name, owner_role, status, notes::text FROM freshet.stream_tables WHERE id = 1"));
    // A mode never changes silently: DIFFERENTIAL runs DIFFERENTIAL, AUTO runs FULL only with a reason.
    assertCheckFails("INSERT INTO freshet.stream_tables (schema_name, table_name, defining_query, requested_mode, "
        + "effective_mode) VALUES ('public', 'c', 'SELECT 3', 'DIFFERENTIAL', 'FULL')");
    assertCheckFails("INSERT INTO freshet.stream_tables (schema_name, table_name, defining_query, requested_mode, "
        + "effective_mode) VALUES ('public', 'c', 'SELECT 3', 'AUTO', 'FULL')");
    assertCheckFails("UPDATE freshet.stream_tables SET status = 'ERROR' WHERE id = 1");
    db.execute("DELETE FROM freshet.stream_tables WHERE id = 1");
    assertEquals(0L, db.scalar("SELECT count(*) FROM freshet.stream_table_sources"));
    assertEquals(0L, db.scalar("SELECT count(*) FROM freshet.refresh_history"));
  }

  private void assertCheckFails(String sql) {
    SQLException e = assertThrows(SQLException.class, () -> db.execute(sql));
    assertEquals("23514", e.getSQLState(), e.getMessage());
  }

  @Test
  void aSecondRunIsANoOp() throws SQLException {
    try (Connection c = db.connect()) {
      CatalogMigrations.migrate(c);
      List<List<Object>> applied = db.query("SELECT version, applied_at FROM freshet.schema_version ORDER BY 1");
      List<String> shape = shape();
      c.setAutoCommit(false);
      assertEquals(CatalogMigrations.LATEST, CatalogMigrations.migrate(c));
      assertFalse(c.getAutoCommit(), "auto-commit is restored");
      c.commit();
      assertEquals(applied, db.query("SELECT version, applied_at FROM freshet.schema_version ORDER BY 1"));
      assertEquals(shape, shape());
    }
  }

  @Test
  void everyUpgradePathEndsInTheFreshInstall() throws Exception {
    try (Connection c = db.connect()) {
      CatalogMigrations.migrate(c);
    }
    List<String> fresh = shape();
    for (int k = 1; k <= CatalogMigrations.LATEST; k++) {
      dropCatalog(db);
      try (Connection c = db.connect()) {
        assertEquals(k, migrateTo(c, k), "migrating to " + k);
        assertEquals(k, CatalogMigrations.currentVersion(c));
        assertEquals(CatalogMigrations.LATEST, CatalogMigrations.migrate(c), "upgrading from " + k);
      }
      assertEquals(fresh, shape(), "upgrading from version " + k);
      assertEquals(CatalogMigrations.LATEST, ((Number) db.scalar("SELECT count(*) FROM freshet.schema_version"))
          .intValue());
    }
  }

  /**
   * Schedules were read in any case before V24 ({@code 1M} was a minute); now {@code M} alone is refused as
   * ambiguous (minutes or months?), so V24 lowers recorded schedules to the spelling that keeps their meaning.
   */
  @Test
  void aScheduleRecordedBeforeV24KeepsItsMeaning() throws Exception {
    try (Connection c = db.connect()) {
      assertEquals(20, migrateTo(c, 20));
    }
    db.execute("INSERT INTO freshet.stream_tables (schema_name, table_name, defining_query, requested_mode, "
        + "effective_mode, schedule) VALUES ('public', 'sc_a', 'SELECT 1', 'FULL', 'FULL', '1M'), "
        + "('public', 'sc_b', 'SELECT 1', 'FULL', 'FULL', '5 Minutes'), "
        + "('public', 'sc_c', 'SELECT 1', 'FULL', 'FULL', '30s'), ('public', 'sc_d', 'SELECT 1', 'FULL', 'FULL', NULL)");
    assertThrows(IllegalArgumentException.class, () -> dev.freshet.runtime.scheduler.Schedule.parse("1M"));
    try (Connection c = db.connect()) {
      assertEquals(CatalogMigrations.LATEST, CatalogMigrations.migrate(c));
    }
    List<List<Object>> schedules = db.query("SELECT table_name::text, schedule FROM freshet.stream_tables "
        + "ORDER BY table_name");
    assertEquals(List.of(List.of("sc_a", "1m"), List.of("sc_b", "5 minutes"), List.of("sc_c", "30s"),
        java.util.Arrays.asList("sc_d", null)), schedules);
    assertEquals(java.time.Duration.ofMinutes(1), dev.freshet.runtime.scheduler.Schedule.parse("1m").interval());
  }

  /**
   * V44 records each source's partitions, children and ancestors as they are, and makes the readers of a source that
   * has or had descendants recompute once (one may have left before, unseen); the step that installs the refresh
   * functions gives every stream table this version's capture check, which compares them.
   */
  @Test
  void v44RecordsTheRelatedTablesAndGivesEveryStreamTableTheNewCheck() throws Exception {
    try (Connection c = db.connect()) {
      assertEquals(43, migrateTo(c, 43));
    }
    db.execute("DROP TABLE IF EXISTS mig_p, mig_plain CASCADE",
        "CREATE TABLE mig_p (k int, v int) PARTITION BY RANGE (k)",
        "CREATE TABLE mig_p1 PARTITION OF mig_p FOR VALUES FROM (0) TO (10)",
        "CREATE TABLE mig_plain (k int)");
    for (String table : List.of("mig_p", "mig_p1", "mig_plain")) {
      long relid = ((Number) db.scalar("SELECT '" + table + "'::regclass::oid::bigint")).longValue();
      db.execute("CREATE TABLE freshet_changes.src_" + relid + " (\"__xid\" xid8 NOT NULL DEFAULT pg_current_xact_id(), "
              + "\"__w\" integer NOT NULL, \"__truncate\" boolean NOT NULL DEFAULT false)",
          "INSERT INTO freshet.change_buffers (source_relid, source_schema, source_table, buffer_table, captured_columns) "
              + "VALUES (" + relid + ", 'public', '" + table + "', 'src_" + relid + "', '{k}')");
    }
    db.execute("INSERT INTO freshet.stream_tables (schema_name, table_name, defining_query, requested_mode, "
        + "effective_mode, reconcile_check) VALUES ('public', 'mig_st', 'SELECT 1', 'FULL', 'FULL', 'SELECT NULL')");
    try (Connection c = db.connect()) {
      assertEquals(CatalogMigrations.LATEST, CatalogMigrations.migrate(c));
    }
    assertEquals(List.of(
            List.of("mig_p", "{mig_p1}", "{}", true),
            List.of("mig_p1", "{}", "{mig_p}", false),
            List.of("mig_plain", "{}", "{}", false)),
        db.query("SELECT source_table::text, descendants::regclass[]::text, ancestors::regclass[]::text, "
            + "marker_reason IS NOT NULL FROM freshet.change_buffers ORDER BY 1"));
    assertEquals(1L, ((Number) db.scalar("SELECT count(*) FROM freshet_changes.src_"
        + db.scalar("SELECT 'mig_p'::regclass::oid") + " WHERE \"__truncate\"")).longValue());
    assertEquals(dev.freshet.codegen.ddl.CaptureCatalogSql.needingReconcileArray(),
        db.scalar("SELECT reconcile_check FROM freshet.stream_tables WHERE table_name = 'mig_st'"));
    db.execute("DROP TABLE mig_p, mig_plain CASCADE");
  }

  @Test
  void refusesACatalogFromANewerFreshet() throws SQLException {
    try (Connection c = db.connect()) {
      CatalogMigrations.migrate(c);
      int newer = CatalogMigrations.LATEST + 1;
      db.execute("INSERT INTO freshet.schema_version (version, description) VALUES (" + newer + ", 'future')");
      List<String> shape = shape();
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      CatalogTooNewException e = assertThrows(CatalogTooNewException.class, () -> CatalogMigrations.migrate(c));
      assertEquals("the Freshet catalog in this database is at version " + newer + ", but this Freshet supports "
          + "catalog versions up to " + CatalogMigrations.LATEST + ": upgrade Freshet to use this database",
          e.getMessage());
      assertEquals(newer, e.databaseVersion());
      assertTrue(c.getAutoCommit());
      assertEquals(Connection.TRANSACTION_REPEATABLE_READ, c.getTransactionIsolation());
      assertEquals(newer, CatalogMigrations.currentVersion(c));
      assertEquals(shape, shape());
    }
  }

  @Test
  void refusesToRunInsideATransaction() throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("CREATE TABLE public.pending (x integer)");
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> CatalogMigrations.migrate(c));
      assertTrue(e.getMessage().contains("outside any transaction"), e.getMessage());
      c.rollback();
    }
    assertEquals(0L, db.scalar("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = 'freshet'"));
  }

  @Test
  void concurrentMigrationsApplyEachVersionOnce() throws Exception {
    int processes = 4;
    CyclicBarrier start = new CyclicBarrier(processes);
    ExecutorService pool = Executors.newFixedThreadPool(processes);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        results.add(pool.submit(() -> {
          try (Connection c = db.connect()) {
            // Every connection has looked for the catalog before any creates it.
            assertEquals(0, CatalogMigrations.currentVersion(c));
            start.await(30, TimeUnit.SECONDS);
            return CatalogMigrations.migrate(c);
          }
        }));
      }
      for (Future<Integer> result : results) {
        assertEquals(CatalogMigrations.LATEST, result.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(db.query("SELECT generate_series(1, " + CatalogMigrations.LATEST + ")"),
        db.query("SELECT version FROM freshet.schema_version ORDER BY version"));
  }

  /**
   * A migrator that waits for the lock while another session installs the catalog finds the work
   * done, although it looked the catalog up (and found nothing) before waiting.
   */
  @Test
  void aMigratorWaitingForTheLockSeesTheVersionCommittedBeforeIt() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection holder = db.connect(); Connection waiter = db.connect()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock = holder.prepareStatement("SELECT pg_catalog.pg_advisory_xact_lock(?)")) {
        lock.setLong(1, lockKey());
        lock.execute();
      }
      int waiterPid = pid(waiter);
      // The waiter looks the catalog up by name first, so its caches hold "does not exist".
      try (Statement s = waiter.createStatement()) {
        s.execute("SELECT pg_catalog.to_regclass('freshet.schema_version'), "
            + "pg_catalog.to_regnamespace('freshet')");
      }
      Future<Integer> waiting = pool.submit(() -> CatalogMigrations.migrate(waiter));
      awaitAdvisoryLockWait(waiterPid);
      // Do what a migrator does, by hand, while the other one waits.
      try (Statement s = holder.createStatement();
          PreparedStatement record = holder.prepareStatement(
              "INSERT INTO freshet.schema_version (version, description) VALUES (?, 'by hand')")) {
        s.execute(resource("V1__catalog.sql"));
        for (int v = 1; v <= CatalogMigrations.LATEST; v++) {
          record.setInt(1, v);
          record.executeUpdate();
        }
      }
      holder.commit();
      assertEquals(CatalogMigrations.LATEST, waiting.get(60, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertEquals((long) CatalogMigrations.LATEST, db.scalar("SELECT count(*) FROM freshet.schema_version "
        + "WHERE description = 'by hand'"));
  }

  /** Polls pg_locks (no sleeping) until {@code pid} waits for an advisory lock. */
  private void awaitAdvisoryLockWait(int pid) throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT EXISTS (SELECT FROM pg_catalog.pg_locks WHERE pid = ? AND locktype = 'advisory' AND NOT granted)")) {
      s.setInt(1, pid);
      while (true) {
        try (var rs = s.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("session " + pid + " never waited for the migration lock");
        }
        Thread.onSpinWait();
      }
    }
  }

  private static int pid(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static long lockKey() throws ReflectiveOperationException {
    Field key = CatalogMigrations.class.getDeclaredField("LOCK_KEY");
    key.setAccessible(true);
    return key.getLong(null);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = CatalogMigrations.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int migrateTo(Connection c, int target) throws Exception {
    return OlderCatalog.migrateTo(c, target);
  }

  private List<String> columns(String table) throws SQLException {
    return db.query("""
        SELECT a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = ('freshet.' || '%s')::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum""".formatted(table)).stream().map(row -> (String) row.get(0)).toList();
  }

  private List<String> shape() throws SQLException {
    return db.query(CATALOG_SHAPE).stream().map(row -> (String) row.get(0)).toList();
  }
}
