package dev.freshet.tpch;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * What {@link TpchLoader#load} did: rows and seconds per table (generation and {@code COPY}), then
 * the time spent adding keys and indexes, and in {@code ANALYZE}.
 */
public record LoadReport(String schema, double scaleFactor, List<TableLoad> tables,
                         double keysSeconds, double analyzeSeconds, double totalSeconds) {

  public LoadReport {
    tables = List.copyOf(tables);
  }

  /** One table: rows PostgreSQL reported for its {@code COPY}, and the seconds it took. */
  public record TableLoad(String table, long rows, double seconds) {
  }

  public long totalRows() {
    return tables.stream().mapToLong(TableLoad::rows).sum();
  }

  public long rows(String table) {
    return tables.stream()
        .filter(t -> t.table().equals(table))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("table '" + table + "' is not in this report"))
        .rows();
  }
}
