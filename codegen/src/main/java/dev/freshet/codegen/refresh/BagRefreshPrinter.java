package dev.freshet.codegen.refresh;

import static dev.freshet.codegen.refresh.SqlText.col;
import static dev.freshet.codegen.refresh.SqlText.indent;
import static dev.freshet.codegen.refresh.SqlText.join;
import static dev.freshet.codegen.refresh.SqlText.map;
import static dev.freshet.codegen.refresh.SqlText.q;

import dev.freshet.codegen.merge.MergePrinter;
import dev.freshet.codegen.merge.MergeStatement;
import dev.freshet.codegen.program.RefreshStep;
import dev.freshet.planner.sql.Quoting;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL for a stream table stored as a bag: the user's columns plus {@value HiddenColumns#HASH} and
 * {@value HiddenColumns#DUP}. A row's identity is its value and its ordinal among equal rows, so
 * duplicates — from keyless sources or from projections — are kept exactly.
 *
 * <p>Every refresh, differential or full, first computes the consolidated delta
 * {@code (user columns, __w)} into the temporary table {@value #DELTA_TABLE}, with the number of equal
 * rows already stored; then one MERGE inserts ordinals {@code have+1 … have+w} or deletes
 * {@code have+w+1 … have}.
 */
public final class BagRefreshPrinter implements StoredTablePrinter {

  /** Temporary table holding the consolidated delta of one refresh. */
  public static final String DELTA_TABLE = "Δrows";

  private final List<String> target;
  private final List<String> columns;
  private final RowIdentity.Multiset identity;

  /** @param target schema and name of the stream table */
  public BagRefreshPrinter(List<String> target, List<String> userColumns) {
    this.target = List.copyOf(target);
    this.columns = List.copyOf(userColumns);
    this.identity = new RowIdentity.Multiset(userColumns);
  }

  @Override
  public RowIdentity identity() {
    return identity;
  }

  @Override
  public List<RefreshStep> differential(String deltaSql, List<StoredColumn> stored) {
    return steps(differentialDelta(deltaSql, stored), stored);
  }

  @Override
  public List<RefreshStep> full(String definingSql, List<StoredColumn> stored) {
    return steps(fullDelta(definingSql, stored), stored);
  }

  /** Materialize the consolidated delta, check it, count it, merge it. */
  private List<RefreshStep> steps(String consolidatedDelta, List<StoredColumn> stored) {
    return List.of(new RefreshStep.Statement(materializeDelta(consolidatedDelta, stored)),
        new RefreshStep.Check(negativeMultiplicities(), "refresh of " + targetName() + " would delete rows that "
            + "are not there: the stream table or its delta is wrong; nothing was applied. This is a bug in "
            + "Freshet; 'freshet verify' and a FULL refresh restore the table"),
        new RefreshStep.Figures(figures()),
        new RefreshStep.Statement(apply(stored)));
  }

  /** {@inheritDoc} A multiset is filled from the query as written: the other reading is the plan. */
  @Override
  public String differingReading(String definingSql, String planSql, List<StoredColumn> stored) {
    return differingRows(planSql, stored);
  }

  @Override
  public String impossibleMultiplicities() {
    return "SELECT count(*) FROM " + targetName() + " WHERE " + q(HiddenColumns.DUP) + " IS NULL OR "
        + q(HiddenColumns.DUP) + " < 1";
  }

  /** Rows the MERGE inserts, updates (none: a multiset has no updates) and deletes, and delta rows. */
  private static String figures() {
    return "SELECT coalesce(sum(\"__w\") FILTER (WHERE \"__w\" > 0), 0), 0,\n"
        + "  coalesce(-sum(\"__w\") FILTER (WHERE \"__w\" < 0), 0), count(*)\nFROM " + q(DELTA_TABLE);
  }

  private String targetName() {
    return Quoting.qualified(target);
  }

  /** Creates the storage with PostgreSQL's own types for the query's columns, and no rows. */
  @Override
  public List<String> createStorage(String definingSql) {
    String t = targetName();
    return List.of(
        "CREATE TABLE " + t + " AS\n" + storageQuery(definingSql) + "\nWITH NO DATA",
        "ALTER TABLE " + t + " ALTER COLUMN " + q(HiddenColumns.HASH) + " SET NOT NULL, ALTER COLUMN "
            + q(HiddenColumns.DUP) + " SET NOT NULL",
        "CREATE INDEX ON " + t + " (" + q(HiddenColumns.HASH) + ", " + q(HiddenColumns.DUP) + ")");
  }

  @Override
  public String storageQuery(String definingSql) {
    return "SELECT q.*, NULL::uuid AS " + q(HiddenColumns.HASH) + ", NULL::integer AS " + q(HiddenColumns.DUP)
        + "\nFROM (\n" + indent(definingSql, 2) + "\n) AS q" + columnAliases();
  }

  /**
   * Hashes every stored row anew and numbers equal rows 1, 2, … again: rows that were different may read
   * as equal now (a composite that lost an attribute, text that became an integer), and a refresh counts
   * on the ordinals of equal rows being exactly 1 … n.
   */
  @Override
  public String rehash(List<StoredColumn> stored) {
    List<StoredColumn> user = stored.subList(0, columns.size());
    List<String> types = user.stream().map(StoredColumn::identityType).toList();
    List<String> partition = new ArrayList<>();
    partition.add("h.\"__freshet_hash\"");
    for (StoredColumn column : user) {
      partition.add(SqlText.comparable(col("r", column.name()), column));
    }
    return "UPDATE " + targetName() + " AS st SET " + q(HiddenColumns.HASH) + " = n.\"__freshet_hash\", "
        + q(HiddenColumns.DUP) + " = n.\"__freshet_n\"\n"
        + "FROM (\n"
        + "  SELECT r.ctid AS \"__freshet_row\", h.\"__freshet_hash\",\n"
        + "    row_number() OVER (PARTITION BY " + join(partition) + ")::integer AS \"__freshet_n\"\n"
        + "  FROM " + targetName() + " AS r\n"
        + "  CROSS JOIN LATERAL (SELECT " + SqlText.hash("r", columns, types) + " AS \"__freshet_hash\") AS h\n"
        + ") AS n\n"
        + "WHERE st.ctid = n.\"__freshet_row\"";
  }

  /**
   * The consolidated delta of a differential refresh: {@code deltaSql} returns the user's columns
   * and a weight; values are cast to the stored types so they hash as stored rows do.
   */
  public String differentialDelta(String deltaSql, List<StoredColumn> stored) {
    List<String> dNames = new ArrayList<>(map(columns, c -> q(c)));
    dNames.add(q("__w"));
    List<String> casts = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      casts.add("CAST(d." + q(columns.get(i)) + " AS " + stored.get(i).type() + ")");
    }
    return "SELECT " + consolidated(casts, stored, "d") + "\nFROM (\n" + indent(deltaSql, 2)
        + "\n) AS d(" + join(dNames) + ")" + groupBy(casts, stored) + "\nHAVING sum(d.\"__w\") <> 0";
  }

  /** The consolidated delta of a full refresh: the query's rows (+1) against the stored rows (−1). */
  public String fullDelta(String definingSql, List<StoredColumn> stored) {
    List<String> refs = map(columns, c -> col("u", c));
    String storedColumns = columns.isEmpty() ? "" : join(map(columns, SqlText::q)) + ", ";
    return "SELECT " + consolidated(refs, stored, "u") + "\nFROM (\n"
        + "  SELECT q.*, 1 AS \"__w\" FROM (\n" + indent(definingSql, 4) + "\n  ) AS q" + columnAliases() + "\n"
        + "  UNION ALL\n"
        + "  SELECT " + storedColumns + "-1 FROM " + targetName() + "\n"
        + ") AS u" + groupBy(refs, stored) + "\nHAVING sum(u.\"__w\") <> 0";
  }

  /**
   * The number of rows by which {@code otherSql} (a reading of the defining query) and the stored
   * table's user columns differ, as multisets: 0 when they agree. One run of {@code otherSql}.
   */
  public String differingRows(String otherSql, List<StoredColumn> stored) {
    return "SELECT count(*) FROM (\n" + indent(fullDelta(otherSql, stored), 2) + "\n) AS differing";
  }

  /** {@code AS q("a", "b")}'s column list; none for a query without columns ({@code SELECT FROM t}). */
  private String columnAliases() {
    return columns.isEmpty() ? "" : "(" + join(map(columns, SqlText::q)) + ")";
  }

  /**
   * The select list of a consolidation: each column (a value of a type without equality, grouped by
   * its text, is taken from its group: all its members have that text), then the summed weight.
   */
  private String consolidated(List<String> values, List<StoredColumn> stored, String weightAlias) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      String value = stored.get(i).equality() ? values.get(i) : "(array_agg(" + values.get(i) + "))[1]";
      items.add(value + " AS " + q(columns.get(i)));
    }
    items.add("sum(" + weightAlias + ".\"__w\")::bigint AS \"__w\"");
    return join(items);
  }

  /** GROUP BY the columns (their ordinals; the text of those without equality); none without columns. */
  private String groupBy(List<String> values, List<StoredColumn> stored) {
    if (columns.isEmpty()) {
      return "";
    }
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      keys.add(stored.get(i).equality() ? Integer.toString(i + 1) : SqlText.comparable(values.get(i), stored.get(i)));
    }
    return "\nGROUP BY " + join(keys);
  }

  /** Materializes {@code deltaSql} with each row's hash and stored multiplicity. */
  public String materializeDelta(String deltaSql, List<StoredColumn> stored) {
    List<String> types = map(stored.subList(0, columns.size()).stream().map(StoredColumn::identityType).toList(),
        s -> s);
    return "CREATE TEMPORARY TABLE " + q(DELTA_TABLE) + " ON COMMIT DROP AS\n"
        + "SELECT d.*, h.\"__freshet_hash\",\n"
        + "  (SELECT count(*) FROM " + targetName() + " AS st\n"
        + "   WHERE st." + q(HiddenColumns.HASH) + " = h.\"__freshet_hash\"\n   AND "
        + SqlText.sameStoredValues("st", "d", stored.subList(0, columns.size())).replace("\n", "\n  ")
        + ") AS \"__freshet_have\"\n"
        + "FROM (\n" + indent(deltaSql, 2) + "\n) AS d\n"
        + "CROSS JOIN LATERAL (SELECT " + SqlText.hash("d", columns, types) + " AS \"__freshet_hash\") AS h";
  }

  /** Rows whose deletion would take the multiplicity below zero: must be none (a bug otherwise). */
  public String negativeMultiplicities() {
    return "SELECT count(*) FROM " + q(DELTA_TABLE) + " WHERE \"__freshet_have\" + \"__w\" < 0";
  }

  /** The MERGE applying {@value #DELTA_TABLE}. */
  public String apply(List<StoredColumn> stored) {
    String with = "\"Δops\" AS (\n"
        + "  SELECT r.*, g.n AS " + q(HiddenColumns.DUP) + "\n"
        + "  FROM " + q(DELTA_TABLE) + " AS r\n"
        + "  CROSS JOIN LATERAL generate_series(\n"
        + "    CASE WHEN r.\"__w\" > 0 THEN r.\"__freshet_have\" + 1 ELSE r.\"__freshet_have\" + r.\"__w\" + 1 END,\n"
        + "    CASE WHEN r.\"__w\" > 0 THEN r.\"__freshet_have\" + r.\"__w\" ELSE r.\"__freshet_have\" END) AS g(n)\n"
        + ")";
    // the identity: the hash, the ordinal among equal rows, and every user column
    String on = "st." + q(HiddenColumns.HASH) + " = d." + q(HiddenColumns.HASH)
        + "\n  AND st." + q(HiddenColumns.DUP) + " = d." + q(HiddenColumns.DUP)
        + "\n  AND " + SqlText.sameStoredValues("st", "d", stored.subList(0, identity.userColumns().size()));
    List<String> insertColumns = new ArrayList<>(map(columns, SqlText::q));
    insertColumns.add(q(HiddenColumns.HASH));
    insertColumns.add(q(HiddenColumns.DUP));
    List<String> values = new ArrayList<>(map(columns, c -> col("d", c)));
    values.add(col("d", HiddenColumns.HASH));
    values.add(col("d", HiddenColumns.DUP));
    return MergePrinter.print(new MergeStatement(with, targetName(), "st", "\"Δops\"", "d", on, List.of(
        new MergeStatement.Delete("d.\"__w\" < 0"),
        new MergeStatement.Insert("d.\"__w\" > 0", insertColumns, values))));
  }
}
