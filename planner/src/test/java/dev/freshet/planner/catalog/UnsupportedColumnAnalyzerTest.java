package dev.freshet.planner.catalog;

import dev.freshet.planner.types.FreshetTypeSystem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.calcite.config.Lex;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.junit.jupiter.api.Test;
import org.postgresql.core.Oid;

/**
 * Which unsupported columns a query reads, on plans from Calcite's own planner over a hand-made
 * catalog: {@code public.docs(id PK, name text, doc jsonb, tags integer[])} and
 * {@code public.other(id, docs_id)}.
 */
class UnsupportedColumnAnalyzerTest {

  private static final SchemaPlus ROOT = PgCalciteSchema.create(new PgCatalog(List.of("public"), List.of("public"),
      List.of(
          new PgTable("public", "docs", PgTable.Kind.TABLE, 1, 10,
              List.of(PgCalciteSchemaTest.integer("id", true, 1),
                  PgCalciteSchemaTest.col("name", Oid.TEXT, -1, false, 2, "text"),
                  PgCalciteSchemaTest.col("doc", Oid.JSONB, -1, false, 3, "jsonb"),
                  PgCalciteSchemaTest.col("tags", 1007, -1, false, 4, "integer[]")),
              List.of("id"), List.of(), List.of(), List.of()),
          new PgTable("public", "other", PgTable.Kind.TABLE, 2, 10,
              List.of(PgCalciteSchemaTest.integer("id", true, 1), PgCalciteSchemaTest.integer("docs_id", false, 2)),
              List.of(), List.of(), List.of(), List.of()))));

  private static RelNode plan(String sql) throws Exception {
    FrameworkConfig config = Frameworks.newConfigBuilder()
        .defaultSchema(ROOT.getSubSchema("public"))
        .parserConfig(SqlParser.config().withLex(Lex.JAVA))
        .typeSystem(FreshetTypeSystem.INSTANCE)
        .build();
    Planner planner = Frameworks.getPlanner(config);
    return planner.rel(planner.validate(planner.parse(sql))).project();
  }

  private static List<String> read(String sql) throws Exception {
    return UnsupportedColumnAnalyzer.analyze(plan(sql)).stream().map(c -> c.column().name()).toList();
  }

  @Test
  void queriesThatDoNotTouchTheColumnsPass() throws Exception {
    assertEquals(List.of(), read("select id, name from docs"));
    assertEquals(List.of(), read("select id from (select * from docs) x where id > 1"));
    assertEquals(List.of(), read("select o.id from other o join docs d on o.docs_id = d.id"));
    assertEquals(List.of(), read("select id from docs d where exists (select * from other o where o.docs_id = d.id)"));
    assertEquals(List.of(), read("select count(*) from docs"));
    assertEquals(List.of(), read("select id from (select id, doc from docs union all select id, doc from docs) u"));
  }

  @Test
  void aGroupKeyDeterminedByTheKeyIsNotRead() throws Exception {
    // id is the primary key, so grouping by doc as well changes nothing and the plan never reads doc.
    assertEquals(List.of(), read("select id from docs group by id, doc"));
    assertEquals(List.of(), read("select count(*) from (select distinct * from docs) x"));
  }

  @Test
  void everyKindOfUseIsFound() throws Exception {
    assertEquals(List.of("doc", "tags"), read("select * from docs"));
    assertEquals(List.of("doc"), read("select id, doc from docs"));
    assertEquals(List.of("doc"), read("select id from docs where doc is null"));
    assertEquals(List.of("doc"), read("select id from docs where doc = 'x'"));
    assertEquals(List.of("doc"), read("select count(doc) from docs"));
    assertEquals(List.of("doc"), read("select count(*) filter (where doc is not null) from docs"));
    assertEquals(List.of("doc"), read("select name from docs group by name, doc"));
    assertEquals(List.of("doc", "tags"), read("select count(*) from (select distinct name, doc, tags from docs) x"));
    assertEquals(List.of("doc"), read("select id from docs order by doc"));
    assertEquals(List.of("doc"), read("select upper(doc) from docs"));
    assertEquals(List.of("doc"), read("select o.id from other o join docs d on cast(o.id as varchar) = d.doc"));
    assertEquals(List.of("doc"), read("select id from docs where id in (select id from docs where doc is not null)"));
    assertEquals(List.of("doc"), read("select id from (select id, doc from docs union select id, doc from docs) u"));
    assertEquals(List.of("tags"), read("select id, tags from docs"));
  }

  @Test
  void plansNameTablesBySchemaAndName() throws Exception {
    List<List<String>> names = new java.util.ArrayList<>();
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof TableScan scan) {
          names.add(scan.getTable().getQualifiedName());
        }
        super.visit(node, ordinal, parent);
      }
    }.go(plan("select * from other"));
    assertEquals(List.of(List.of("public", "other")), names);
  }
}
