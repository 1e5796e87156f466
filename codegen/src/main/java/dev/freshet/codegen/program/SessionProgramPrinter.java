package dev.freshet.codegen.program;

import dev.freshet.planner.sql.Quoting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The session form of a refresh program and of its change tables (catalog V37), which {@code freshet.refresh_window}
 * runs for a small window: the same statements over temporary tables that outlive the transaction, so that each
 * statement is prepared once per session and its plan kept. Planning was most of a small refresh (TPC-H Q18 after a
 * one-row change: 6.9 ms of statements that ran in 1.5), and every temporary table created and dropped bloated the
 * system catalogs.
 *
 * <p>Each {@code CREATE TEMPORARY TABLE t ON COMMIT DROP AS q} of the program becomes a session table made once from
 * {@code q} {@code WITH NO DATA} and filled by {@code INSERT INTO}, which counts the rows it wrote; its {@code DROP} and {@code ANALYZE} steps become
 * nothing (empty text, so the steps keep their places), since an ANALYZE makes PostgreSQL plan every statement
 * reading the table again; the refresh empties the tables with {@code DELETE} when it is done (PostgreSQL's {@code ON
 * COMMIT DELETE ROWS} truncates every such table of the session at each commit: 43 ms for 300 of them). A program with
 * a statement that cannot be prepared, or a temporary table's name standing where it might name something else, has
 * no session form, and every window runs it as printed.
 */
public final class SessionProgramPrinter {

  private SessionProgramPrinter() {
  }

  /**
   * A source's change table as a session table: {@code table} its name, {@code setup} the statement making it,
   * {@code fill} and {@code fillAsIs} the statements filling it for a window ({@code $1}, {@code $2} its snapshots),
   * consolidated or not, and {@code empty} the one emptying it.
   */
  public record SessionChangeTable(String table, String setup, String fill, String fillAsIs, String empty) {
  }

  /**
   * A program's session form: its session tables, in the order {@code setup} makes them; per step of the program the
   * statement to prepare and run in its place (empty: nothing); and the statements emptying its tables.
   */
  public record SessionProgram(List<String> tables, List<String> setup, List<String> steps, List<String> empty) {
    public SessionProgram {
      tables = List.copyOf(tables);
      setup = List.copyOf(setup);
      steps = List.copyOf(steps);
      empty = List.copyOf(empty);
    }
  }

  private static final String NAME = "\"(?:[^\"]|\"\")*\"";
  private static final Pattern CREATE = Pattern.compile("CREATE TEMPORARY TABLE (" + NAME + ") ON COMMIT DROP AS\\s",
      Pattern.DOTALL);
  private static final Pattern DROP = Pattern.compile("DROP TABLE (" + NAME + ")");
  private static final Pattern ANALYZE = Pattern.compile("ANALYZE (?:\"pg_temp\"\\.)?(" + NAME + ")");
  /** The statements PREPARE takes. */
  private static final Pattern PREPARABLE = Pattern.compile("(?i)(SELECT|INSERT|UPDATE|DELETE|MERGE|WITH|VALUES)\\b.*",
      Pattern.DOTALL);

  /**
   * The session form of a source's change table, from the statements creating it ({@code create}, {@code
   * createAsIs}: {@code ChangeTablePrinter}); {@code seed} names the install, {@code ordinal} the source.
   */
  public static Optional<SessionChangeTable> changeTable(String seed, int ordinal, String create, String createAsIs) {
    Matcher consolidated = CREATE.matcher(create);
    Matcher asIs = CREATE.matcher(createAsIs);
    if (!consolidated.lookingAt() || !asIs.lookingAt() || !consolidated.group(1).equals(asIs.group(1))) {
      return Optional.empty();
    }
    String query = create.substring(consolidated.end());
    String table = SessionTableNames.sessionName(unquote(consolidated.group(1)),
        seed + "\nsource " + ordinal + "\n" + query);
    String qualified = Quoting.qualified("pg_temp", table);
    return Optional.of(new SessionChangeTable(table,
        "CREATE TEMPORARY TABLE " + Quoting.identifier(table) + " AS\n" + query + "\nWITH NO DATA",
        filling(qualified, query), filling(qualified, createAsIs.substring(asIs.end())),
        "DELETE FROM " + qualified));
  }

  /**
   * The session form of {@code program}, whose change tables' session tables are {@code changeTables} (a change
   * table's name, as the program reads it in {@code pg_temp}, to its session table's), or empty when it has none.
   */
  public static Optional<SessionProgram> program(String seed, RefreshProgram program, Map<String, String> changeTables) {
    Map<String, String> renames = new HashMap<>(changeTables);
    List<String> tables = new ArrayList<>();
    List<String> setup = new ArrayList<>();
    List<String> steps = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    for (int i = 0; i < program.steps().size(); i++) {
      String sql = program.steps().get(i).sql();
      Matcher create = CREATE.matcher(sql);
      Matcher drop = DROP.matcher(sql);
      Matcher analyze = ANALYZE.matcher(sql);
      if (create.lookingAt()) {
        Optional<String> query = SessionTableNames.rename(sql.substring(create.end()), renames);
        if (query.isEmpty()) {
          return Optional.empty();
        }
        String table = SessionTableNames.sessionName(unquote(create.group(1)), seed + "\nstep " + i + "\n" + query.get());
        if (tables.contains(table)) {
          return Optional.empty(); // never two fillings of one table in a refresh
        }
        renames.put(unquote(create.group(1)), table);
        String qualified = Quoting.qualified("pg_temp", table);
        tables.add(table);
        setup.add("CREATE TEMPORARY TABLE " + Quoting.identifier(table) + " AS\n" + query.get() + "\nWITH NO DATA");
        steps.add(filling(qualified, query.get()));
        empty.add("DELETE FROM " + qualified);
      } else if ((drop.matches() && renames.containsKey(unquote(drop.group(1))))
          || (analyze.matches() && renames.containsKey(unquote(analyze.group(1))))) {
        steps.add(""); // the table stays, emptied at the end; statistics would make every reader plan again
      } else {
        Optional<String> renamed = SessionTableNames.rename(sql, renames);
        if (renamed.isEmpty() || !PREPARABLE.matcher(renamed.get().strip()).matches()) {
          return Optional.empty();
        }
        steps.add(renamed.get());
      }
    }
    return Optional.of(new SessionProgram(tables, setup, steps, empty));
  }

  /**
   * {@code INSERT INTO table query} returning the count of rows it wrote: the ROW_COUNT of an {@code EXECUTE} of a
   * prepared statement is 0 in PL/pgSQL, and the refresh needs it (an empty change table's terms are left out). The
   * name of the common table expression is not visible inside it, so no table of the query's is hidden by it.
   */
  private static String filling(String table, String query) {
    return "WITH \"Δfilled\" AS (\nINSERT INTO " + table + "\n" + query + "\nRETURNING 1\n)\nSELECT count(*) FROM \"Δfilled\"";
  }

  /** The name inside a quoted identifier. */
  private static String unquote(String quoted) {
    return quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"");
  }
}
