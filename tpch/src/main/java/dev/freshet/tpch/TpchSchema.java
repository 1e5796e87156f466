package dev.freshet.tpch;

import static dev.freshet.planner.sql.Quoting.identifier;
import static dev.freshet.planner.sql.Quoting.qualified;

import dev.freshet.planner.sql.Quoting;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

/**
 * The eight TPC-H tables as PostgreSQL DDL (TPC-H specification 3.0.1, §1.4), in any schema.
 *
 * <p>Types follow the specification: identifiers are {@code integer}, except order keys, which are
 * {@code bigint} because they are sparse (four times the order count) and pass 2³¹ at SF-540;
 * money and quantities are {@code numeric(15,2)}; fixed texts {@code char(n)}, variable texts
 * {@code varchar(n)}. Every column is {@code NOT NULL}: TPC-H has no NULLs, and saying so gives the
 * planner exact nullability.
 *
 * <p>Primary keys, foreign keys and indexes are separate statement lists so the loader can add them
 * after the bulk load, which is several times faster than maintaining them row by row.
 */
public final class TpchSchema {

  public static final String DEFAULT_SCHEMA = "public";

  /** A column and its PostgreSQL type. */
  public record Column(String name, String type) {
  }

  /** A table, its columns in TPC-H order (the order the loader streams them), and its key. */
  public record Table(String name, List<Column> columns, List<String> primaryKey) {
    public Table {
      columns = List.copyOf(columns);
      primaryKey = List.copyOf(primaryKey);
    }

    public List<String> columnNames() {
      return columns.stream().map(Column::name).toList();
    }
  }

  /** {@code table(columns) REFERENCES referencedTable(referencedColumns)}. */
  public record ForeignKey(String table, List<String> columns, String referencedTable,
                           List<String> referencedColumns) {
    public ForeignKey {
      columns = List.copyOf(columns);
      referencedColumns = List.copyOf(referencedColumns);
    }

    /** PostgreSQL's own naming convention, so names look familiar in {@code \d} output. */
    public String name() {
      return table + "_" + String.join("_", columns) + "_fkey";
    }
  }

  /** A secondary B-tree index. */
  public record Index(String table, List<String> columns) {
    public Index {
      columns = List.copyOf(columns);
    }

    public String name() {
      return table + "_" + String.join("_", columns) + "_idx";
    }
  }

  /** In load order: referenced tables before the tables referencing them. */
  public static final List<Table> TABLES = List.of(
      new Table("region", List.of(
          new Column("r_regionkey", "integer"),
          new Column("r_name", "char(25)"),
          new Column("r_comment", "varchar(152)")),
          List.of("r_regionkey")),
      new Table("nation", List.of(
          new Column("n_nationkey", "integer"),
          new Column("n_name", "char(25)"),
          new Column("n_regionkey", "integer"),
          new Column("n_comment", "varchar(152)")),
          List.of("n_nationkey")),
      new Table("supplier", List.of(
          new Column("s_suppkey", "integer"),
          new Column("s_name", "char(25)"),
          new Column("s_address", "varchar(40)"),
          new Column("s_nationkey", "integer"),
          new Column("s_phone", "char(15)"),
          new Column("s_acctbal", "numeric(15,2)"),
          new Column("s_comment", "varchar(101)")),
          List.of("s_suppkey")),
      new Table("customer", List.of(
          new Column("c_custkey", "integer"),
          new Column("c_name", "varchar(25)"),
          new Column("c_address", "varchar(40)"),
          new Column("c_nationkey", "integer"),
          new Column("c_phone", "char(15)"),
          new Column("c_acctbal", "numeric(15,2)"),
          new Column("c_mktsegment", "char(10)"),
          new Column("c_comment", "varchar(117)")),
          List.of("c_custkey")),
      new Table("part", List.of(
          new Column("p_partkey", "integer"),
          new Column("p_name", "varchar(55)"),
          new Column("p_mfgr", "char(25)"),
          new Column("p_brand", "char(10)"),
          new Column("p_type", "varchar(25)"),
          new Column("p_size", "integer"),
          new Column("p_container", "char(10)"),
          new Column("p_retailprice", "numeric(15,2)"),
          new Column("p_comment", "varchar(23)")),
          List.of("p_partkey")),
      new Table("partsupp", List.of(
          new Column("ps_partkey", "integer"),
          new Column("ps_suppkey", "integer"),
          new Column("ps_availqty", "integer"),
          new Column("ps_supplycost", "numeric(15,2)"),
          new Column("ps_comment", "varchar(199)")),
          List.of("ps_partkey", "ps_suppkey")),
      new Table("orders", List.of(
          new Column("o_orderkey", "bigint"),
          new Column("o_custkey", "integer"),
          new Column("o_orderstatus", "char(1)"),
          new Column("o_totalprice", "numeric(15,2)"),
          new Column("o_orderdate", "date"),
          new Column("o_orderpriority", "char(15)"),
          new Column("o_clerk", "char(15)"),
          new Column("o_shippriority", "integer"),
          new Column("o_comment", "varchar(79)")),
          List.of("o_orderkey")),
      new Table("lineitem", List.of(
          new Column("l_orderkey", "bigint"),
          new Column("l_partkey", "integer"),
          new Column("l_suppkey", "integer"),
          new Column("l_linenumber", "integer"),
          new Column("l_quantity", "numeric(15,2)"),
          new Column("l_extendedprice", "numeric(15,2)"),
          new Column("l_discount", "numeric(15,2)"),
          new Column("l_tax", "numeric(15,2)"),
          new Column("l_returnflag", "char(1)"),
          new Column("l_linestatus", "char(1)"),
          new Column("l_shipdate", "date"),
          new Column("l_commitdate", "date"),
          new Column("l_receiptdate", "date"),
          new Column("l_shipinstruct", "char(25)"),
          new Column("l_shipmode", "char(10)"),
          new Column("l_comment", "varchar(44)")),
          List.of("l_orderkey", "l_linenumber")));

