package dev.freshet.planner.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.rel.RelReferentialConstraint;
import org.apache.calcite.rel.RelReferentialConstraintImpl;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.IntPair;

/**
 * Builds a Calcite root schema from a {@link PgCatalog}: one sub-schema per PostgreSQL schema, one
 * {@link PgCalciteTable} per relation, names exactly as PostgreSQL spells them.
 *
 * <p>Each table's {@link Statistic} carries what {@code RelMetadataQuery} derives row identity from:
 * <ul>
 *   <li>the row estimate ({@code reltuples}, never negative);</li>
 *   <li>keys: the primary key, and each unique index whose rows it really tells apart, that is one whose
 *       columns are all {@code NOT NULL} or which is {@code NULLS NOT DISTINCT}. Calcite reads a key as
 *       "no two rows agree on these columns" ({@code RelMdColumnUniqueness} ignores nulls for table
 *       keys), while a plain {@code UNIQUE (a)} on a nullable {@code a} admits any number of rows with
 *       {@code a IS NULL}; taking it as a key would let Calcite drop a {@code GROUP BY a} that merges
 *       them;</li>
 *   <li>referential constraints for foreign keys whose referenced table was read too (the field
 *       indexes on both sides must be known).</li>
 * </ul>
 */
public final class PgCalciteSchema {

  private PgCalciteSchema() {
  }

  /** A new root schema ({@code CalciteSchema.createRootSchema(false, false)}) holding {@code catalog}. */
  public static SchemaPlus create(PgCatalog catalog) {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    addTo(root, catalog);
    return root;
  }

  /** Adds one sub-schema per schema of {@code catalog} to {@code root}. */
  public static void addTo(SchemaPlus root, PgCatalog catalog) {
    Map<List<String>, PgTable> byName = new HashMap<>();
    catalog.tables().forEach(t -> byName.put(List.of(t.schema(), t.name()), t));
    for (String schemaName : catalog.schemas()) {
      SchemaPlus schema = root.add(schemaName, new AbstractSchema());
      for (PgTable table : catalog.tables(schemaName)) {
        schema.add(table.name(), new PgCalciteTable(table, statistic(table, byName)));
      }
    }
  }

  static Statistic statistic(PgTable table, Map<List<String>, PgTable> tablesByName) {
    return Statistics.of(table.rowEstimate(), keys(table), referentialConstraints(table, tablesByName),
        List.of());
  }

  /** The primary key, then the unique keys that identify rows (see the class comment), without repeats. */
  static List<ImmutableBitSet> keys(PgTable table) {
    Set<ImmutableBitSet> keys = new LinkedHashSet<>();
    if (!table.primaryKey().isEmpty()) {
      keys.add(bits(table, table.primaryKey()));
    }
    for (PgUniqueKey key : table.uniqueKeys()) {
      boolean allNotNull = key.columns().stream()
          .allMatch(c -> table.column(c).orElseThrow().notNull());
      if (allNotNull || key.nullsNotDistinct()) {
        keys.add(bits(table, key.columns()));
      }
    }
    return List.copyOf(keys);
  }

  private static List<RelReferentialConstraint> referentialConstraints(PgTable table,
      Map<List<String>, PgTable> tablesByName) {
    List<RelReferentialConstraint> constraints = new ArrayList<>();
    for (PgForeignKey fk : table.foreignKeys()) {
      PgTable target = tablesByName.get(List.of(fk.referencedSchema(), fk.referencedTable()));
      if (target == null) {
        continue;
      }
      List<IntPair> pairs = new ArrayList<>();
      for (int i = 0; i < fk.columns().size(); i++) {
        pairs.add(IntPair.of(
            table.columnIndex(fk.columns().get(i)).orElseThrow(),
            target.columnIndex(fk.referencedColumns().get(i)).orElseThrow()));
      }
      constraints.add(RelReferentialConstraintImpl.of(
          List.of(table.schema(), table.name()), List.of(target.schema(), target.name()), pairs));
    }
    return constraints;
  }

  private static ImmutableBitSet bits(PgTable table, List<String> columns) {
    return ImmutableBitSet.of(columns.stream().mapToInt(c -> table.columnIndex(c).orElseThrow()).toArray());
  }
}
