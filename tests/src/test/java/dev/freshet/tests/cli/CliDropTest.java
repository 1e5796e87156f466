package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code freshet drop NAME...} drops several stream tables as {@code DROP TABLE a, b} drops tables: all in one
 * transaction, each reported, and a name that cannot be dropped stops all of them, named in the error.
 */
@PostgresTest
class CliDropTest {

  @Test
  void dropsEveryNameOrNone(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE dm_src (id int PRIMARY KEY, v int)", "INSERT INTO dm_src VALUES (1, 1), (2, 2)");
    String url = db.jdbcUrl();
    for (String name : List.of("dm_a", "dm_b", "dm_c")) {
      CliRun create = CliRun.run(url, "create", name, "--query", "SELECT id, v FROM dm_src");
      assertEquals(0, create.exitCode(), create.transcript());
    }

    CliRun missing = CliRun.run(url, "drop", "dm_a", "dm_ghost", "dm_b");
    assertEquals(2, missing.exitCode(), missing.transcript());
    assertEquals("error: there is no stream table \"public\".\"dm_ghost\"; 'freshet list' shows the stream tables "
        + "(nothing was dropped: drop removes all the stream tables it names, or none)\n", missing.err(),
        missing.transcript());
    assertEquals("", missing.out(), missing.transcript());
    assertEquals(List.of(List.of(3L)), db.query("SELECT count(*) FROM freshet.stream_tables"), "none dropped");
    assertEquals(List.of(List.of(3L)), db.query("SELECT count(*) FROM pg_class WHERE relname IN ('dm_a', 'dm_b', "
        + "'dm_c')"), "their tables are all there");

    // a name given twice, and in two spellings, is dropped once
    CliRun drop = CliRun.run(url, "drop", "dm_a", "public.dm_b", "dm_a", "dm_b");
    assertEquals(0, drop.exitCode(), drop.transcript());
    assertEquals("dropped stream table \"public\".\"dm_a\"\ndropped stream table \"public\".\"dm_b\"\n", drop.out(),
        drop.transcript());
    assertEquals(List.of(List.of("dm_c")), db.query("SELECT table_name FROM freshet.stream_tables"));
    assertEquals(List.of(List.of(1L)), db.query("SELECT count(*) FROM pg_class WHERE relname IN ('dm_a', 'dm_b', "
        + "'dm_c')"));
  }

  /**
   * A name that is an ordinary table (or view) is not "no stream table", as if misspelt: drop says what it is and
   * that it leaves it alone, exit 2 as for a missing stream table, and nothing named is dropped.
   */
  @Test
  void anOrdinaryTableIsNamedAsOneAndKept(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE \"Plain Table\" (id int)", "CREATE VIEW dt_view AS SELECT 1 AS x",
        "CREATE TABLE dt_src (id int PRIMARY KEY)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "dt_st", "--query", "SELECT id FROM dt_src").exitCode());

    CliRun table = CliRun.run(url, "drop", "\"Plain Table\"");
    assertEquals(2, table.exitCode(), table.transcript());
    assertEquals("error: \"public\".\"Plain Table\" is a table, not a stream table; 'freshet drop' drops only "
        + "stream tables, and leaves it as it is ('freshet list' shows the stream tables)\n", table.err(),
        table.transcript());
    CliRun view = CliRun.run(url, "drop", "dt_st", "dt_view");
    assertEquals(2, view.exitCode(), view.transcript());
    assertEquals("error: \"public\".\"dt_view\" is a view, not a stream table; 'freshet drop' drops only "
        + "stream tables, and leaves it as it is ('freshet list' shows the stream tables) (nothing was dropped: "
        + "drop removes all the stream tables it names, or none)\n", view.err(), view.transcript());
    assertEquals(List.of(List.of(3L)), db.query("SELECT count(*) FROM pg_class WHERE relname IN ('Plain Table', "
        + "'dt_view', 'dt_st')"), "all kept");
    assertEquals(List.of(List.of(1L)), db.query("SELECT count(*) FROM freshet.stream_tables WHERE table_name = "
        + "'dt_st'"));
    CliRun drop = CliRun.run(url, "drop", "dt_st"); // the other tests count every stream table
    assertEquals(0, drop.exitCode(), drop.transcript());
  }

  /** A stream table others read is dropped without --cascade when they are named too, each after its readers. */
  @Test
  void aStreamTableAndThoseReadingItNamedTogether(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE dr_src (id int PRIMARY KEY, v int)", "INSERT INTO dr_src VALUES (1, 1)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "dr_base", "--query", "SELECT id, v FROM dr_src").exitCode());
    assertEquals(0, CliRun.run(url, "create", "dr_top", "--query", "SELECT id FROM dr_base").exitCode());
    assertEquals(0, CliRun.run(url, "create", "dr_top2", "--query", "SELECT v FROM dr_base").exitCode());

    CliRun notAll = CliRun.run(url, "drop", "dr_base", "dr_top");
    assertEquals(2, notAll.exitCode(), notAll.transcript());
    assertTrue(notAll.err().startsWith("error: cannot drop \"public\".\"dr_base\": stream table \"public\".\"dr_top2\" "
        + "reads it; drop it first, or use --cascade (nothing was dropped"), notAll.transcript());
    assertEquals(List.of(List.of(3L)), db.query("SELECT count(*) FROM freshet.stream_tables"), "none dropped");

    CliRun all = CliRun.run(url, "drop", "dr_base", "dr_top", "dr_top2");
    assertEquals(0, all.exitCode(), all.transcript());
    List<String> lines = all.out().lines().toList();
    assertEquals(3, lines.size(), all.transcript());
    assertEquals(java.util.Set.of("dropped stream table \"public\".\"dr_top\"",
        "dropped stream table \"public\".\"dr_top2\"", "dropped stream table \"public\".\"dr_base\""),
        java.util.Set.copyOf(lines), all.transcript());
    assertEquals("dropped stream table \"public\".\"dr_base\"", lines.get(2), "after its readers: " + all.transcript());
    assertEquals(List.of(List.of(0L)), db.query("SELECT count(*) FROM freshet.stream_tables"));
    assertEquals(List.of(List.of(0L)), db.query("SELECT count(*) FROM pg_trigger t JOIN pg_class k ON k.oid = t.tgrelid "
        + "WHERE k.relname = 'dr_src' AND NOT t.tgisinternal"), "the source's capture is released");
  }
}