  /** The specification's foreign keys (§1.4.2), lineitem's three included. */
  public static final List<ForeignKey> FOREIGN_KEYS = List.of(
      new ForeignKey("nation", List.of("n_regionkey"), "region", List.of("r_regionkey")),
      new ForeignKey("supplier", List.of("s_nationkey"), "nation", List.of("n_nationkey")),
      new ForeignKey("customer", List.of("c_nationkey"), "nation", List.of("n_nationkey")),
      new ForeignKey("partsupp", List.of("ps_partkey"), "part", List.of("p_partkey")),
      new ForeignKey("partsupp", List.of("ps_suppkey"), "supplier", List.of("s_suppkey")),
      new ForeignKey("orders", List.of("o_custkey"), "customer", List.of("c_custkey")),
      new ForeignKey("lineitem", List.of("l_orderkey"), "orders", List.of("o_orderkey")),
      new ForeignKey("lineitem", List.of("l_partkey"), "part", List.of("p_partkey")),
      new ForeignKey("lineitem", List.of("l_suppkey"), "supplier", List.of("s_suppkey")),
      new ForeignKey("lineitem", List.of("l_partkey", "l_suppkey"),
          "partsupp", List.of("ps_partkey", "ps_suppkey")));

  /**
   * One index per foreign-key column not already the leading column of a primary key, so both the
   * queries' joins and incremental maintenance (which reaches unchanged tables through equi-key
   * lookups driven by a delta's keys, in either direction) find rows without scanning; plus
   * {@code o_orderdate}, the range filter of Q3, Q4, Q5, Q8 and Q10. {@code l_orderkey} and
   * {@code ps_partkey} lead their primary keys; {@code (l_partkey, l_suppkey)} also serves
   * {@code l_partkey} alone (Q14, Q17, Q19).
   */
  public static final List<Index> INDEXES = List.of(
      new Index("nation", List.of("n_regionkey")),
      new Index("supplier", List.of("s_nationkey")),
      new Index("customer", List.of("c_nationkey")),
      new Index("partsupp", List.of("ps_suppkey")),
      new Index("orders", List.of("o_custkey")),
      new Index("orders", List.of("o_orderdate")),
      new Index("lineitem", List.of("l_partkey", "l_suppkey")),
      new Index("lineitem", List.of("l_suppkey")));

  private TpchSchema() {
  }

  /** The table called {@code name} ({@code lineitem}, {@code orders}, ...). */
  public static Table table(String name) {
    return TABLES.stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no TPC-H table called '" + name
            + "'; the tables are " + TABLES.stream().map(Table::name).toList()));
  }

  /** {@code CREATE SCHEMA IF NOT EXISTS} and the eight {@code CREATE TABLE}s, without keys. */
  public static List<String> createTables(String schema) {
    var statements = new ArrayList<String>();
    statements.add("CREATE SCHEMA IF NOT EXISTS " + identifier(schema));
    for (Table table : TABLES) {
      statements.add(createTable(schema, table));
    }
    return statements;
  }

  /** Primary keys first: every foreign key needs the referenced key's unique index. */
  public static List<String> addConstraints(String schema) {
    var statements = new ArrayList<String>();
    for (Table table : TABLES) {
      statements.add("ALTER TABLE " + qualified(schema, table.name())
          + " ADD CONSTRAINT " + identifier(table.name() + "_pkey")
          + " PRIMARY KEY (" + columnList(table.primaryKey()) + ")");
    }
    for (ForeignKey fk : FOREIGN_KEYS) {
      statements.add("ALTER TABLE " + qualified(schema, fk.table())
          + " ADD CONSTRAINT " + identifier(fk.name())
          + " FOREIGN KEY (" + columnList(fk.columns()) + ")"
          + " REFERENCES " + qualified(schema, fk.referencedTable())
          + " (" + columnList(fk.referencedColumns()) + ")");
    }
    return statements;
  }

  public static List<String> createIndexes(String schema) {
    return INDEXES.stream()
        .map(index -> "CREATE INDEX " + identifier(index.name())
            + " ON " + qualified(schema, index.table())
            + " (" + columnList(index.columns()) + ")")
        .toList();
  }

  /** Everything for an empty TPC-H schema: tables, keys, indexes. */
  public static List<String> ddl(String schema) {
    var statements = new ArrayList<>(createTables(schema));
    statements.addAll(addConstraints(schema));
    statements.addAll(createIndexes(schema));
    return statements;
  }

  /**
   * Drops the eight tables in one statement (so the foreign keys between them do not matter).
   * Without {@code CASCADE}: if anything else depends on them, PostgreSQL refuses and names it,
   * rather than this silently dropping someone's objects.
   */
  public static String dropTables(String schema) {
    return "DROP TABLE IF EXISTS " + TABLES.reversed().stream()
        .map(t -> qualified(schema, t.name()))
        .collect(Collectors.joining(", "));
  }

  private static String createTable(String schema, Table table) {
    String columns = table.columns().stream()
        .map(c -> "  " + identifier(c.name()) + " " + c.type() + " NOT NULL")
        .collect(Collectors.joining(",\n"));
    return "CREATE TABLE " + qualified(schema, table.name()) + " (\n" + columns + "\n)";
  }

  private static String columnList(List<String> columns) {
    return columns.stream().map(Quoting::identifier).collect(Collectors.joining(", "));
  }
}
