package dev.freshet.planner.catalog;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.validate.SqlNameMatchers;

/**
 * A catalog reader that resolves unqualified names along PostgreSQL's {@code search_path}: in each
 * schema in turn, the first that has the name wins, as in PostgreSQL. (Calcite's public constructor
 * takes one default schema.)
 */
public final class SearchPathCatalogReader extends CalciteCatalogReader {

  public SearchPathCatalogReader(CalciteSchema rootSchema, List<String> searchPath, RelDataTypeFactory typeFactory,
      CalciteConnectionConfig config) {
    super(rootSchema, SqlNameMatchers.withCaseSensitive(config.caseSensitive()), paths(searchPath), typeFactory,
        config);
  }

  /** One path per schema, in order, then the root (where qualified names resolve). */
  private static List<List<String>> paths(List<String> searchPath) {
    List<List<String>> paths = new ArrayList<>();
    for (String schema : searchPath) {
      List<String> path = List.of(schema);
      if (!paths.contains(path)) {
        paths.add(path);
      }
    }
    paths.add(List.of());
    return paths;
  }
}
