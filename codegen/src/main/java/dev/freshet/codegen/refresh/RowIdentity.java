package dev.freshet.codegen.refresh;

import dev.freshet.rules.shape.MaintenanceShape;
import java.util.ArrayList;
import java.util.List;

/**
 * What tells one stored row of a maintained table from another, derived once from the plan's shape
 * (DESIGN.md §6), so that every statement of a refresh matches rows the same way. Each stored row also
 * carries a hash of its identity ({@value HiddenColumns#HASH}), indexed, which a MERGE probes first and
 * then confirms on {@link #columns()}.
 */
public sealed interface RowIdentity {

  /** The stored columns whose values identify a row (besides the hash). */
  List<String> columns();

  /**
   * One row per group: the group key values, stored in hidden columns {@code __freshet_k<j>} (a user
   * column may be an expression of them). A scalar aggregate has no key and exactly one row.
   */
  record GroupKey(List<String> columns) implements RowIdentity {
    public GroupKey {
      columns = List.copyOf(columns);
    }
  }

  /**
   * A multiset: all the user's columns, and among equal rows an ordinal {@value HiddenColumns#DUP} from
   * 1 to their count, so duplicates are kept exactly, with or without keys in the sources.
   */
  record Multiset(List<String> userColumns) implements RowIdentity {
    public Multiset {
      userColumns = List.copyOf(userColumns);
    }

    @Override
    public List<String> columns() {
      List<String> all = new ArrayList<>(userColumns);
      all.add(HiddenColumns.DUP);
      return all;
    }
  }

  /** The identity of a table of {@code shape} whose user columns are {@code userColumns}. */
  static RowIdentity of(MaintenanceShape shape, List<String> userColumns) {
    return switch (shape) {
      case MaintenanceShape.Grouped grouped -> {
        List<String> keys = new ArrayList<>();
        for (int j = 0; j < grouped.aggregate().getGroupCount(); j++) {
          keys.add(HiddenColumns.key(j));
        }
        yield new GroupKey(keys);
      }
      case MaintenanceShape.Bag bag -> new Multiset(userColumns);
      case MaintenanceShape.TopK topK -> new Multiset(userColumns);
    };
  }

  /** A line for {@code explain}: how rows are identified. */
  default String describe() {
    return switch (this) {
      case GroupKey g when g.columns().isEmpty() -> "one row (an aggregate without GROUP BY)";
      case GroupKey g -> "one row per group, by " + String.join(", ", g.columns());
      case Multiset m -> "a multiset: all columns, and an ordinal among equal rows (" + HiddenColumns.DUP + ")";
    };
  }
}
