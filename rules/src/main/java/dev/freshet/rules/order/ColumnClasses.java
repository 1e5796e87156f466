package dev.freshet.rules.order;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The columns of an inner multi-way join that its equalities make equal, directly or through other columns: a row
 * of {@code ps ⋈ l ⋈ p} passes {@code ps.ps_partkey = l.l_partkey AND p.p_partkey = l.l_partkey} only where
 * {@code ps.ps_partkey = p.p_partkey} holds too, so a delta term may join {@code part} to {@code Δpartsupp} before
 * {@code lineitem}, looking the few changed supplies' parts up by key and keeping those the filter admits (TPC-H Q9,
 * whose term of changed supplies first looked up their 24,000 line items). An equality added so is implied by the
 * query's, which are all still applied: the join's rows are the same.
 *
 * <p>Only equalities of two columns of one type, and of types whose equality means the same value ({@link
 * #equalMeansSame}): not characters ({@code char} compares without trailing spaces and {@code text} with them), nor
 * a type PostgreSQL defines by name, whose {@code =} is its own; a comparison across numeric types goes through a
 * cast that another pair may not share.
 */
final class ColumnClasses {

  /** Per field of the join, its class's representative ({@link #find}); a field in no equality is its own. */
  private final int[] parent;
  /** Per field, a reference to it as the join's conditions make it, or null where no equality uses it. */
  private final RexInputRef[] refs;

  private ColumnClasses(int fieldCount) {
    parent = new int[fieldCount];
    refs = new RexInputRef[fieldCount];
    for (int f = 0; f < fieldCount; f++) {
      parent[f] = f;
    }
  }

  /** The classes made by the equalities among {@code conjuncts}, over a join of {@code fieldCount} fields. */
  static ColumnClasses of(List<RexNode> conjuncts, int fieldCount) {
    ColumnClasses classes = new ColumnClasses(fieldCount);
    for (RexNode conjunct : conjuncts) {
      if (conjunct.getKind() == SqlKind.EQUALS
          && conjunct instanceof RexCall call
          && call.getOperands().get(0) instanceof RexInputRef a
          && call.getOperands().get(1) instanceof RexInputRef b
          && a.getType().getSqlTypeName() == b.getType().getSqlTypeName()
          && equalMeansSame(a.getType())) {
        classes.refs[a.getIndex()] = a;
        classes.refs[b.getIndex()] = b;
        classes.parent[classes.find(a.getIndex())] = classes.find(b.getIndex());
      }
    }
    return classes;
  }

  /**
   * Whether {@code =} between two values of {@code type} is an equivalence that no text or collation rule bends:
   * numbers, dates and times, booleans, uuids. Not characters, nor the types PostgreSQL names that Freshet plans by
   * name (an enum, citext, a domain's base...), whose equality is their own.
   */
  private static boolean equalMeansSame(RelDataType type) {
    return SqlTypeFamily.NUMERIC.contains(type) || SqlTypeFamily.DATETIME.contains(type)
        || SqlTypeFamily.BOOLEAN.contains(type) || type.getSqlTypeName() == SqlTypeName.UUID;
  }

  private int find(int field) {
    int f = field;
    while (parent[f] != f) {
      parent[f] = parent[parent[f]];
      f = parent[f];
    }
    return f;
  }

  /** Whether field {@code f} is equal to a field of one of the inputs {@code joined}. */
  boolean meetsAny(int f, int[] offsets, BitSet joined) {
    return firstEqualIn(f, offsets, joined) >= 0;
  }

  /** The first field of the inputs {@code inputs} in the class of {@code f} (not {@code f}), or -1. */
  private int firstEqualIn(int f, int[] offsets, BitSet inputs) {
    if (refs[f] == null) {
      return -1;
    }
    int root = find(f);
    for (int input = inputs.nextSetBit(0); input >= 0; input = inputs.nextSetBit(input + 1)) {
      for (int g = offsets[input]; g < offsets[input + 1]; g++) {
        if (g != f && refs[g] != null && find(g) == root) {
          return g;
        }
      }
    }
    return -1;
  }

  /** The input of a multi-way join whose fields start at {@code offsets[input]} that field {@code field} is of. */
  static int inputOf(int[] offsets, int field) {
    int input = 0;
    while (offsets[input + 1] <= field) {
      input++;
    }
    return input;
  }

  /**
   * The equalities that join input {@code i} to the inputs before it ({@code inPlan} without {@code i}) where the
   * query's own conditions at that join ({@code applied}) do not: one per class, remapped to the joined order by
   * {@code remap}.
   */
  List<RexNode> missingLinks(RexBuilder rex, int[] offsets, BitSet inPlan, int i, List<RexNode> applied,
      RexShuttle remap) {
    BitSet before = (BitSet) inPlan.clone();
    before.clear(i);
    BitSet linked = new BitSet();
    for (RexNode conjunct : applied) {
      if (conjunct instanceof RexCall call && conjunct.getKind() == SqlKind.EQUALS
          && call.getOperands().get(0) instanceof RexInputRef a && call.getOperands().get(1) instanceof RexInputRef b
          && refs[a.getIndex()] != null && refs[b.getIndex()] != null
          && (inputOf(offsets, a.getIndex()) == i) != (inputOf(offsets, b.getIndex()) == i)) {
        linked.set(find(a.getIndex()));
      }
    }
    List<RexNode> links = new ArrayList<>();
    for (int f = offsets[i]; f < offsets[i + 1]; f++) {
      if (refs[f] == null || linked.get(find(f))) {
        continue;
      }
      int g = firstEqualIn(f, offsets, before);
      if (g >= 0) {
        linked.set(find(f));
        links.add(rex.makeCall(SqlStdOperatorTable.EQUALS, refs[f], refs[g]).accept(remap));
      }
    }
    return links;
  }
}
