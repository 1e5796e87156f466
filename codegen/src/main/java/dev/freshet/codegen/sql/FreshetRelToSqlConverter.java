package dev.freshet.codegen.sql;

import org.apache.calcite.rel.rel2sql.RelToSqlConverter;

/**
 * Calcite's {@link RelToSqlConverter} for the PostgreSQL dialect. Freshet's own relational nodes
 * get their {@code visit} methods here; the converter dispatches to them by reflection.
 */
public class FreshetRelToSqlConverter extends RelToSqlConverter {
  public FreshetRelToSqlConverter() {
    super(Quoting.DIALECT);
  }
}
