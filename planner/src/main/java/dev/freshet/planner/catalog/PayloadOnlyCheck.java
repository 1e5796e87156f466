package dev.freshet.planner.catalog;

import dev.freshet.planner.types.PostgresNamedType;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;

/**
 * Values of a type without an equality operator ({@code json}, {@code point}: {@link PostgresNamedType#equality()}
 * false) are payload: a maintained query may project them, carry them through filters, joins and
 * {@code UNION ALL}, count them and apply functions to them ({@code doc ->> 'a'}, {@code doc::text}), but not
 * compare them, group, join or sort on them, de-duplicate them, or keep the top rows of a result holding
 * them (the last place's ties are broken by comparing whole rows). PostgreSQL refuses most of these
 * itself; the check names the column's type and the use before anything is created.
 */
public final class PayloadOnlyCheck {

  private static final Set<SqlKind> COMPARING = EnumSet.of(SqlKind.EQUALS, SqlKind.NOT_EQUALS, SqlKind.LESS_THAN,
      SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL, SqlKind.IS_DISTINCT_FROM,
      SqlKind.IS_NOT_DISTINCT_FROM, SqlKind.IN, SqlKind.NOT_IN, SqlKind.SEARCH, SqlKind.BETWEEN);

  /** A use the check refuses: what is done with a value of which type, and whether it is a composite type. */
  public record Use(String type, String what, boolean composite) {
    Use(PostgresNamedType type, String what) {
      this(type.postgresName(), what, type.composite());
    }

    public String message() {
      if (composite) {
        return "a value of type " + type + " is " + what + ", but " + type + " is a composite type (or an array of "
            + "one), whose values Freshet does not compare yet: PostgreSQL compares them field by field, while "
            + "Freshet tells rows apart by a text of their values and has no canonical text for composite values yet "
            + "(it carries them through a query: selected, filtered and joined on other columns, counted)";
      }
      return "a value of type " + type + " is " + what + ", but " + type + " has no equality operator in "
          + "PostgreSQL (no default btree or hash operator class): Freshet carries it through a query (selected, "
          + "filtered on other columns, joined on other columns, counted, passed to functions) but does not "
          + "compare it";
    }

    /** What to do instead. */
    public String fix() {
      return composite
          ? "use --mode AUTO or FULL: PostgreSQL runs the query as written; or keep the fields you compare in "
              + "columns of their own (ALTER TABLE … ADD COLUMN zip text GENERATED ALWAYS AS ((a).zip) STORED)"
          : "compare a value of a type that has one: its text (doc::text), a field of it (doc ->> 'a'), or jsonb "
              + "(doc::jsonb) for json";
    }
  }

  private PayloadOnlyCheck() {
  }

  /** The first use of a payload-only value in {@code plan} that compares it, if any. */
  public static Optional<Use> find(RelNode plan) {
    Use[] found = new Use[1];
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (found[0] == null) {
          found[0] = check(node);
        }
        if (found[0] == null) {
          super.visit(node, ordinal, parent);
        }
      }
    }.go(plan);
    return Optional.ofNullable(found[0]);
  }

  private static Use check(RelNode node) {
    RelDataType input = node.getInputs().isEmpty() ? null : node.getInput(0).getRowType();
    if (node instanceof Aggregate aggregate) {
      for (int key : aggregate.getGroupSet()) {
        Optional<PostgresNamedType> type = payloadOnly(input.getFieldList().get(key).getType());
        if (type.isPresent()) {
          return new Use(type.get(), "grouped on (GROUP BY or DISTINCT)");
        }
      }
      for (AggregateCall call : aggregate.getAggCallList()) {
        if (call.getAggregation().getKind() == SqlKind.COUNT && !call.isDistinct()) {
          continue;
        }
        for (int arg : call.getArgList()) {
          Optional<PostgresNamedType> type = payloadOnly(input.getFieldList().get(arg).getType());
          if (type.isPresent()) {
            return new Use(type.get(), "aggregated by " + call.getAggregation().getName()
                + (call.isDistinct() ? " (DISTINCT)" : ""));
          }
        }
      }
    }
    if (node instanceof Sort sort) {
      for (var collation : sort.getCollation().getFieldCollations()) {
        Optional<PostgresNamedType> type = payloadOnly(input.getFieldList().get(collation.getFieldIndex()).getType());
        if (type.isPresent()) {
          return new Use(type.get(), "sorted on (ORDER BY)");
        }
      }
      if (sort.fetch != null || sort.offset != null) {
        Optional<PostgresNamedType> type = anyPayloadOnly(sort.getRowType());
        if (type.isPresent()) {
          return new Use(type.get(), "in the rows of a LIMIT or OFFSET (the rows tied at the last place are "
              + "told apart by comparing them whole)");
        }
      }
    }
    if ((node instanceof Union union && !union.all) || node instanceof Intersect || node instanceof Minus) {
      Optional<PostgresNamedType> type = anyPayloadOnly(node.getRowType());
      if (type.isPresent()) {
        return new Use(type.get(), "in the rows of a UNION, INTERSECT or EXCEPT, which compares them");
      }
    }
    if (node instanceof Window window) {
      for (Window.Group group : window.groups) {
        for (int key : group.keys) {
          Optional<PostgresNamedType> type = payloadOnly(input.getFieldList().get(key).getType());
          if (type.isPresent()) {
            return new Use(type.get(), "a window's PARTITION BY key");
          }
        }
        for (var collation : group.orderKeys.getFieldCollations()) {
          Optional<PostgresNamedType> type = payloadOnly(input.getFieldList().get(collation.getFieldIndex()).getType());
          if (type.isPresent()) {
            return new Use(type.get(), "a window's ORDER BY key");
          }
        }
      }
    }
    Use[] found = new Use[1];
    node.accept(new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        if (found[0] == null && COMPARING.contains(call.getKind())) {
          for (RexNode operand : call.getOperands()) {
            Optional<PostgresNamedType> type = payloadOnly(operand.getType());
            if (type.isPresent()) {
              found[0] = new Use(type.get(), "compared (" + call.getOperator().getName() + ")");
              return call;
            }
          }
        }
        return super.visitCall(call);
      }

      @Override
      public RexNode visitSubQuery(RexSubQuery subQuery) {
        if (found[0] == null) {
          find(subQuery.rel).ifPresent(use -> found[0] = use);
        }
        return super.visitSubQuery(subQuery);
      }
    });
    return found[0];
  }

  private static Optional<PostgresNamedType> anyPayloadOnly(RelDataType row) {
    for (RelDataTypeField field : row.getFieldList()) {
      Optional<PostgresNamedType> type = payloadOnly(field.getType());
      if (type.isPresent()) {
        return type;
      }
    }
    return Optional.empty();
  }

  private static Optional<PostgresNamedType> payloadOnly(RelDataType type) {
    return type instanceof PostgresNamedType named && !named.equality() ? Optional.of(named) : Optional.empty();
  }
}
