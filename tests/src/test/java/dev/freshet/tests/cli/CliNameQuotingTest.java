package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A source table is printed the one way a stream table is, quoted and qualified as SQL takes it, by every
 * command that names it: create (and --dry-run), status (pending changes and history), verify, refresh,
 * explain (its plans aside, which have their own notation). A name that needs its quotes ({@code "Shop"."Order Items"}) shows it: printed bare, it could not be
 * pasted back into SQL, nor into {@code explain --changed}.
 */
@PostgresTest
class CliNameQuotingTest {

  private static final String SOURCE = "\"Shop\".\"Order Items\"";

  @Test
  void everyCommandPrintsASourceQuotedAndQualified(TestDatabase db) throws Exception {
    db.execute("CREATE SCHEMA \"Shop\"", "CREATE TABLE " + SOURCE + " (id int PRIMARY KEY, qty int)",
        "INSERT INTO " + SOURCE + " VALUES (1, 1)");
    String url = db.jdbcUrl();
    String query = "SELECT id, qty FROM " + SOURCE;
    List<CliRun> runs = new ArrayList<>();

    CliRun create = run(runs, url, "create", "nq_items", "--query", query);
    assertTrue(create.out().contains("\n    " + SOURCE + " (\"id\", \"qty\")\n"), create.transcript());
    CliRun dryRun = run(runs, url, "create", "nq_other", "--dry-run", "--query", query);
    assertTrue(dryRun.out().contains("\n  sources:      " + SOURCE + "\n"), dryRun.transcript());

    db.execute("INSERT INTO " + SOURCE + " VALUES (2, 2)");
    CliRun pending = run(runs, url, "status", "nq_items");
    assertTrue(pending.out().contains("1 change buffered since the last refresh (" + SOURCE + " 1)"),
        pending.transcript());
    CliRun verify = CliRun.run(url, "verify", "nq_items"); // exit 1: the change is not applied yet
    runs.add(verify);
    assertEquals(1, verify.exitCode(), verify.transcript());
    assertTrue(verify.out().contains("it has 1 change of its sources (" + SOURCE + ") not applied yet"),
        verify.transcript());

    CliRun refresh = run(runs, url, "refresh", "nq_items");
    assertTrue(refresh.out().startsWith("\"public\".\"nq_items\"  DIFFERENTIAL  changed " + SOURCE + "  +1 ~0 -0"),
        refresh.transcript());
    assertEquals(0, CliRun.run(url, "verify", "nq_items").exitCode(), "the refresh left it equal to its query");
    CliRun status = run(runs, url, "status", "nq_items");
    assertTrue(status.out().contains("  +1 ~0 -0  delta 1  changed " + SOURCE), status.transcript());

    CliRun explain = run(runs, url, "explain", "nq_items");
    assertTrue(explain.out().contains("\n  sources:  " + SOURCE + "\n"), explain.transcript());
    assertTrue(explain.out().contains("\n-- Changed: " + SOURCE + "\n"), explain.transcript());
    // the name as printed is the name explain --changed takes
    CliRun changed = run(runs, url, "explain", "nq_items", "--changed", SOURCE);
    assertTrue(changed.out().contains("\n-- Changed: " + SOURCE + "\n"), changed.transcript());

    // plans are printed in their own notation, names bare as Calcite's are (Scan(table=[Shop.Order Items])), and
    // a change table's name holds its source's: "pg_temp"."ΔShop.Order Items" is one identifier
    for (CliRun r : runs) {
      assertFalse((r.out() + r.err()).lines().filter(line -> !line.contains("Scan(table=[") && !line.contains("Δ"))
          .anyMatch(line -> line.contains("Shop.Order Items")), "printed bare: " + r.transcript());
    }
  }

