package dev.freshet.planner.catalog;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.tools.RelBuilder;

/**
 * Finds the columns of unsupported type (see {@link PgCalciteTable}) that a plan reads. A query that
 * reads one must be refused with {@link UnsupportedColumn#message()}.
 *
 * <p>"Reads" is decided on the plan with unused fields trimmed ({@link RelFieldTrimmer}): there, a
 * field survives above a table scan only if something uses it. So a column is read when, above the
 * scans, it is an output field of some relational expression (the result, a join, a filter's or a
 * sort's input...), an input reference in an expression, or an aggregate's group key or argument.
 * {@code SELECT id FROM t} reads no unsupported column of {@code t}; {@code SELECT *}, {@code WHERE doc
 * IS NULL} and {@code count(doc)} read {@code doc}. Sub-queries still in expressions are analyzed the
 * same way (for {@code EXISTS}, without their select list). Where metadata cannot trace a field, the
 * answer is conservative: the analysis may over-report, but does not miss a use.
 */
public final class UnsupportedColumnAnalyzer {

  private UnsupportedColumnAnalyzer() {
  }

  /** The unsupported columns {@code plan} reads, each once, in the order first met. */
  public static List<UnsupportedColumn> analyze(RelNode plan) {
    Collector collector = new Collector(plan);
    collector.analyze(plan, true);
    return List.copyOf(collector.found.values());
  }

  /** Records the unsupported columns behind the fields that are read. */
  private static final class Collector {
    private final RelNode plan;
    private final RelMetadataQuery mq;
    private final RelDataTypeFactory typeFactory;
    private final Map<List<String>, UnsupportedColumn> found = new LinkedHashMap<>();

    Collector(RelNode plan) {
      this.plan = plan;
      this.mq = plan.getCluster().getMetadataQuery();
      this.typeFactory = plan.getCluster().getTypeFactory();
    }

    /** Analyzes a (sub-)query; {@code resultRead} is false where only the existence of rows matters. */
    void analyze(RelNode query, boolean resultRead) {
      RelNode root = query;
      if (!resultRead) {
        RelBuilder builder = RelFactories.LOGICAL_BUILDER.create(query.getCluster(), null);
        root = builder.push(query).project(builder.literal(true)).build();
      }
      RelNode trimmed = trim(root);
      // The result's fields are all read, even when the result is a bare scan.
      for (int i = 0; i < trimmed.getRowType().getFieldCount(); i++) {
        read(trimmed, i);
      }
      new RelVisitor() {
        @Override
        public void visit(RelNode node, int ordinal, RelNode parent) {
          if (!(node instanceof TableScan)) {
            inspect(node);
          }
          super.visit(node, ordinal, parent);
        }
      }.go(trimmed);
    }

    private static RelNode trim(RelNode root) {
      try {
        return new RelFieldTrimmer(null, RelFactories.LOGICAL_BUILDER.create(root.getCluster(), null)).trim(root);
      } catch (RuntimeException e) {
        // An untrimmed plan carries unused fields, so it can only over-report: still safe to analyze.
        return root;
      }
    }

    private void inspect(RelNode node) {
      for (int i = 0; i < node.getRowType().getFieldCount(); i++) {
        read(node, i);
      }
      node.accept(new RexShuttle() {
        @Override
        public RexNode visitInputRef(RexInputRef ref) {
          readInput(node, ref.getIndex());
          return ref;
        }

        @Override
        public RexNode visitSubQuery(RexSubQuery subQuery) {
          analyze(subQuery.rel, subQuery.getKind() != SqlKind.EXISTS && subQuery.getKind() != SqlKind.UNIQUE);
          return super.visitSubQuery(subQuery);
        }

        @Override
        public RexNode visitFieldAccess(RexFieldAccess access) {
          if (access.getReferenceExpr() instanceof RexCorrelVariable && isAny(access)) {
            // A correlated reference has no traceable origin: blame every candidate.
            scannedTables(plan).forEach(t -> t.unsupportedColumns(typeFactory).forEach(Collector.this::add));
          }
          return super.visitFieldAccess(access);
        }
      });
      if (node instanceof Aggregate aggregate) {
        RelNode input = aggregate.getInput();
        aggregate.getGroupSet().forEach(i -> read(input, i));
        for (AggregateCall call : aggregate.getAggCallList()) {
          call.getArgList().forEach(i -> read(input, i));
          if (call.filterArg >= 0) {
            read(input, call.filterArg);
          }
          call.collation.getFieldCollations().forEach(c -> read(input, c.getFieldIndex()));
        }
      }
    }

    /** Expressions index the concatenation of the inputs (a join condition spans both sides). */
    private void readInput(RelNode node, int index) {
      int offset = 0;
      for (RelNode input : node.getInputs()) {
        int count = input.getRowType().getFieldCount();
        if (index < offset + count) {
          read(input, index - offset);
          return;
        }
        offset += count;
      }
    }

    private void read(RelNode source, int field) {
      if (source.getRowType().getFieldList().get(field).getType().getSqlTypeName() != SqlTypeName.ANY) {
        // Only unsupported columns are typed ANY by PgCalciteTable.
        return;
      }
      Set<RelColumnOrigin> origins = mq.getColumnOrigins(source, field);
      if (origins == null) {
        // Metadata cannot trace this field: blame every unsupported column that could flow into it.
        scannedTables(source).forEach(t -> t.unsupportedColumns(typeFactory).forEach(this::add));
        return;
      }
      for (RelColumnOrigin origin : origins) {
        PgCalciteTable table = origin.getOriginTable().unwrap(PgCalciteTable.class);
        if (table != null) {
          table.unsupportedColumn(origin.getOriginColumnOrdinal(), typeFactory).ifPresent(this::add);
        }
      }
    }

    private static boolean isAny(RexNode node) {
      return node.getType().getSqlTypeName() == SqlTypeName.ANY;
    }

    private void add(UnsupportedColumn column) {
      found.putIfAbsent(List.of(column.schema(), column.table(), column.column().name()), column);
    }

    /** The Postgres tables scanned anywhere under {@code root}, sub-queries included. */
    private static Set<PgCalciteTable> scannedTables(RelNode root) {
      Set<PgCalciteTable> tables = new LinkedHashSet<>();
      new RelVisitor() {
        @Override
        public void visit(RelNode node, int ordinal, RelNode parent) {
          RelOptTable table = node.getTable();
          PgCalciteTable pg = table == null ? null : table.unwrap(PgCalciteTable.class);
          if (pg != null) {
            tables.add(pg);
          }
          RelVisitor self = this;
          node.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
              self.go(subQuery.rel);
              return super.visitSubQuery(subQuery);
            }
          });
          super.visit(node, ordinal, parent);
        }
      }.go(root);
      return tables;
    }
  }
}
