package dev.freshet.codegen.refresh;

import static dev.freshet.codegen.refresh.SqlText.q;

import dev.freshet.codegen.refresh.ChangeTablePrinter.SourceColumn;
import dev.freshet.planner.sql.Quoting;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.RelNode;

/**
 * SQL for stream tables refreshed together (catalog V41, {@code freshet.refresh_together}): in one transaction, so
 * with one current snapshot, those whose last refresh took the same snapshot have the same window of each source.
 * The first to read it copies the window's buffer rows once into a temporary table of the transaction, with every
 * column captured ({@link SharedWindow#window}), analyzed on the join keys of those that join it; each then reads its
 * change table from that
 * copy instead of the buffer: a window of one kind of change through a view projecting and filtering it (nothing
 * written, no statistics of its own), a window of both kinds consolidated from it into a table of its own, since
 * each consolidates over the columns it reads.
 */
public final class SharedWindowPrinter {

  private SharedWindowPrinter() {
  }

  /**
   * One source's statements for a shared window.
   *
   * @param window fills the shared copy of the window ({@code $1} the current snapshot, {@code $2} the previous one)
   * @param prepare the copy's statistics on this stream table's join keys, for its view (nothing when no join reads
   *     it): analyzing every column of the copy cost twice what the copy did (12 ms for 6,300 TPC-H line items)
   * @param view this stream table's change table as a view of the copy, for a window of one kind of change
   * @param create this stream table's change table consolidated from the copy, for a window of both kinds
   * @param indexes the copy's indexes on this stream table's join keys (built when the window is small)
   */
  public record SharedWindow(String window, List<String> prepare, String view, String create,
      List<String> indexes) {
  }

  /** The shared copy of source {@code relid}'s window: one per source and transaction. */
  static List<String> copyName(long relid) {
    return List.of("pg_temp", "Δwindow_" + relid);
  }

  /**
   * The statements of source {@code relid} (buffer {@code buffer}) for the stream table whose change table is
   * {@code changeTableName}, reading {@code columns} through {@code rowFilter} and joining on {@code joinKeys}.
   */
  public static SharedWindow print(long relid, List<String> changeTableName, String buffer,
      List<SourceColumn> columns, Optional<RelNode> rowFilter, boolean joined, List<String> joinKeys) {
    List<String> copy = copyName(relid);
    String copied = Quoting.qualified(copy);
    // every column the buffer has now: another stream table of the transaction may read columns this one does not
    String window = "CREATE TEMPORARY TABLE " + q(copy.get(1)) + " ON COMMIT DROP AS\n"
        + "SELECT b.*\nFROM " + buffer + " AS b\n"
        + "WHERE NOT b.\"__truncate\"\n  AND " + ChangeTablePrinter.window();
    // the row count with the keys' statistics (__w alone for a join on no key): a second stream table joining on the
    // same keys finds them analyzed (refresh_window runs an ANALYZE once per transaction and text)
    List<String> prepare = !joined ? List.of() : List.of(ChangeTablePrinter.statisticsTarget(), "ANALYZE " + copied
        + " (" + String.join(", ", (joinKeys.isEmpty() ? List.of("__w") : joinKeys).stream().map(SqlText::q).toList())
        + ")");
    String view = ChangeTablePrinter.asIs("CREATE TEMPORARY VIEW " + q(changeTableName.getLast()) + " AS", copied,
        "TRUE", columns, rowFilter);
    String create = ChangeTablePrinter.consolidated(ChangeTablePrinter.tableHead(changeTableName), copied, "TRUE",
        columns, rowFilter);
    List<String> indexes = new ArrayList<>();
    for (String key : joinKeys) {
      // named by the column, so that a second stream table joining on it finds the index built
      indexes.add("CREATE INDEX IF NOT EXISTS " + q(copy.get(1) + "_" + digest(key)) + " ON " + copied + " ("
          + q(key) + ")");
    }
    return new SharedWindow(window, prepare, view, create, indexes);
  }

  /** 16 hex digits of the column's name: an index name within PostgreSQL's 63 bytes whatever the name. */
  private static String digest(String name) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
