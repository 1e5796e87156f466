package dev.freshet.rules.rel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Where ΔR lives at refresh time: a temporary table {@code pg_temp."Δschema.table"} holding the source's
 * window, consolidated (one row per distinct row, its summed weight, no zero weights) unless the window holds
 * only inserts or only deletes (then equal rows stay apart, weight 1 or -1 each: catalog V33), with the
 * source's columns plus {@value Weights#WEIGHT}. Delta plans scan it like any table, and are linear in its
 * weights: no rule may rely on its rows being distinct.
 */
public final class ChangeTables {

  /** The schema PostgreSQL gives each session for its temporary tables. */
  public static final String TEMP_SCHEMA = "pg_temp";

  private ChangeTables() {
  }

  /** PostgreSQL's longest identifier, in bytes; it cuts longer ones short. */
  private static final int MAX_IDENTIFIER_BYTES = 63;

  /**
   * {@code ["pg_temp", "Δpublic.orders"]} for source {@code ["public", "orders"]}. A name longer than
   * PostgreSQL keeps is shortened to its beginning and a hash of the whole ({@code Δpublic.a_very_lo…~1a2b3c4d}):
   * cut short by PostgreSQL instead, two sources whose names begin alike would share one change table.
   */
  public static List<String> name(List<String> source) {
    String full = "Δ" + String.join(".", source);
    if (full.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES) {
      return List.of(TEMP_SCHEMA, full);
    }
    String suffix = "~" + hash(full);
    StringBuilder prefix = new StringBuilder();
    int budget = MAX_IDENTIFIER_BYTES - suffix.length();
    for (int i = 0; i < full.length(); ) {
      int codePoint = full.codePointAt(i);
      String character = new String(Character.toChars(codePoint));
      budget -= character.getBytes(StandardCharsets.UTF_8).length;
      if (budget < 0) {
        break;
      }
      prefix.append(character);
      i += Character.charCount(codePoint);
    }
    return List.of(TEMP_SCHEMA, prefix + suffix);
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** True if {@code qualifiedName} names a change table ({@code pg_temp."Δ…"}, as {@link #name} makes them). */
  public static boolean isChangeTable(List<String> qualifiedName) {
    return qualifiedName.size() == 2 && qualifiedName.get(0).equals(TEMP_SCHEMA);
  }

  /**
   * A scan of ΔR for the scan of R: R's row type plus the weight. When R holds at most one row (the state of
   * an aggregate without GROUP BY, whose key is empty), the scan says so ({@link #isChangeOfOneRow}).
   */
  public static RelNode scan(TableScan source) {
    RelDataType rowType = Weights.withWeight(source.getCluster().getTypeFactory(), source.getRowType());
    List<String> name = name(source.getTable().getQualifiedName());
    RelOptTable table = source.getTable().isKey(ImmutableBitSet.of())
        ? RelOptTableImpl.create(source.getTable().getRelOptSchema(), rowType, name, new ChangeOfOneRow(rowType),
            (Expression) null)
        : RelOptTableImpl.create(source.getTable().getRelOptSchema(), rowType, name, null);
    return LogicalTableScan.create(source.getCluster(), table, List.of());
  }

  /**
   * True if {@code scan} reads the change table of a relation of at most one row: its window is at most the
   * old row with weight −1 and the new one with +1.
   */
  public static boolean isChangeOfOneRow(TableScan scan) {
    return scan.getTable().unwrap(ChangeOfOneRow.class) != null;
  }

  /** What the planner knows of the change table of a one-row relation: its columns. Never scanned by Calcite. */
  private static final class ChangeOfOneRow extends AbstractTable {
    private final RelDataType rowType;

    ChangeOfOneRow(RelDataType rowType) {
      this.rowType = rowType;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return rowType;
    }
  }

  /** True if a scan of a changed source is under {@code rel}. */
  public static boolean readsChanged(RelNode node, dev.freshet.rules.ChangedSet changed) {
    RelNode rel = node.stripped(); // inside a HepPlanner, inputs are vertices
    if (rel instanceof TableScan scan) {
      return changed.contains(scan.getTable().getQualifiedName());
    }
    for (RelNode input : rel.getInputs()) {
      if (readsChanged(input, changed)) {
        return true;
      }
    }
    return false;
  }
}
