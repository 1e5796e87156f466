package dev.freshet.tests.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.runtime.capture.ChangeBuffer;
import dev.freshet.runtime.capture.ChangeCapture;
import dev.freshet.runtime.catalog.CatalogMigrations;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Change capture on a real PostgreSQL: the triggers' rows, widening, privileges, release and cleanup. */
@PostgresTest
class ChangeCaptureTest {

  private static TestDatabase db;

  @BeforeAll
  static void migrate(TestDatabase database) throws SQLException {
    db = database;
    try (Connection c = db.connect()) {
      CatalogMigrations.migrate(c);
    }
  }

  @BeforeEach
  void forgetConsumers() throws SQLException {
    db.execute("DELETE FROM freshet.stream_tables");
  }

  /** Runs {@code work} in one transaction and commits it. */
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private static <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      T result = work.run(c);
      c.commit();
      return result;
    }
  }

  private static ChangeBuffer ensure(String schema, String table, String... columns) throws SQLException {
    return inTransaction(c -> ChangeCapture.ensure(c, schema, table, List.of(columns)));
  }

  /** The buffer's rows in {@code __seq} order: {@code __w}, {@code __truncate}, then the captured columns. */
  private static List<List<Object>> rows(ChangeBuffer buffer) throws SQLException {
    String columns = buffer.capturedColumns().stream().map(name -> ", " + Quoting.identifier(name))
        .collect(Collectors.joining());
    return db.query("SELECT __w, __truncate" + columns + " FROM " + buffer.qualifiedBufferName() + " ORDER BY __seq");
  }

  private static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  private static long relid(String qualifiedName) throws SQLException {
    return ((Number) db.scalar("SELECT " + Quoting.literal(qualifiedName) + "::regclass::oid::bigint")).longValue();
  }

  @Test
  void capturesEachKindOfWriteWithItsWeights() throws SQLException {
    db.execute("CREATE TABLE public.items (id integer PRIMARY KEY, name text, price numeric(10,2), note text)");
    ChangeBuffer buffer = ensure("public", "items", "name");
    assertEquals(List.of("id", "name"), buffer.capturedColumns(), "the key is captured too, in source order");
    assertEquals("src_" + relid("public.items"), buffer.bufferTable());
    assertEquals("\"freshet_changes\".\"src_" + relid("public.items") + "\"", buffer.qualifiedBufferName());

    db.execute("INSERT INTO public.items VALUES (1, 'a', 1.50, 'x'), (2, 'b', 2.00, 'y'), (3, 'c', 3.00, 'z')");
    assertEquals(List.of(row(1, false, 1, "a"), row(1, false, 2, "b"), row(1, false, 3, "c")), rows(buffer));

    db.execute("DELETE FROM " + buffer.qualifiedBufferName(),
        "UPDATE public.items SET name = upper(name) WHERE id <= 2");
    List<List<Object>> updated = rows(buffer);
    assertEquals(List.of(row(-1, false, 1, "a"), row(-1, false, 2, "b"), row(1, false, 1, "A"), row(1, false, 2, "B")),
        updated.stream().sorted((x, y) -> ((Integer) x.get(0) * 10 + (Integer) x.get(2))
            - ((Integer) y.get(0) * 10 + (Integer) y.get(2))).toList());
    assertEquals(List.of(-1, -1, 1, 1), updated.stream().map(r -> r.get(0)).toList(),
        "an UPDATE writes the old rows, then the new ones");

    // An update of a column no consumer reads still changes rows: -1 and +1 of the same captured values.
    db.execute("DELETE FROM " + buffer.qualifiedBufferName(), "UPDATE public.items SET price = 9 WHERE id = 3");
    assertEquals(List.of(row(-1, false, 3, "c"), row(1, false, 3, "c")), rows(buffer));

    db.execute("DELETE FROM " + buffer.qualifiedBufferName(), "DELETE FROM public.items WHERE id = 3");
    assertEquals(List.of(row(-1, false, 3, "c")), rows(buffer));

    db.execute("DELETE FROM " + buffer.qualifiedBufferName(), "TRUNCATE public.items");
    assertEquals(List.of(row(0, true, null, null)), rows(buffer));

    // A statement that changes no row writes nothing.
    db.execute("DELETE FROM " + buffer.qualifiedBufferName(), "UPDATE public.items SET name = 'q' WHERE false",
        "DELETE FROM public.items");
    assertEquals(List.of(), rows(buffer));
  }

  @Test
  void upsertsAndMergeAreCapturedAsInsertsAndUpdates() throws SQLException {
    db.execute("CREATE TABLE public.upserted (id integer PRIMARY KEY, v integer)",
        "INSERT INTO public.upserted VALUES (1, 10)");
    ChangeBuffer buffer = ensure("public", "upserted", "v");
    db.execute("INSERT INTO public.upserted VALUES (1, 11), (2, 20) ON CONFLICT (id) DO UPDATE SET v = excluded.v");
    assertEquals(List.of(row(-1, false, 1, 10), row(1, false, 1, 11), row(1, false, 2, 20)),
        rows(buffer).stream().sorted((x, y) -> (Integer) x.get(3) - (Integer) y.get(3)).toList());
    db.execute("DELETE FROM " + buffer.qualifiedBufferName(), """
        MERGE INTO public.upserted t USING (VALUES (1, 12), (3, 30)) AS s (id, v) ON t.id = s.id
        WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)""");
    assertEquals(List.of(row(-1, false, 1, 11), row(1, false, 1, 12), row(1, false, 3, 30)),
        rows(buffer).stream().sorted((x, y) -> (Integer) x.get(3) - (Integer) y.get(3)).toList());
  }

  @Test
  void aMultiRowStatementWritesOneRowPerRow() throws SQLException {
    db.execute("CREATE TABLE public.many (id integer, v integer)");
    ChangeBuffer buffer = ensure("public", "many", "id");
    assertEquals(List.of("id"), buffer.capturedColumns(), "no primary key: only what consumers need");
    db.execute("INSERT INTO public.many SELECT g, g % 7 FROM generate_series(1, 500) g");
    db.execute("UPDATE public.many SET v = v + 1 WHERE id <= 100");
    assertEquals(List.of(row(500L, 1L, 500L), row(100L, -1L, 100L), row(100L, 1L, 100L)), db.query(
        "SELECT count(*), min(__w)::bigint, count(DISTINCT id) FROM " + buffer.qualifiedBufferName()
            + " GROUP BY __xid, __w ORDER BY min(__seq)"));
  }

  @Test
  void rolledBackWritesLeaveNothing() throws SQLException {
    db.execute("CREATE TABLE public.undone (id integer PRIMARY KEY)");
    ChangeBuffer buffer = ensure("public", "undone");
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("INSERT INTO public.undone VALUES (1), (2)");
      s.execute("TRUNCATE public.undone");
      c.rollback();
      s.execute("INSERT INTO public.undone VALUES (3)");
      s.execute("SAVEPOINT sp");
      s.execute("INSERT INTO public.undone VALUES (4)");
      s.execute("ROLLBACK TO SAVEPOINT sp");
      c.commit();
    }
    assertEquals(List.of(row(1, false, 3)), rows(buffer));
  }

  @Test
  void xidIsTheWritingTransactions() throws SQLException {
    db.execute("CREATE TABLE public.stamped (id integer PRIMARY KEY)");
    ChangeBuffer buffer = ensure("public", "stamped");
    String xid;
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("INSERT INTO public.stamped VALUES (1)");
      s.execute("SAVEPOINT sp");
      s.execute("INSERT INTO public.stamped VALUES (2)");
      s.execute("RELEASE SAVEPOINT sp");
      try (ResultSet rs = s.executeQuery("SELECT pg_current_xact_id()::text")) {
        rs.next();
        xid = rs.getString(1);
      }
      c.commit();
    }
    assertEquals(List.of(row(xid), row(xid)), db.query("SELECT __xid::text FROM " + buffer.qualifiedBufferName()));
  }

  @Test
  void wideningAddsColumnsThatLaterWritesFill() throws SQLException {
    db.execute("CREATE TABLE public.wide (id integer PRIMARY KEY, a text, b integer, c date)");
    ChangeBuffer narrow = ensure("public", "wide", "b");
    assertEquals(List.of("id", "b"), narrow.capturedColumns());
    db.execute("INSERT INTO public.wide VALUES (1, 'one', 10, '2024-01-01')");

    ChangeBuffer wide = ensure("public", "wide", "c", "a");
    assertEquals(List.of("id", "b", "a", "c"), wide.capturedColumns(), "added columns are appended");
    db.execute("INSERT INTO public.wide VALUES (2, 'two', 20, '2024-01-02')",
        "UPDATE public.wide SET a = 'uno' WHERE id = 1");
    assertEquals(List.of(
            row(1, false, 1, 10, null, null),
            row(1, false, 2, 20, "two", java.sql.Date.valueOf("2024-01-02")),
            row(-1, false, 1, 10, "one", java.sql.Date.valueOf("2024-01-01")),
            row(1, false, 1, 10, "uno", java.sql.Date.valueOf("2024-01-01"))),
        rows(wide));

    // A consumer needing fewer columns never narrows the buffer.
    assertEquals(wide, ensure("public", "wide", "b"));
    assertEquals(Optional.of(wide), inTransaction(c -> ChangeCapture.find(c, wide.sourceRelid())));
    assertEquals("{id,b,a,c}", db.scalar("SELECT captured_columns::text FROM freshet.change_buffers "
        + "WHERE buffer_table = " + Quoting.literal(wide.bufferTable())));
    assertEquals(List.of(row("id", "integer"), row("b", "integer"), row("a", "text"), row("c", "date")),
        bufferColumnTypes(wide));
  }

  @Test
  void ensuringAnUpToDateBufferChangesNothingAndLocksNothing() throws SQLException {
    db.execute("CREATE TABLE public.steady (id integer PRIMARY KEY, v integer)");
    ChangeBuffer buffer = ensure("public", "steady", "v");
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      assertEquals(buffer, ChangeCapture.ensure(c, "public", "steady", List.of("v", "id")));
      try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_catalog.pg_locks "
          + "WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = ?::oid "
          + "AND mode = 'ShareRowExclusiveLock'")) {
        s.setLong(1, buffer.sourceRelid());
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          assertEquals(0, rs.getInt(1));
        }
      }
      c.rollback();
    }
  }

  /** Two stream tables on one new source, created at once: the second waits, then widens the first's buffer. */
  @Test
  void concurrentEnsuresOfOneSourceBothSucceed() throws Exception {
    db.execute("CREATE TABLE public.contended (id integer PRIMARY KEY, a text, b text)");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection first = db.connect(); Connection second = db.connect()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      ChangeCapture.ensure(first, "public", "contended", List.of("a"));
      int secondPid = pid(second);
      Future<ChangeBuffer> waiting = pool.submit(() -> {
        ChangeBuffer buffer = ChangeCapture.ensure(second, "public", "contended", List.of("b"));
        second.commit();
        return buffer;
      });
      awaitLockWait(secondPid);
      first.commit();
      assertEquals(List.of("id", "a", "b"), waiting.get(60, TimeUnit.SECONDS).capturedColumns());
    } finally {
      pool.shutdownNow();
    }
    ChangeBuffer buffer = ensure("public", "contended");
    assertEquals(List.of("id", "a", "b"), buffer.capturedColumns());
    db.execute("INSERT INTO public.contended VALUES (1, 'x', 'y')");
    assertEquals(List.of(row(1, false, 1, "x", "y")), rows(buffer));
  }

  /** Polls pg_locks (no sleeping) until the session {@code pid} waits for a lock. */
  private static void awaitLockWait(int pid) throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT EXISTS (SELECT FROM pg_catalog.pg_locks WHERE pid = ? AND NOT granted)")) {
      s.setInt(1, pid);
      while (true) {
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("session " + pid + " never waited for a lock");
        }
        Thread.onSpinWait();
      }
    }
  }

  private static int pid(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void ensureRepairsAMissingTrigger() throws SQLException {
    db.execute("CREATE TABLE public.repaired (id integer PRIMARY KEY)");
    ChangeBuffer buffer = ensure("public", "repaired");
    db.execute("DROP TRIGGER freshet_capture_del ON public.repaired");
    ensure("public", "repaired");
    db.execute("INSERT INTO public.repaired VALUES (1)", "DELETE FROM public.repaired");
    // and writes a marker: deletes made while it was missing went uncaptured (catalog V45)
    assertEquals(List.of(row(0, true, null), row(1, false, 1), row(-1, false, 1)), rows(buffer));
  }

  @Test
  void hostileNamesWork() throws SQLException {
    String schema = "My \"Schema\" ü";
    String table = "select";
    List<String> columns = List.of("Col \"Q\"", "Ünï Çødé ✓", "select", "UPPER", "with space", "$freshet$");
    db.execute("CREATE SCHEMA " + Quoting.identifier(schema),
        "CREATE TABLE " + Quoting.qualified(schema, table) + " (" + columns.stream()
            .map(name -> Quoting.identifier(name) + " text").collect(Collectors.joining(", "))
            + ", \"id\" integer, PRIMARY KEY (\"Col \"\"Q\"\"\"))");
    ChangeBuffer buffer = ensure(schema, table, columns.subList(1, columns.size()).toArray(String[]::new));
    assertEquals(columns, buffer.capturedColumns());
    assertEquals(schema, buffer.sourceSchema());
    assertEquals(table, buffer.sourceTable());
    assertEquals(columns.stream().map(name -> row(name, "text")).toList(), bufferColumnTypes(buffer));

    String target = Quoting.qualified(schema, table);
    db.execute("INSERT INTO " + target + " VALUES ('k', 'ü', 's', 'U', ' ', '$', 1)",
        "UPDATE " + target + " SET \"select\" = 'S'",
        "DELETE FROM " + target,
        "TRUNCATE " + target);
    assertEquals(List.of(
            row(1, false, "k", "ü", "s", "U", " ", "$"),
            row(-1, false, "k", "ü", "s", "U", " ", "$"),
            row(1, false, "k", "ü", "S", "U", " ", "$"),
            row(-1, false, "k", "ü", "S", "U", " ", "$"),
            row(0, true, null, null, null, null, null, null)),
        rows(buffer));
    // Names are exact: the schema in another case is another (missing) schema.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ensure(schema.toLowerCase(java.util.Locale.ROOT), table));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void aWriterWithoutPrivilegesOnTheBuffersIsStillCaptured() throws SQLException {
    db.execute("CREATE TABLE public.guarded (id integer PRIMARY KEY, v text)");
    ChangeBuffer buffer = ensure("public", "guarded", "v");
    String role = "freshet \"writer\" " + ProcessHandle.current().pid() + " " + db.name().hashCode();
    String quotedRole = Quoting.identifier(role);
    db.execute("CREATE ROLE " + quotedRole + " NOLOGIN",
        "GRANT USAGE ON SCHEMA public TO " + quotedRole,
        "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.guarded TO " + quotedRole);
    try {
      assertEquals(List.of(row(false, false, false)), db.query("SELECT "
          + "has_schema_privilege(" + Quoting.literal(role) + ", 'freshet_changes', 'USAGE'), "
          + "has_table_privilege(" + Quoting.literal(role) + ", " + Quoting.literal(buffer.qualifiedBufferName())
          + ", 'INSERT'), "
          + "has_function_privilege(" + Quoting.literal(role) + ", "
          + Quoting.literal("freshet_changes." + buffer.bufferTable() + "_ins()") + ", 'EXECUTE')"));
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        s.execute("SET ROLE " + quotedRole);
        s.execute("INSERT INTO public.guarded VALUES (1, 'a')");
        s.execute("UPDATE public.guarded SET v = 'b'");
        s.execute("DELETE FROM public.guarded");
        s.execute("TRUNCATE public.guarded");
        SQLException denied = assertThrows(SQLException.class,
            () -> s.execute("SELECT count(*) FROM " + buffer.qualifiedBufferName()));
        assertEquals("42501", denied.getSQLState());
      }
    } finally {
      db.execute("DROP OWNED BY " + quotedRole, "DROP ROLE " + quotedRole);
    }
    assertEquals(List.of(row(1, false, 1, "a"), row(-1, false, 1, "a"), row(1, false, 1, "b"),
        row(-1, false, 1, "b"), row(0, true, null, null)), rows(buffer));
  }

  @Test
  void partitionedTablesAreCapturedThroughTheirParent() throws SQLException {
    db.execute("CREATE TABLE public.parted (id integer, region text, PRIMARY KEY (id, region)) "
            + "PARTITION BY LIST (region)",
        "CREATE TABLE public.parted_eu PARTITION OF public.parted FOR VALUES IN ('eu')",
        "CREATE TABLE public.parted_us PARTITION OF public.parted FOR VALUES IN ('us')");
    ChangeBuffer buffer = ensure("public", "parted");
    assertEquals(List.of("id", "region"), buffer.capturedColumns());
    db.execute("INSERT INTO public.parted VALUES (1, 'eu'), (2, 'us')",
        "UPDATE public.parted SET region = 'us' WHERE id = 1",
        "TRUNCATE public.parted");
    // TRUNCATE of the parent truncates, and fires the TRUNCATE triggers of, each partition too: a
    // marker each (one would do; a marker means "recompute in full").
    assertEquals(List.of(row(1, false, 1, "eu"), row(1, false, 2, "us"), row(-1, false, 1, "eu"),
        row(1, false, 1, "us"), row(0, true, null, null), row(0, true, null, null), row(0, true, null, null)),
        rows(buffer));
    // A statement naming a partition is not captured row by row: it writes a marker.
    db.execute("INSERT INTO public.parted_eu VALUES (3, 'eu')");
    List<List<Object>> after = rows(buffer);
    assertEquals(row(0, true, null, null), after.get(after.size() - 1));
    assertEquals(8, after.size());
  }

  @Test
  void domainsBecomeTheirBaseTypesAndCollationsAreKept() throws SQLException {
    db.execute("CREATE DOMAIN public.amount AS numeric(12,2) NOT NULL CHECK (VALUE >= 0)",
        "CREATE DOMAIN public.amount2 AS public.amount",
        "CREATE TABLE public.typed (id bigint PRIMARY KEY, a public.amount2, "
            + "code varchar(8) COLLATE \"C\", t timestamp(3) with time zone, n numeric, arr integer[])");
    ChangeBuffer buffer = ensure("public", "typed", "a", "code", "t", "n", "arr");
    assertEquals(List.of(row("id", "bigint"), row("a", "numeric(12,2)"), row("code", "character varying(8)"),
        row("t", "timestamp(3) with time zone"), row("n", "numeric"), row("arr", "integer[]")),
        bufferColumnTypes(buffer));
    assertEquals("C", db.scalar("SELECT co.collname::text FROM pg_catalog.pg_attribute a "
        + "JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
        + "WHERE a.attrelid = " + Quoting.literal(buffer.qualifiedBufferName()) + "::regclass AND a.attname = 'code'"));
    db.execute("INSERT INTO public.typed VALUES (1, 2.5, 'x', '2024-01-01 00:00:00+00', 1.25, '{1,2}')",
        "TRUNCATE public.typed");
    List<List<Object>> rows = rows(buffer);
    assertEquals(2, rows.size());
    assertEquals(new BigDecimal("2.50"), rows.get(0).get(3));
    assertEquals(row(0, true, null, null, null, null, null, null), rows.get(1));
  }

  @Test
  void releaseRemovesUnusedCaptureAndKeepsUsedCapture() throws SQLException {
    db.execute("CREATE TABLE public.unused (id integer PRIMARY KEY)",
        "CREATE TABLE public.used (id integer PRIMARY KEY)",
        "CREATE TABLE public.dropped (id integer PRIMARY KEY)");
    ChangeBuffer unused = ensure("public", "unused");
    ChangeBuffer used = ensure("public", "used");
    ChangeBuffer dropped = ensure("public", "dropped");
    long consumer = addConsumer("consumer_of_used", null, used);
    assertEquals(List.of(5L, 5L, 1L), captureObjects(unused));

    assertTrue(release(unused));
    assertEquals(List.of(0L, 0L, 0L), captureObjects(unused));
    assertEquals(Optional.empty(), inTransaction(c -> ChangeCapture.find(c, unused.sourceRelid())));
    db.execute("INSERT INTO public.unused VALUES (1)", "TRUNCATE public.unused");
    assertFalse(release(unused), "nothing left");

    assertFalse(release(used));
    assertEquals(List.of(5L, 5L, 1L), captureObjects(used));
    assertEquals(Optional.of(used), inTransaction(c -> ChangeCapture.find(c, used.sourceRelid())));
    db.execute("DELETE FROM freshet.stream_tables WHERE id = " + consumer);
    assertTrue(release(used));
    assertEquals(List.of(0L, 0L, 0L), captureObjects(used));

    // Dropping a captured source is refused, naming the guard view; with CASCADE the source takes its
    // triggers and guard along, and release removes the rest.
    SQLException refused = assertThrows(SQLException.class, () -> db.execute("DROP TABLE public.dropped"));
    assertTrue(refused.getMessage().contains("_columns_in_use"), refused.getMessage());
    db.execute("DROP TABLE public.dropped CASCADE");
    assertTrue(release(dropped));
    assertEquals(List.of(0L, 0L, 0L), captureObjects(dropped));
    assertEquals(0L, db.scalar("SELECT count(*) FROM freshet.change_buffers WHERE source_relid IN ("
        + unused.sourceRelid() + ", " + used.sourceRelid() + ", " + dropped.sourceRelid() + ")"));
  }

  /**
   * DDL on the columns of a captured source is not refused (the guard view reads none of them): a column
   * that is not captured changing type, or one after the last captured one dropped, changes nothing for
   * capture; after one before it dropped, or a captured one retyped or dropped, the functions read each
   * captured column still there with its type where it is now and NULL for the others (never misread by
   * position, never failing the application's write), until reconcile rebuilds capture for the new layout,
   * the buffer's column with its new type, with no marker (the stream tables reading such a column are
   * marked to recompute instead: UnreadColumnDdlScenarioTest). Without the guard view, writes are markers.
   */
  @Test
  void ddlOnTheColumnsOfASourceGoesThroughAndCaptureFollowsIt() throws Exception {
    db.execute("CREATE TABLE public.ddl_guarded (id int PRIMARY KEY, spare int, v int, tail int)");
    ChangeBuffer buffer = ensure("public", "ddl_guarded", "v");
    long relid = buffer.sourceRelid();
    db.execute("ALTER TABLE public.ddl_guarded ALTER COLUMN spare TYPE text",
        "ALTER TABLE public.ddl_guarded DROP COLUMN tail", "ALTER TABLE public.ddl_guarded ADD COLUMN extra text",
        "INSERT INTO public.ddl_guarded (id, spare, v) VALUES (1, 'x', 2)");
    assertFalse(needsReconcile(relid));
    assertEquals(List.of(row(1, false, 1, 2)), rows(buffer));

    db.execute("ALTER TABLE public.ddl_guarded ALTER COLUMN v TYPE bigint",
        "INSERT INTO public.ddl_guarded (id, v) VALUES (2, 5000000000)", "UPDATE public.ddl_guarded SET v = 3");
    assertEquals(List.of(row(1, false, 1, 2), row(1, false, 2, null), row(-1, false, 1, null),
        row(-1, false, 2, null), row(1, false, 1, null), row(1, false, 2, null)), rows(buffer),
        "after the type change the rows are captured with v NULL (its readers recompute), never read for the old type");
    assertTrue(needsReconcile(relid));
    assertTrue(reconcile(relid));
    assertFalse(needsReconcile(relid));
    assertEquals(List.of(row("id", "integer"), row("v", "bigint")), bufferColumnTypes(buffer));
    db.execute("DELETE FROM " + buffer.qualifiedBufferName(), "INSERT INTO public.ddl_guarded (id, v) VALUES (3, 6000000000)");
    assertEquals(List.of(row(1, false, 3, 6000000000L)), rows(buffer));

    // A column before the captured one dropped that nothing captures: positions shift, and the functions read
    // the captured columns where they are now (catalog V27; before, capture stopped with a marker); reconcile
    // writes them anew for the new layout, with no marker: no stream table on the source has to recompute.
    db.execute("ALTER TABLE public.ddl_guarded DROP COLUMN spare", "DELETE FROM " + buffer.qualifiedBufferName(),
        "UPDATE public.ddl_guarded SET v = 7 WHERE id = 3", "INSERT INTO public.ddl_guarded (id, v) VALUES (4, 4)",
        "DELETE FROM public.ddl_guarded WHERE id = 4");
    assertEquals(List.of(row(-1, false, 3, 6000000000L), row(1, false, 3, 7L), row(1, false, 4, 4L),
        row(-1, false, 4, 4L)), rows(buffer));
    assertTrue(needsReconcile(relid));
    db.execute("DELETE FROM " + buffer.qualifiedBufferName());
    assertTrue(reconcile(relid));
    assertFalse(needsReconcile(relid));
    assertEquals(List.of(), rows(buffer), "no marker");
    db.execute("UPDATE public.ddl_guarded SET v = 8 WHERE id = 3");
    assertEquals(List.of(row(-1, false, 3, 7L), row(1, false, 3, 8L)), rows(buffer));

    // A captured column dropped and added again under its name is another column: NULL until reconcile, which
    // captures the new one (its readers are marked to recompute; this source has none), with no marker
    db.execute("ALTER TABLE public.ddl_guarded DROP COLUMN v", "ALTER TABLE public.ddl_guarded ADD COLUMN v bigint",
        "DELETE FROM " + buffer.qualifiedBufferName(), "UPDATE public.ddl_guarded SET v = 9 WHERE id = 3");
    assertEquals(List.of(row(-1, false, 3, null), row(1, false, 3, null)), rows(buffer));
    db.execute("DELETE FROM " + buffer.qualifiedBufferName());
    assertTrue(reconcile(relid));
    db.execute("UPDATE public.ddl_guarded SET v = 10 WHERE id = 3");
    assertEquals(List.of(row(-1, false, 3, 9L), row(1, false, 3, 10L)), rows(buffer), "no marker; the new v captured");
  }

  private static boolean needsReconcile(long relid) throws SQLException {
    Boolean needs = inTransaction(c -> ChangeCapture.needsReconcile(c, relid));
    return needs;
  }

  private static boolean reconcile(long relid) throws SQLException {
    Boolean changed = inTransaction(c -> ChangeCapture.reconcile(c, relid));
    return changed;
  }

  private static boolean release(ChangeBuffer buffer) throws SQLException {
    return inTransaction(c -> ChangeCapture.releaseIfUnused(c, buffer.sourceRelid()));
  }

  /** Triggers on the source, functions and buffer tables in freshet_changes. */
  private static List<Long> captureObjects(ChangeBuffer buffer) throws SQLException {
    List<Object> counts = db.query("SELECT "
        + "(SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgrelid = " + buffer.sourceRelid()
        + " AND tgname LIKE 'freshet\\_%'), "
        + "(SELECT count(*) FROM pg_catalog.pg_proc WHERE pronamespace = 'freshet_changes'::regnamespace "
        + "AND proname LIKE " + Quoting.literal(buffer.bufferTable() + "\\_%") + "), "
        + "(SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace = 'freshet_changes'::regnamespace "
        + "AND relname = " + Quoting.literal(buffer.bufferTable()) + ")").get(0);
    return counts.stream().map(n -> (Long) n).toList();
  }

  @Test
  void cleanupDeletesExactlyTheRowsEveryConsumerHasSeen() throws SQLException {
    db.execute("CREATE TABLE public.cleaned (id integer PRIMARY KEY)");
    ChangeBuffer buffer = ensure("public", "cleaned");
    db.execute("INSERT INTO public.cleaned VALUES (1)");
    String afterFirst = snapshot();
    String beforeLate;
    String afterAll;
    try (Connection late = db.connect(); Statement s = late.createStatement()) {
      // A transaction that starts first (smaller xid) and commits last.
      late.setAutoCommit(false);
      s.execute("INSERT INTO public.cleaned VALUES (2)");
      db.execute("INSERT INTO public.cleaned VALUES (3)");
      beforeLate = snapshot();
      late.commit();
      afterAll = snapshot();
    }
    assertTrue((Boolean) db.scalar("SELECT min(__xid::text::bigint) FILTER (WHERE id = 2) "
        + "< min(__xid::text::bigint) FILTER (WHERE id = 3) FROM " + buffer.qualifiedBufferName()));

    long early = addConsumer("early", afterFirst, buffer);
    long middle = addConsumer("middle", beforeLate, buffer);
    addConsumer("current", afterAll, buffer);
    assertEquals(1L, cleanup(buffer), "only the first row is visible in every snapshot");
    assertEquals(List.of(row(1, false, 2), row(1, false, 3)), rows(buffer));
    db.execute("UPDATE freshet.stream_tables SET last_snapshot = '" + beforeLate + "' WHERE id = " + early);
    assertEquals(1L, cleanup(buffer));
    assertEquals(List.of(row(1, false, 2)), rows(buffer),
        "the late transaction has the older xid but is not visible in 'middle''s snapshot");

    long unpopulated = addConsumer("unpopulated", null, buffer);
    db.execute("UPDATE freshet.stream_tables SET last_snapshot = '" + afterAll + "' WHERE id IN (" + early + ", "
        + middle + ")");
    assertEquals(0L, cleanup(buffer), "a consumer without a snapshot keeps every row");
    db.execute("DELETE FROM freshet.stream_tables WHERE id = " + unpopulated);
    assertEquals(1L, cleanup(buffer));
    assertEquals(List.of(), rows(buffer));

    // Consumers of other sources do not matter; without any consumer no row is needed.
    db.execute("CREATE TABLE public.other (id integer PRIMARY KEY)");
    addConsumer("other", null, ensure("public", "other"));
    db.execute("INSERT INTO public.cleaned VALUES (4)", "DELETE FROM freshet.stream_table_sources "
        + "WHERE source_relid = " + buffer.sourceRelid());
    assertEquals(1L, cleanup(buffer));
  }

  @Test
  void cleanupHoldsThePerSourceLockUntilTheTransactionEnds() throws SQLException {
    db.execute("CREATE TABLE public.locked (id integer PRIMARY KEY)");
    ChangeBuffer buffer = ensure("public", "locked");
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      assertEquals(0L, ChangeCapture.cleanup(c, buffer.sourceRelid()));
      try (ResultSet rs = s.executeQuery("SELECT classid::bigint, objid::bigint, objsubid, mode, granted "
          + "FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")) {
        assertTrue(rs.next());
        assertEquals(0x46524350L, rs.getLong(1), "high word of the key");
        assertEquals(buffer.sourceRelid(), rs.getLong(2), "low word: the relation id");
        assertEquals(1, rs.getInt(3), "a single bigint key");
        assertEquals("ExclusiveLock", rs.getString(4));
        assertFalse(rs.next());
      }
      c.commit();
      assertEquals(0L, db.scalar("SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory' "
          + "AND objid = " + buffer.sourceRelid()));
    }
  }

  private static long cleanup(ChangeBuffer buffer) throws SQLException {
    return inTransaction(c -> ChangeCapture.cleanup(c, buffer.sourceRelid()));
  }

  private static String snapshot() throws SQLException {
    return (String) db.scalar("SELECT pg_current_snapshot()::text");
  }

  /** A stream table reading {@code buffer}'s source, with the given stored snapshot (null: not populated). */
  private static long addConsumer(String name, String snapshot, ChangeBuffer buffer) throws SQLException {
    long id = (Long) db.scalar("INSERT INTO freshet.stream_tables (schema_name, table_name, defining_query, "
        + "requested_mode, effective_mode, last_snapshot) VALUES ('public', " + Quoting.literal(name) + ", "
        + "'SELECT 1', 'DIFFERENTIAL', 'DIFFERENTIAL', " + (snapshot == null ? "NULL" : Quoting.literal(snapshot))
        + "::pg_snapshot) RETURNING id");
    db.execute("INSERT INTO freshet.stream_table_sources VALUES (" + id + ", " + buffer.sourceRelid() + ", "
        + Quoting.literal(buffer.sourceSchema()) + ", " + Quoting.literal(buffer.sourceTable()) + ", '{}')");
    return id;
  }

  @Test
  void refusesWhatIsNotAnOrdinaryOrPartitionedTable() throws SQLException {
    db.execute("CREATE TABLE public.base (id integer PRIMARY KEY, v text)",
        "CREATE VIEW public.\"Base View\" AS SELECT id FROM public.base",
        "CREATE MATERIALIZED VIEW public.base_mv AS SELECT id FROM public.base",
        "CREATE SEQUENCE public.base_seq");
    assertEquals("\"public\".\"Base View\" is a view; Freshet captures changes only of ordinary and partitioned "
        + "tables, so it cannot be a source", refusal("public", "Base View"));
    assertTrue(refusal("public", "base_mv").contains("is a materialized view"));
    assertTrue(refusal("public", "base_seq").contains("is a sequence"));
    assertEquals("\"pg_catalog\".\"pg_class\" is a system catalog; Freshet cannot capture its changes",
        refusal("pg_catalog", "pg_class"));
    assertEquals("\"freshet\".\"stream_tables\" belongs to Freshet's own catalog and cannot be a source",
        refusal("freshet", "stream_tables"));
    assertEquals("table \"public\".\"Base\" does not exist (names are exact and case-sensitive)",
        refusal("public", "Base"));
    assertEquals("\"public\".\"base\" has no column \"V\", \"nope\"", refusal("public", "base", "id", "V", "nope"));
    assertEquals(0L, db.scalar("SELECT count(*) FROM freshet.change_buffers WHERE source_relid = "
        + relid("public.base")));
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("CREATE TEMPORARY TABLE scratch (id integer)");
      String temp;
      try (ResultSet rs = s.executeQuery("SELECT pg_my_temp_schema()::regnamespace::text")) {
        rs.next();
        temp = rs.getString(1);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ChangeCapture.ensure(c, temp, "scratch", List.of()));
      assertTrue(e.getMessage().contains("scratch"), e.getMessage());
      c.rollback();
      c.setAutoCommit(true);
      IllegalStateException autoCommit = assertThrows(IllegalStateException.class,
          () -> ChangeCapture.ensure(c, "public", "base", List.of()));
      assertTrue(autoCommit.getMessage().contains("auto-commit"), autoCommit.getMessage());
    }
  }

  private static String refusal(String schema, String table, String... columns) {
    return assertThrows(IllegalArgumentException.class, () -> ensure(schema, table, columns)).getMessage();
  }

  /** The captured columns of the buffer with their types. */
  private static List<List<Object>> bufferColumnTypes(ChangeBuffer buffer) throws SQLException {
    List<List<Object>> all = db.query("SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod) "
        + "FROM pg_catalog.pg_attribute a WHERE a.attrelid = " + Quoting.literal(buffer.qualifiedBufferName())
        + "::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
    assertEquals(List.of(row("__xid", "xid8"), row("__seq", "bigint"), row("__w", "integer"),
        row("__truncate", "boolean"), row("__at", "timestamp with time zone")), all.subList(0, 5));
    return new ArrayList<>(all.subList(5, all.size()));
  }
}
