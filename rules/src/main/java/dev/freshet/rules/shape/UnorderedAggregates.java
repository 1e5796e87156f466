package dev.freshet.rules.shape;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.sql.SqlKind;

/**
 * The aggregates of a plan whose result lists their input in an order the query leaves open:
 * {@code string_agg}, {@code array_agg}, {@code json_agg} and the like without {@code ORDER BY} inside the
 * call. PostgreSQL concatenates in whatever order its plan reads the rows, so a refresh, a recompute and the
 * query itself may each list a group's values in another order; {@code status} and {@code verify} say so
 * rather than call such a difference a bug.
 */
public final class UnorderedAggregates {

  /** Aggregates whose value is a list of their input rows (PostgreSQL's names). */
  private static final Set<String> LISTING = Set.of("string_agg", "array_agg", "json_agg", "jsonb_agg",
      "json_object_agg", "jsonb_object_agg", "xmlagg");

  /** The note for {@code status} when the plan has such aggregates. */
  public static final String NOTE_SUFFIX = " without ORDER BY inside the call: PostgreSQL leaves the order of "
      + "its values open, so a refresh and a recompute may list a group's values in different orders";

  private UnorderedAggregates() {
  }

  /** The names of the plan's listing aggregates without an order, each once, as PostgreSQL spells them. */
  public static List<String> find(RelNode plan) {
    Set<String> found = new LinkedHashSet<>();
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof Aggregate aggregate) {
          for (AggregateCall call : aggregate.getAggCallList()) {
            String name = call.getAggregation().getKind() == SqlKind.LISTAGG ? "string_agg"
                : call.getAggregation().getName().toLowerCase(Locale.ROOT);
            if (LISTING.contains(name) && call.getCollation().getFieldCollations().isEmpty()) {
              found.add(name);
            }
          }
        }
        super.visit(node, ordinal, parent);
      }
    }.go(plan);
    return List.copyOf(found);
  }

  /** The {@code status} note for {@code plan}, if it has such aggregates. */
  public static java.util.Optional<String> note(RelNode plan) {
    List<String> names = find(plan);
    return names.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(String.join(", ", names) + NOTE_SUFFIX);
  }
}
