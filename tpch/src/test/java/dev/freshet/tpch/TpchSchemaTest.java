package dev.freshet.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TpchSchemaTest {

  @Test
  void eightTablesInReferenceOrder() {
    assertEquals(List.of("region", "nation", "supplier", "customer", "part", "partsupp", "orders",
        "lineitem"), TpchSchema.TABLES.stream().map(TpchSchema.Table::name).toList());
    // Load order: a table comes after every table it references.
    for (TpchSchema.ForeignKey fk : TpchSchema.FOREIGN_KEYS) {
      assertTrue(index(fk.referencedTable()) < index(fk.table()), fk.name());
    }
  }

  @Test
  void foreignKeysReferencePrimaryKeys() {
    for (TpchSchema.ForeignKey fk : TpchSchema.FOREIGN_KEYS) {
      assertEquals(TpchSchema.table(fk.referencedTable()).primaryKey(), fk.referencedColumns(),
          fk.name());
      assertTrue(TpchSchema.table(fk.table()).columnNames().containsAll(fk.columns()), fk.name());
    }
  }

  @Test
  void everyForeignKeyIsIndexedOnTheReferencingSide() {
    for (TpchSchema.ForeignKey fk : TpchSchema.FOREIGN_KEYS) {
      String first = fk.columns().getFirst();
      boolean leadsPrimaryKey = TpchSchema.table(fk.table()).primaryKey().getFirst().equals(first);
      boolean leadsIndex = TpchSchema.INDEXES.stream()
          .anyMatch(i -> i.table().equals(fk.table()) && i.columns().getFirst().equals(first));
      assertTrue(leadsPrimaryKey || leadsIndex, fk.name() + " has no index on " + first);
    }
  }

  @Test
  void lineitemIndexesTheQueriesNeed() {
    Set<List<String>> lineitem = TpchSchema.INDEXES.stream()
        .filter(i -> i.table().equals("lineitem"))
        .map(TpchSchema.Index::columns)
        .collect(Collectors.toSet());
    assertTrue(lineitem.contains(List.of("l_partkey", "l_suppkey")));
    assertEquals(List.of("l_orderkey", "l_linenumber"), TpchSchema.table("lineitem").primaryKey());
  }

  @Test
  void everyIdentifierIsQuoted() {
    String schema = "Bench \"1\"";
    List<String> ddl = TpchSchema.ddl(schema);
    assertEquals("CREATE SCHEMA IF NOT EXISTS \"Bench \"\"1\"\"\"", ddl.getFirst());
    assertTrue(ddl.get(1).startsWith("CREATE TABLE \"Bench \"\"1\"\"\".\"region\" (\n"
        + "  \"r_regionkey\" integer NOT NULL,"), ddl.get(1));
    assertTrue(ddl.contains("ALTER TABLE \"Bench \"\"1\"\"\".\"lineitem\" ADD CONSTRAINT "
        + "\"lineitem_l_partkey_l_suppkey_fkey\" FOREIGN KEY (\"l_partkey\", \"l_suppkey\") "
        + "REFERENCES \"Bench \"\"1\"\"\".\"partsupp\" (\"ps_partkey\", \"ps_suppkey\")"));
    assertTrue(ddl.contains("CREATE INDEX \"orders_o_custkey_idx\" ON \"Bench \"\"1\"\"\".\"orders\" "
        + "(\"o_custkey\")"));
    assertEquals(1 + 8 + 8 + TpchSchema.FOREIGN_KEYS.size() + TpchSchema.INDEXES.size(), ddl.size());
    assertTrue(TpchSchema.dropTables("public").startsWith(
        "DROP TABLE IF EXISTS \"public\".\"lineitem\", \"public\".\"orders\""));
  }

  @Test
  void moneyIsExactDecimalAndKeysAreIntegers() {
    for (String column : List.of("s_acctbal", "c_acctbal", "p_retailprice", "ps_supplycost",
        "o_totalprice", "l_quantity", "l_extendedprice", "l_discount", "l_tax")) {
      assertEquals("numeric(15,2)", type(column), column);
    }
    assertEquals("bigint", type("o_orderkey"));
    assertEquals("bigint", type("l_orderkey"));
    assertEquals("integer", type("l_partkey"));
    assertEquals("date", type("l_shipdate"));
  }

  @Test
  void namesFitPostgresqlsIdentifierLimit() {
    for (TpchSchema.ForeignKey fk : TpchSchema.FOREIGN_KEYS) {
      assertTrue(fk.name().length() <= 63, fk.name());
    }
    for (TpchSchema.Index index : TpchSchema.INDEXES) {
      assertTrue(index.name().length() <= 63, index.name());
      assertFalse(TpchSchema.table(index.table()).primaryKey().equals(index.columns()), index.name());
    }
  }

  private static int index(String table) {
    return TpchSchema.TABLES.indexOf(TpchSchema.table(table));
  }

  private static String type(String column) {
    return TpchSchema.TABLES.stream()
        .flatMap(t -> t.columns().stream())
        .filter(c -> c.name().equals(column))
        .findFirst()
        .orElseThrow()
        .type();
  }
}
