package dev.freshet.codegen.refresh;

import static dev.freshet.codegen.refresh.SqlText.col;
import static dev.freshet.codegen.refresh.SqlText.indent;
import static dev.freshet.codegen.refresh.SqlText.join;
import static dev.freshet.codegen.refresh.SqlText.map;
import static dev.freshet.codegen.refresh.SqlText.q;

import dev.freshet.codegen.merge.MergePrinter;
import dev.freshet.codegen.merge.MergeStatement;
import dev.freshet.codegen.sql.Quoting;
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
public final class BagRefreshPrinter {

  /** Temporary table holding the consolidated delta of one refresh. */
  public static final String DELTA_TABLE = "Δrows";

  private final List<String> target;
  private final List<String> columns;

  /** @param target schema and name of the stream table */
  public BagRefreshPrinter(List<String> target, List<String> userColumns) {
    this.target = List.copyOf(target);
    this.columns = List.copyOf(userColumns);
  }

  private String targetName() {
    return Quoting.qualified(target);
  }

  /** Creates the storage with PostgreSQL's own types for the query's columns, and no rows. */
  public List<String> createStorage(String definingSql) {
    String t = targetName();
    return List.of(
        "CREATE TABLE " + t + " AS\nSELECT q.*, NULL::uuid AS " + q(HiddenColumns.HASH)
            + ", NULL::integer AS " + q(HiddenColumns.DUP) + "\nFROM (\n" + indent(definingSql, 2)
            + "\n) AS q(" + join(map(columns, SqlText::q)) + ")\nWITH NO DATA",
        "ALTER TABLE " + t + " ALTER COLUMN " + q(HiddenColumns.HASH) + " SET NOT NULL, ALTER COLUMN "
            + q(HiddenColumns.DUP) + " SET NOT NULL",
        "CREATE INDEX ON " + t + " (" + q(HiddenColumns.HASH) + ", " + q(HiddenColumns.DUP) + ")");
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
      casts.add("CAST(d." + q(columns.get(i)) + " AS " + stored.get(i).type() + ") AS " + q(columns.get(i)));
    }
    return "SELECT " + join(casts) + ", sum(d.\"__w\")::bigint AS \"__w\"\nFROM (\n" + indent(deltaSql, 2)
        + "\n) AS d(" + join(dNames) + ")\nGROUP BY " + groupByOrdinals() + "\nHAVING sum(d.\"__w\") <> 0";
  }

  /** The consolidated delta of a full refresh: the query's rows (+1) against the stored rows (−1). */
  public String fullDelta(String definingSql) {
    String cols = join(map(columns, SqlText::q));
    return "SELECT " + cols + ", sum(u.\"__w\")::bigint AS \"__w\"\nFROM (\n"
        + "  SELECT q.*, 1 AS \"__w\" FROM (\n" + indent(definingSql, 4) + "\n  ) AS q(" + cols + ")\n"
        + "  UNION ALL\n"
        + "  SELECT " + cols + ", -1 FROM " + targetName() + "\n"
        + ") AS u\nGROUP BY " + groupByOrdinals() + "\nHAVING sum(u.\"__w\") <> 0";
  }

  private String groupByOrdinals() {
    List<String> ordinals = new ArrayList<>();
    for (int i = 1; i <= columns.size(); i++) {
      ordinals.add(Integer.toString(i));
    }
    return join(ordinals);
  }

  /** Materializes {@code deltaSql} with each row's hash and stored multiplicity. */
  public String materializeDelta(String deltaSql, List<StoredColumn> stored) {
    List<String> types = map(stored.subList(0, columns.size()).stream().map(StoredColumn::type).toList(),
        s -> s);
    return "CREATE TEMPORARY TABLE " + q(DELTA_TABLE) + " ON COMMIT DROP AS\n"
        + "SELECT d.*, h.\"__freshet_hash\",\n"
        + "  (SELECT count(*) FROM " + targetName() + " AS st\n"
        + "   WHERE st." + q(HiddenColumns.HASH) + " = h.\"__freshet_hash\"\n   AND "
        + SqlText.sameValues("st", "d", columns).replace("\n", "\n  ") + ") AS \"__freshet_have\"\n"
        + "FROM (\n" + indent(deltaSql, 2) + "\n) AS d\n"
        + "CROSS JOIN LATERAL (SELECT " + SqlText.hash("d", columns, types) + " AS \"__freshet_hash\") AS h";
  }

  /** Rows whose deletion would take the multiplicity below zero: must be none (a bug otherwise). */
  public String negativeMultiplicities() {
    return "SELECT count(*) FROM " + q(DELTA_TABLE) + " WHERE \"__freshet_have\" + \"__w\" < 0";
  }

  /** The MERGE applying {@value #DELTA_TABLE}. */
  public String apply() {
    String with = "\"Δops\" AS (\n"
        + "  SELECT r.*, g.n AS " + q(HiddenColumns.DUP) + "\n"
        + "  FROM " + q(DELTA_TABLE) + " AS r\n"
        + "  CROSS JOIN LATERAL generate_series(\n"
        + "    CASE WHEN r.\"__w\" > 0 THEN r.\"__freshet_have\" + 1 ELSE r.\"__freshet_have\" + r.\"__w\" + 1 END,\n"
        + "    CASE WHEN r.\"__w\" > 0 THEN r.\"__freshet_have\" + r.\"__w\" ELSE r.\"__freshet_have\" END) AS g(n)\n"
        + ")";
    String on = "st." + q(HiddenColumns.HASH) + " = d." + q(HiddenColumns.HASH)
        + "\n  AND st." + q(HiddenColumns.DUP) + " = d." + q(HiddenColumns.DUP)
        + "\n  AND " + SqlText.sameValues("st", "d", columns);
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
