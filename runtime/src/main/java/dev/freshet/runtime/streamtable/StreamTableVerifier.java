package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.refresh.HiddenColumns;
import dev.freshet.codegen.refresh.StoredColumn;
import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.codegen.sql.Quoting;
import dev.freshet.rules.shape.Stratum;
import dev.freshet.runtime.oracle.BagComparison;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a stream table with a fresh evaluation of its defining query, in one snapshot
 * (DESIGN.md §7): the user's columns must equal the query's result as multisets, and no hidden
 * multiplicity may be below one.
 */
public final class StreamTableVerifier {

  private StreamTableVerifier() {
  }

  /**
   * The comparison, plus the number of stored rows with an impossible hidden count, plus each state
   * table inside the query that differs from the operator it stores.
   */
  public record Verification(BagComparison.Result comparison, long badMultiplicities, List<StateTable> stateTables) {
    public Verification {
      stateTables = List.copyOf(stateTables);
    }

    public boolean ok() {
      return comparison.equal() && badMultiplicities == 0 && stateTables.stream().allMatch(StateTable::equal);
    }

    public String summary() {
      List<String> wrongState = stateTables.stream().filter(t -> !t.equal()).map(t -> t.name() + " " + t.comparison()
          .summary()).toList();
      return comparison.summary() + (badMultiplicities == 0 ? ""
          : "; " + badMultiplicities + " stored rows with a hidden count below one")
          + (wrongState.isEmpty() ? "" : "; state table " + String.join(", ", wrongState));
    }
  }

  /** A state table (an operator inside the query, DESIGN.md §4) compared with a fresh run of its operator. */
  public record StateTable(String name, BagComparison.Result comparison) {
    public boolean equal() {
      return comparison.equal();
    }
  }

  private static String comparable(StoredColumn column, boolean qualified) {
    String ref = (qualified ? "q." : "") + Quoting.identifier(column.name());
    return column.equality() ? ref : ref + "::text AS " + Quoting.identifier(column.name());
  }

  public static Verification verify(Connection c, String name) throws SQLException {
    StreamTables.requireCatalog(c, QualifiedName.parse(c, name));
    return StreamTables.inTransaction(c, Connection.TRANSACTION_REPEATABLE_READ, () -> {
      QualifiedName target = QualifiedName.parse(c, name);
      StoredStreamTable st = StreamTableCatalog.require(c, target, false);
      StreamTables.useSearchPath(c, st);
      List<StoredColumn> user = StreamTables.storedColumns(c, target).stream()
          .filter(col -> !col.name().startsWith(HiddenColumns.PREFIX)).toList();
      String stored = "SELECT " + String.join(", ", user.stream().map(col -> comparable(col, false)).toList())
          + " FROM " + target.sql();
      // Values of a type without equality (json, point) are compared by their text.
      String expected = user.stream().allMatch(StoredColumn::equality) ? st.definingQuery()
          : "SELECT " + String.join(", ", user.stream().map(col -> comparable(col, true)).toList())
              + " FROM (" + st.definingQuery() + "\n) AS q("
              + String.join(", ", user.stream().map(col -> Quoting.identifier(col.name())).toList()) + ")";
      BagComparison.Result result = BagComparison.compare(c, expected, stored);
      List<String> hidden = StreamTables.storedColumns(c, target).stream().map(col -> col.name()).toList();
      long bad = 0;
      String check = null;
      if (hidden.contains(HiddenColumns.DUP)) {
        check = Quoting.identifier(HiddenColumns.DUP) + " IS NULL OR " + Quoting.identifier(HiddenColumns.DUP) + " < 1";
      } else if (hidden.contains(HiddenColumns.COUNT) && hidden.contains(HiddenColumns.key(0))) {
        check = Quoting.identifier(HiddenColumns.COUNT) + " IS NULL OR " + Quoting.identifier(HiddenColumns.COUNT) + " < 1";
      } else if (hidden.contains(HiddenColumns.COUNT)) {
        check = Quoting.identifier(HiddenColumns.COUNT) + " IS NULL OR " + Quoting.identifier(HiddenColumns.COUNT) + " < 0";
      }
      if (check != null) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*) FROM " + target.sql() + " WHERE " + check + "")) {
          rs.next();
          bad = rs.getLong(1);
        }
      }
      List<StateTable> stateTables = new ArrayList<>();
      List<Stratum> strata = st.effectiveMode() == Mode.DIFFERENTIAL ? StreamTables.compiled(c, st).strata() : List.of();
      for (Stratum stratum : strata) {
        String table = Quoting.qualified(stratum.stateTable());
        String storedState = "SELECT " + String.join(", ", stratum.resultColumns().stream().map(Quoting::identifier)
            .toList()) + " FROM " + table;
        stateTables.add(new StateTable(table, BagComparison.compare(c, QuerySqlPrinter.print(stratum.original()),
            storedState)));
      }
      return new Verification(result, bad, stateTables);
    });
  }
}