  /**
   * Messages name hostile objects (quotes, a comma, spaces, unicode, upper case, reserved words) as SQL writes
   * them, one quoting rule for all: a source's columns in create and status, the FR007 refusal of a view, a
   * drop of an ordinary table, and a refusal of the planner that names a column.
   */
  @Test
  void messagesQuoteHostileNames(TestDatabase db) throws Exception {
    String schema = "\"Ünï Schema\"";
    String table = schema + ".\"Select \"\"T\"\", x\"";
    String view = schema + ".\"My \"\"View\"\"\"";
    db.execute("CREATE SCHEMA " + schema,
        "CREATE TABLE " + table + " (\"Order\" int PRIMARY KEY, \"a, b\" int, \"x\"\"y\" text, \"R\" timetz[])",
        "INSERT INTO " + table + " VALUES (1, 2, 'q', '{01:00+02,02:00}')",
        "CREATE VIEW " + view + " AS SELECT * FROM " + table);
    String url = db.jdbcUrl();

    String streamTable = schema + ".\"St \"\"1\"\"\"";
    CliRun create = CliRun.run(url, "create", streamTable, "--query",
        "SELECT \"Order\", \"a, b\", \"x\"\"y\" FROM " + table);
    assertEquals(0, create.exitCode(), create.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, streamTable);
    }
    String sourceLine = "\n    " + table + " (\"Order\", \"a, b\", \"x\"\"y\")\n";
    assertTrue(create.out().contains(sourceLine), create.transcript());
    CliRun status = CliRun.run(url, "status", streamTable);
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().contains(sourceLine), status.transcript());

    CliRun fromView = CliRun.run(url, "create", schema + ".v_st", "--mode", "DIFFERENTIAL", "--query",
        "SELECT \"Order\" FROM " + view);
    assertEquals(3, fromView.exitCode(), fromView.transcript());
    assertTrue(fromView.err().startsWith("error: unsupported: FR007: " + view + " is a view, which cannot carry "
        + "change capture\n"), fromView.transcript());

    CliRun range = CliRun.run(url, "create", schema + ".r_st", "--mode", "DIFFERENTIAL", "--query",
        "SELECT \"Order\", \"R\" FROM " + table);
    assertEquals(3, range.exitCode(), range.transcript());
    assertTrue(range.err().startsWith("error: unsupported: FR002: column " + table + ".\"R\" has type time with time zone[]"),
        range.transcript());

    CliRun drop = CliRun.run(url, "drop", table);
    assertEquals(2, drop.exitCode(), drop.transcript());
    assertTrue(drop.err().startsWith("error: " + table + " is a table, not a stream table;"), drop.transcript());
  }

  /**
   * Every command a message suggests can be pasted into a POSIX shell as printed (issue 15: it printed
   * {@code 'freshet alter "public"."Ünïcode ""q"" name" ...'}, which the shell reads as other words, without the
   * quotes that keep the name's case and spaces). A name with spaces, double and single quotes, unicode, {@code $}
   * and a backtick: the hint of verify (changes not applied, then a difference), of the service and of status
   * (suspended) are each given to /bin/sh, and the words it reads are run as the command line.
   */
  @Test
  void suggestedCommandsPasteIntoAShell(TestDatabase db) throws Exception {
    String streamTable = "\"public\".\"Ünï $HOME `id` it's \"\"q\"\" name\"";
    db.execute("CREATE TABLE sh_src (id int PRIMARY KEY, v int)", "INSERT INTO sh_src VALUES (1, 2)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", streamTable, "--schedule", "1m", "--query",
        "SELECT id, 10 / v AS q FROM sh_src");
    assertEquals(0, create.exitCode(), create.transcript());

    db.execute("INSERT INTO sh_src VALUES (2, 5)");
    CliRun pending = CliRun.run(url, "verify", streamTable);
    assertEquals(1, pending.exitCode(), pending.transcript());
    CliRun refresh = runSuggested(url, pending, "freshet refresh ");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().startsWith(streamTable + "  "), refresh.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, streamTable);
    }

    db.execute("INSERT INTO sh_src VALUES (3, 0)", "UPDATE freshet.stream_tables SET last_refresh_at = now() - "
        + "interval '1 hour' WHERE table_name = 'Ünï $HOME `id` it''s \"q\" name'");
    CliRun service = CliRun.run(url, "service", "--once", "--max-failures", "1");
    assertEquals(4, service.exitCode(), service.transcript());
    CliRun status = CliRun.run(url, "status", streamTable);
    db.execute("DELETE FROM sh_src WHERE id = 3");
    for (CliRun suspended : List.of(service, status)) {
      CliRun resume = runSuggested(url, suspended, "freshet resume ");
      assertEquals(0, resume.exitCode(), resume.transcript());
    }
    assertEquals(0, CliRun.run(url, "refresh", streamTable).exitCode());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, streamTable);
    }

    db.execute("SELECT set_config('freshet.refreshing', 'on', false)",
        "UPDATE \"Ünï $HOME `id` it's \"\"q\"\" name\" SET q = 99 WHERE id = 1");
    CliRun different = CliRun.run(url, "verify", streamTable);
    assertEquals(1, different.exitCode(), different.transcript());
    CliRun alter = runSuggested(url, different, "freshet alter ");
    assertEquals(0, alter.exitCode(), alter.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, streamTable);
    }
  }

  /**
   * The hints written in SQL (R__refresh_functions.sql: refresh_window's errors and hints, source_ddl_reason, the
   * event triggers' last errors) suggest commands as the command line does (issue 15: they printed
   * {@code 'freshet alter "public"."x" --query ...'}): each is given to /bin/sh as the command line, CALL
   * freshet.refresh and status print it, for a stream table whose name has unicode, spaces, both quotes, {@code $}
   * and a backtick, and the shell reads the name intact; the alter, refresh and drop they suggest are run (with
   * the query written in for {@code ...}), and the stream table equals its query after each successful refresh.
   * The command line suggests the alter with the stored query in place of {@code ...}, to edit: the shell reads
   * it back word for word.
   */
  @Test
  void hintsWrittenInSqlPasteIntoAShell(TestDatabase db) throws Exception {
    String streamTable = "\"public\".\"Ünïcode \"\"q\"\" $x `id` it's\"";
    String url = db.jdbcUrl();
    db.execute("CREATE TABLE sq_src (id int PRIMARY KEY, price int)", "INSERT INTO sq_src VALUES (1, 10)");
    CliRun create = CliRun.run(url, "create", streamTable, "--mode", "DIFFERENTIAL", "--query",
        "SELECT id, price FROM sq_src");
    assertEquals(0, create.exitCode(), create.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, streamTable);
    }
    List<String> alter = List.of("alter", streamTable, "--query", "...");
    List<String> alterStored = List.of("alter", streamTable, "--query", "SELECT id, price FROM sq_src");

    // FS008, a column its query reads renamed: refresh's refusal, CALL's error, status's last error and next refresh
    db.execute("ALTER TABLE sq_src RENAME COLUMN price TO cost", "INSERT INTO sq_src VALUES (2, 20)");
    CliRun renamedColumn = CliRun.run(url, "refresh", streamTable);
    assertEquals(3, renamedColumn.exitCode(), renamedColumn.transcript());
    assertTrue(renamedColumn.err().endsWith("\nHINT:  give it the new name (this recreates it); edit the query in "
        + "this command (its query as stored), then run it: freshet alter "
        + "'\"public\".\"Ünïcode \"\"q\"\" $x `id` it'\\''s\"' --query 'SELECT id, price FROM sq_src'\n"
        + "SQLSTATE:  FS008\n"), renamedColumn.transcript());
    assertEquals(alterStored, shellWords(renamedColumn.err(), "freshet alter "));
    org.postgresql.util.ServerErrorMessage fs008 = callRefresh(db, streamTable, "FS008");
    assertEquals(alter, shellWords(fs008.getMessage(), "freshet alter "));
    CliRun status = CliRun.run(url, "status", streamTable);
    // the last error's fix, as the command line prints it (the next refresh's line points at it), and the failed
    // refresh of CALL in the history, in the catalog's words
    List<String> suggesting = status.out().lines().filter(line -> line.contains("freshet alter ")).toList();
    assertEquals(2, suggesting.size(), status.transcript());
    for (String line : suggesting) {
      assertEquals(line.contains("HINT:  ") ? alterStored : alter, shellWords(line, "freshet alter "),
          status.transcript());
    }
    CliRun altered = runSuggested(url, renamedColumn.err(), "freshet alter ", "SELECT id, cost AS price FROM sq_src");
    assertEquals(0, altered.exitCode(), altered.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, streamTable);
    }

    // FS006, the source table renamed: the hint of refresh and of CALL
    db.execute("ALTER TABLE sq_src RENAME TO sq_moved", "INSERT INTO sq_moved VALUES (3, 30)");
    CliRun renamedTable = CliRun.run(url, "refresh", streamTable);
    assertEquals(3, renamedTable.exitCode(), renamedTable.transcript());
    assertTrue(renamedTable.err().contains("\nHINT:  give its query the new name (this recreates it); edit the query "
        + "in this command (its query as stored), then run it: freshet alter "
        + "'\"public\".\"Ünïcode \"\"q\"\" $x `id` it'\\''s\"' --query 'SELECT id, cost AS price FROM sq_src'\n"),
        renamedTable.transcript());
    assertEquals(alter, shellWords(callRefresh(db, streamTable, "FS006").getHint(), "freshet alter "));
    altered = runSuggested(url, renamedTable.err(), "freshet alter ", "SELECT id, cost AS price FROM sq_moved");
    assertEquals(0, altered.exitCode(), altered.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, streamTable);
    }

    // FS002, no programs installed (a stream table from before catalog V4): CALL's hint is the command line's refresh
    db.execute("DELETE FROM freshet.refresh_programs WHERE stream_table_id = (SELECT id FROM freshet.stream_tables "
        + "WHERE table_name = 'Ünïcode \"q\" $x `id` it''s')", "DELETE FROM freshet.refresh_sources WHERE "
        + "stream_table_id = (SELECT id FROM freshet.stream_tables WHERE table_name = 'Ünïcode \"q\" $x `id` it''s')",
        "UPDATE freshet.stream_tables SET reconcile_check = NULL WHERE table_name = 'Ünïcode \"q\" $x `id` it''s'",
        "INSERT INTO sq_moved VALUES (4, 40)");
    String installs = callRefresh(db, streamTable, "FS002").getHint();
    assertEquals(List.of("refresh", streamTable), shellWords(installs, "freshet refresh "));
    CliRun refreshed = runSuggested(url, installs, "freshet refresh ", null);
    assertEquals(0, refreshed.exitCode(), refreshed.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, streamTable);
    }

    // the stream table dropped outside Freshet: status's last error (the event trigger's) and refresh's hint
    // suggest the drop
    db.execute("DROP TABLE " + streamTable);
    List<String> drop = List.of("drop", streamTable);
    assertEquals(drop, shellWords(CliRun.run(url, "status", streamTable).out(), "freshet drop "));
    CliRun gone = CliRun.run(url, "refresh", streamTable);
    assertEquals(4, gone.exitCode(), gone.transcript());
    assertEquals(drop, shellWords(gone.err(), "freshet drop "));
    CliRun dropped = runSuggested(url, gone.err(), "freshet drop ", null);
    assertEquals(0, dropped.exitCode(), dropped.transcript());
    assertFalse(CliRun.run(url, "list").out().contains("Ünïcode"));

    // its source dropped with CASCADE: status's last error suggests the drop
    create = CliRun.run(url, "create", streamTable, "--query", "SELECT id, cost FROM sq_moved");
    assertEquals(0, create.exitCode(), create.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, streamTable);
    }
    db.execute("DROP TABLE sq_moved CASCADE");
    CliRun orphan = CliRun.run(url, "status", streamTable);
    assertTrue(orphan.out().contains("or remove it: freshet drop '\"public\".\"Ünïcode \"\"q\"\" $x `id` "
        + "it'\\''s\"'\n"), orphan.transcript());
    dropped = runSuggested(url, orphan.out(), "freshet drop ", null);
    assertEquals(0, dropped.exitCode(), dropped.transcript());
    assertFalse(CliRun.run(url, "list").out().contains("Ünïcode"));
  }

  /** freshet.shell_word and freshet.suggested_command write what SuggestedCommand writes, for any text. */
  @Test
  void sqlQuotesForTheShellAsTheCommandLineDoes(TestDatabase db) throws Exception {
    List<String> texts = List.of("plain_name.1-x", "", "a b", "it's", "''", "\"public\".\"t\"", "$HOME", "`id`",
        "new\nline", "tab\there", "Ünïcode", "back\\slash", "-", "*", "~user", "a;b", "!x", "%s");
    try (Connection c = db.connect();
        java.sql.PreparedStatement word = c.prepareStatement("SELECT freshet.shell_word(?)");
        java.sql.PreparedStatement command = c.prepareStatement("SELECT freshet.suggested_command('alter', ?, "
            + "'--query', '...')")) {
      for (String text : texts) {
        word.setString(1, text);
        command.setString(1, text);
        String suggested;
        try (java.sql.ResultSet w = word.executeQuery(); java.sql.ResultSet k = command.executeQuery()) {
          assertTrue(w.next() && k.next());
          assertEquals(dev.freshet.runtime.cli.SuggestedCommand.shellWord(text), w.getString(1), text);
          suggested = k.getString(1);
          assertEquals(dev.freshet.runtime.cli.SuggestedCommand.freshet("alter", text, "--query", "..."), suggested,
              text);
        }
        if (!text.isEmpty()) { // /bin/sh reads it back as the one word it was (an empty word is dropped by split)
          assertEquals(List.of("alter", text, "--query", "..."), wordsOf(suggested), text);
        }
      }
    }
  }

  /** CALL freshet.refresh of {@code name}, which fails with SQLSTATE {@code state}: the server's error. */
  private static org.postgresql.util.ServerErrorMessage callRefresh(TestDatabase db, String name, String state)
      throws Exception {
    try (Connection c = db.connect(); java.sql.PreparedStatement call = c.prepareStatement("CALL freshet.refresh(?)")) {
      call.setString(1, name);
      org.postgresql.util.PSQLException e = org.junit.jupiter.api.Assertions.assertThrows(
          org.postgresql.util.PSQLException.class, call::execute);
      assertEquals(state, e.getSQLState(), e.getMessage());
      return e.getServerErrorMessage();
    }
  }

  /**
   * The words /bin/sh reads from the command {@code text} suggests (from {@code start} to the end of its line),
   * {@code freshet} left out.
   */
  private static List<String> shellWords(String text, String start) throws Exception {
    int at = text.indexOf(start);
    assertTrue(at >= 0, "no '" + start + "' suggested: " + text);
    int end = text.indexOf('\n', at);
    return wordsOf(text.substring(at, end < 0 ? text.length() : end));
  }

  /** The words /bin/sh reads from {@code command}, {@code freshet} left out. */
  private static List<String> wordsOf(String command) throws Exception {
    java.nio.file.Path script = java.nio.file.Files.createTempFile("suggested", ".sh");
    try {
      // the words after 'freshet', each ended by a NUL; the script is UTF-8 bytes, as a terminal pastes them
      java.nio.file.Files.writeString(script, "printf '%s\\0' " + command.substring("freshet ".length()) + "\n",
          java.nio.charset.StandardCharsets.UTF_8);
      Process sh = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true).start();
      String words = new String(sh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(0, sh.waitFor(), command + ": " + words);
      return List.of(words.split("\0"));
    } finally {
      java.nio.file.Files.delete(script);
    }
  }

  /**
   * Runs the command {@code run} suggests (from {@code start} to the end of its line) as a POSIX shell reads it:
   * /bin/sh prints the words it makes of it, and those are the arguments of the command line.
   */
  private static CliRun runSuggested(String url, CliRun run, String start) throws Exception {
    String text = run.out() + run.err();
    assertTrue(text.contains(start), "no '" + start + "' suggested: " + run.transcript());
    return runSuggested(url, text, start, null);
  }

  /**
   * The same, for the command in {@code text}; its last argument, the query after {@code --query} ({@code ...} or
   * the query as stored, to edit), given as {@code query} when not null.
   */
  private static CliRun runSuggested(String url, String text, String start, String query) throws Exception {
    List<String> args = new ArrayList<>(shellWords(text, start));
    if (query != null) {
      assertEquals("--query", args.get(args.size() - 2), text);
      args.set(args.size() - 1, query);
    }
    return CliRun.run(url, args.toArray(String[]::new));
  }

  private static CliRun run(List<CliRun> runs, String url, String... args) {
    CliRun run = CliRun.run(url, args);
    assertEquals(0, run.exitCode(), run.transcript());
    runs.add(run);
    return run;
  }
}
