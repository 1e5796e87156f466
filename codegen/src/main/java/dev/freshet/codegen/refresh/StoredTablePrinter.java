package dev.freshet.codegen.refresh;

import dev.freshet.codegen.program.RefreshStep;
import dev.freshet.rules.shape.MaintenanceShape;
import java.util.List;
import java.util.Optional;

/**
 * The SQL that creates and maintains one stored table (a stream table, or a state table inside its
 * query), laid out for its {@link RowIdentity}. The refresh program strings these steps together.
 */
public sealed interface StoredTablePrinter permits BagRefreshPrinter, GroupedRefreshPrinter {

  /** How the table's rows are told apart. */
  RowIdentity identity();

  /** Creates the storage, with no rows. {@code definingSql} is the query as written (a multiset's types). */
  List<String> createStorage(String definingSql);

  /**
   * The query whose result columns (names, types, collations) the table is created with by {@link
   * #createStorage}: after a source column changed type, the stored columns are compared with it.
   */
  String storageQuery(String definingSql);

  /**
   * Computes every stored row's {@value HiddenColumns#HASH} anew from its values, after their types
   * changed (a hash is computed over a canonical text of each type); writes to the table, so the
   * transaction must allow them ({@code WriteGuardPrinter.ALLOW_WRITES}). {@code stored} are the table's
   * columns as PostgreSQL stores them now.
   */
  String rehash(List<StoredColumn> stored);

  /**
   * A differential refresh: the delta {@code deltaSql} (the maintained input's columns and a weight
   * {@code __w}) materialized, checked, counted ({@link RefreshStep.Figures}) and merged into the table.
   * {@code stored} are the table's columns as PostgreSQL stores them, for their types.
   */
  List<RefreshStep> differential(String deltaSql, List<StoredColumn> stored);

  /** A full refresh: the table made equal to {@code definingSql} (or the plan's input), by one MERGE. */
  List<RefreshStep> full(String definingSql, List<StoredColumn> stored);

  /**
   * A tripwire against planner bugs, for a table just filled: the number of rows by which its user columns
   * differ from the reading of the query it was not filled from ({@code definingSql}, the query as
   * written, or {@code planSql}, Freshet's plan printed back). 0 when both readings agree.
   */
  String differingReading(String definingSql, String planSql, List<StoredColumn> stored);

  /**
   * For {@code verify}: the number of stored rows whose hidden multiplicity is impossible (an ordinal
   * below one, a group with no rows): 0 in a correct table.
   */
  String impossibleMultiplicities();

  /**
   * The printer for a table of {@code shape} (none: a FULL stream table, stored as a multiset) named
   * {@code target} with the query's columns {@code userColumns}.
   */
  static StoredTablePrinter of(List<String> target, List<String> userColumns, Optional<MaintenanceShape> shape) {
    return switch (shape.orElse(null)) {
      case MaintenanceShape.Grouped grouped -> new GroupedRefreshPrinter(target, userColumns, grouped);
      case MaintenanceShape.Bag bag -> new BagRefreshPrinter(target, userColumns);
      case MaintenanceShape.TopK topK -> new BagRefreshPrinter(target, userColumns); // rows derived again, merged
      case null -> new BagRefreshPrinter(target, userColumns);
    };
  }
}
