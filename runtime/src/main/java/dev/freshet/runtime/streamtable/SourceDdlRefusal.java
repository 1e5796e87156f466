package dev.freshet.runtime.streamtable;

import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.SuggestedCommand;
import dev.freshet.runtime.jdbc.DatabaseErrors;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Why a stream table's query no longer runs as written after DDL on its sources, split as every refusal of it is
 * printed: what happened (the error's message), the fix (its {@code HINT}) and the SQLSTATE: {@value #TABLE_RENAMED}
 * a source table renamed or moved, {@value #COLUMNS_RENAMED_OR_DROPPED} columns the query reads renamed or dropped,
 * {@value #OTHER_COLUMNS_READ} a name in the query that now reads another column, {@value #SOURCE_DROPPED} a source
 * table dropped. Every command that meets one (refresh, verify, explain, alter, the service) refuses with exit
 * status 3, as the compiler refuses a query. {@code otherwise} is a second fix, printed on a line of its own after
 * the command of the first ({@code or drop it: freshet drop NAME}).
 *
 * <p>The words are the catalog's ({@code freshet.source_ddl_reason}, catalog V26, and refresh_window's errors, V21
 * and V25), shared with {@code CALL freshet.refresh} and the event trigger: they end the fix with {@code freshet
 * alter NAME --query ...}, which a shell runs with the query {@code ...}. The command line splits the fix off
 * and suggests the command with the stored query in place of {@code ...}, to edit and run: no rewrite of the query
 * could be trusted to give it the new names (the old one may also be a string's text, or another table's column).
 */
public record SourceDdlRefusal(String what, Optional<String> fix, String sqlState, Optional<String> otherwise) {

  /** refresh_window: a source table renamed or moved (catalog V21). */
  public static final String TABLE_RENAMED = "FS006";
  /** refresh_window: a FULL refresh's query now reads other columns than at create (catalog V25). */
  public static final String OTHER_COLUMNS_READ = "FS007";
  /** refresh_window: columns its query reads renamed or dropped (catalog V26). */
  public static final String COLUMNS_RENAMED_OR_DROPPED = "FS008";

  /**
   * A source table dropped ({@code DROP TABLE ... CASCADE}): refresh_window (catalog V27, so CALL freshet.refresh
   * too) and the command line, which names the tables from the catalog ({@link #ofDroppedSources}).
   */
  public static final String SOURCE_DROPPED = "FS009";

  /** The SQLSTATEs of refresh_window that this refuses with. */
  static final Set<String> SQLSTATES = Set.of(TABLE_RENAMED, OTHER_COLUMNS_READ, COLUMNS_RENAMED_OR_DROPPED);

  /** What source_ddl_reason says of a source table renamed, at the end of what happened. */
  private static final String OLD_TABLE = "(ALTER TABLE); its query names the old table";

  /** The fix sentences of source_ddl_reason, each after what happened and ". ". */
  private static final List<String> FIXES = List.of(". Give it the new name", ". Drop the stream table, or give it");

  /** The fix of a source table renamed, in refresh_window's words (its hint to FS006). */
  private static final String NEW_TABLE_NAME = "give its query the new name (this recreates it)";

  /** Said when the catalog's words hold no fix this can tell from what happened. */
  private static final String NAMES_AS_THEY_ARE = "give it the names as they are now (this recreates it)";

  public SourceDdlRefusal {
    fix = fix.filter(f -> !f.isBlank());
  }

  public SourceDdlRefusal(String what, Optional<String> fix, String sqlState) {
    this(what, fix, sqlState, Optional.empty());
  }

  /**
   * Sources {@code dropped} of stream table {@code name} were dropped ({@code DROP TABLE ... CASCADE}, which the
   * event trigger records as its last error): its query names tables that are gone, and their capture went with
   * them. No new name to give it: a query that reads other tables (alter, with its query as stored to edit), or
   * drop it.
   */
  public static SourceDdlRefusal ofDroppedSources(List<QualifiedName> dropped, QualifiedName name) {
    List<String> names = dropped.stream().map(QualifiedName::toString).toList();
    String list = names.size() == 1 ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    String what = (names.size() == 1 ? "its source " + list + " was" : "its sources " + list + " were")
        + " dropped (DROP TABLE ... CASCADE)";
    String fix = "give it a query that reads " + (names.size() == 1 ? "another table" : "other tables")
        + " (this recreates it)";
    return new SourceDdlRefusal(what, Optional.of(fix), SOURCE_DROPPED,
        Optional.of("drop it: " + SuggestedCommand.freshet("drop", name)));
  }

  /**
   * {@code freshet.source_ddl_reason}'s text for stream table {@code name}: what happened, then the fix in a
   * sentence of its own ending with {@code : freshet alter NAME --query ...}.
   */
  public static SourceDdlRefusal ofReason(String reason, QualifiedName name) {
    String placeholder = ": " + placeholderCommand(name);
    if (!reason.endsWith(placeholder)) { // not the words this knows: said as they are
      return new SourceDdlRefusal(reason, Optional.empty(),
          reason.endsWith(OLD_TABLE) ? TABLE_RENAMED : COLUMNS_RENAMED_OR_DROPPED);
    }
    String body = reason.substring(0, reason.length() - placeholder.length());
    // the fix follows the last "(ALTER TABLE ...)", after every name of what happened (a name may hold anything)
    int from = Math.max(0, body.lastIndexOf("(ALTER TABLE"));
    int at = -1;
    for (String sentence : FIXES) {
      int i = body.indexOf(sentence, from);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
      }
    }
    String what = at < 0 ? body : body.substring(0, at);
    Optional<String> fix = Optional.empty();
    if (what.endsWith(OLD_TABLE)) { // as refresh_window's hint says it (FS006)
      return new SourceDdlRefusal(what, Optional.of(NEW_TABLE_NAME), TABLE_RENAMED);
    }
    if (at >= 0) {
      String sentence = body.substring(at + 2);
      fix = Optional.of(Character.toLowerCase(sentence.charAt(0)) + sentence.substring(1));
    }
    return new SourceDdlRefusal(what, fix, what.endsWith(OLD_TABLE) ? TABLE_RENAMED : COLUMNS_RENAMED_OR_DROPPED);
  }

  /**
   * refresh_window's error {@code e} (one of {@link #SQLSTATES}) for stream table {@code name}: FS008 carries
   * source_ddl_reason's text after {@code stream table NAME cannot be refreshed: }, FS006 and FS007 their fix as
   * the hint.
   */
  static SourceDdlRefusal ofError(SQLException e, QualifiedName name) {
    String message = DatabaseErrors.message(e);
    String prefix = "stream table " + name + " cannot be refreshed: ";
    String reason = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    if (COLUMNS_RENAMED_OR_DROPPED.equals(e.getSQLState())) {
      SourceDdlRefusal parsed = ofReason(reason, name);
      return new SourceDdlRefusal(parsed.what(), parsed.fix(), COLUMNS_RENAMED_OR_DROPPED);
    }
    String placeholder = ": " + placeholderCommand(name);
    Optional<String> fix = DatabaseErrors.serverError(e).map(org.postgresql.util.ServerErrorMessage::getHint)
        .filter(h -> h.endsWith(placeholder)).map(h -> h.substring(0, h.length() - placeholder.length()));
    return new SourceDdlRefusal(reason, fix, e.getSQLState());
  }

  /**
   * The fix, ending with the command that recreates {@code st} with its query as stored, to edit first:
   * {@code give it the new name (this recreates it); edit the query in this command (its query as stored), then
   * run it: freshet alter '"public"."cheap"' --query 'SELECT ...'}, then the other fix, if any, on a line of its
   * own. {@code options} come before {@code --query} (an alter's {@code --mode FULL}, kept in the command it
   * suggests instead).
   */
  public String hint(StoredStreamTable st, List<String> options) {
    return fix.orElse(NAMES_AS_THEY_ARE) + "; " + editAndRun(st, options) + otherwise.map(o -> "\nor " + o).orElse("");
  }

  /**
   * {@code edit the query in this command (its query as stored), then run it: freshet alter NAME --query '...'}:
   * the command that recreates {@code st}, with its query as stored, the option {@code options} before it.
   */
  static String editAndRun(StoredStreamTable st, List<String> options) {
    List<Object> arguments = new ArrayList<>(List.of("alter", st.name()));
    arguments.addAll(options);
    arguments.add("--query");
    arguments.add(st.definingQuery().strip());
    return "edit the query in this command (its query as stored), then run it: "
        + SuggestedCommand.freshet(arguments.toArray());
  }

  /**
   * The refusal: {@code stream table NAME <cannot>: <what happened>}, the {@link #hint} and the SQLSTATE, exit
   * status 3.
   */
  StreamTableException exception(StoredStreamTable st, String cannot, List<String> options) {
    return new StreamTableException(ExitCode.REFUSED, "stream table " + st.name() + " " + cannot + ": " + what,
        hint(st, options), sqlState);
  }

  /**
   * A last error {@code recorded} about this DDL (by the event trigger, {@code CALL freshet.refresh} or an
   * earlier command line, with the fix in the sentence or as a hint naming {@code --query ...}), as this
   * prints it: its first line up to what happened, then {@code HINT:  } and the {@link #hint}. Empty when it says
   * something else.
   */
  public Optional<String> restated(String recorded, StoredStreamTable st) {
    String first = recorded.strip().lines().findFirst().orElse("");
    int at = first.indexOf(what);
    if (what.isEmpty() || at < 0) {
      return Optional.empty();
    }
    return Optional.of(first.substring(0, at + what.length()) + "\nHINT:  " + hint(st, List.of()));
  }

  /** The command the catalog's words suggest, with {@code ...} for the query. */
  private static String placeholderCommand(QualifiedName name) {
    return SuggestedCommand.freshet("alter", name, "--query", "...");
  }
}
