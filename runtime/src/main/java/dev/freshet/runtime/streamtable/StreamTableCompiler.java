package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.program.SystemCatalogSql;
import dev.freshet.codegen.refresh.HiddenColumns;
import dev.freshet.codegen.sql.StarExpansionPrinter;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.QueryException;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.QueryText;
import dev.freshet.planner.parse.LongIdentifiers;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.StarExpansion;
import dev.freshet.planner.admission.ClockLiterals;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.planner.catalog.PgQueryAnalyzer;
import dev.freshet.planner.catalog.PgTable;
import dev.freshet.rules.ChangedSet;
import dev.freshet.rules.Differentiator;
import dev.freshet.rules.SourceColumns;
import dev.freshet.rules.SourceFilters;
import dev.freshet.rules.shape.MaintenanceShape;
import dev.freshet.rules.shape.ShapeAnalyzer;
import dev.freshet.rules.shape.Stratum;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.rel.RelNode;

/**
 * Decides how a defining query is maintained. PostgreSQL reads the query first
 * ({@link PgQueryAnalyzer}): its errors are the user's, its column names are the stream table's, and
 * the relations and functions it lists are what a FULL stream table watches. FULL needs nothing
 * else: the query is stored and recomputed as written, so every query PostgreSQL accepts can be a
 * FULL stream table. DIFFERENTIAL and AUTO then plan it with Calcite against the live catalog; in AUTO
 * anything Freshet cannot maintain — including what its planner cannot read — falls back to FULL,
 * with the reason recorded.
 */
public final class StreamTableCompiler {

  private StreamTableCompiler() {
  }

  /**
   * Whether stream table {@code st}, compiled at the latest plan revision, would keep other state tables than at its
   * own ({@link ShapeAnalyzer#PLAN_REVISION}): what a rebuild would change. False when its query no longer plans.
   */
  public static boolean latestRevisionDiffers(Connection c, StoredStreamTable st) throws SQLException {
    if (st.planRevision() >= ShapeAnalyzer.PLAN_REVISION) {
      return false;
    }
    PgCatalog catalog = PgCatalogReader.read(c);
    if (!st.searchPath().isEmpty()) {
      catalog = catalog.withSearchPath(st.searchPath());
    }
    try {
      LogicalPlan plan = QueryPlanner.forCatalog(catalog).plan(st.definingQuery());
      return ShapeAnalyzer.analyze(plan, st.id(), st.planRevision()).strata().size()
          != ShapeAnalyzer.analyze(plan, st.id(), ShapeAnalyzer.PLAN_REVISION).strata().size();
    } catch (QueryException e) {
      return false;
    }
  }

  /**
   * @param streamTableId the stream table's catalog id: its state tables are named for it
   * @param searchPath where unqualified names resolve (the search_path the stream table was created
   *     under); empty for the session's
   * @param planRevision the plan revision to compile at: the latest for a new stream table, its own for one that
   *     exists ({@link ShapeAnalyzer#PLAN_REVISION})
   */
  public static CompiledStreamTable compile(Connection c, QualifiedName target, long streamTableId, String sql,
      Mode requested, List<String> searchPath, int planRevision) throws SQLException {
    PgQueryAnalyzer.Analysis described = PgQueryAnalyzer.analyze(c, sql, searchPath);
    checkColumnNames(c, target, described);
    checkNotReadingItself(target, described);
    if (requested == Mode.FULL) {
      return full(c, target, sql, described, Optional.empty());
    }
    if (!described.clockLiterals().isEmpty()) { // wherever PostgreSQL reads it as the clock ('today'::date, d <= 'today')
      PgQueryAnalyzer.ClockLiteral literal = described.clockLiterals().getFirst();
      return fallBack(c, target, sql, described, requested, new Refusal(ReasonCode.VOLATILE_FUNCTION,
          literal.position(), ClockLiterals.message(literal.text(), literal.type()), ClockLiterals.FIX), null);
    }
    List<String> foreign = foreignDescendants(c, described);
    if (!foreign.isEmpty()) {
      return fallBack(c, target, sql, described, requested, new Refusal(ReasonCode.UNSUPPORTED_SOURCE,
          SourcePosition.UNKNOWN, "it reads " + foreign.getFirst() + ", whose rows change outside this database "
              + "where no trigger sees them: that cannot carry change capture",
          "use --mode FULL or AUTO: PostgreSQL runs the query as written, recomputed at every refresh"), null);
    }
    PgCatalog catalog = PgCatalogReader.read(c);
    if (!searchPath.isEmpty()) {
      catalog = catalog.withSearchPath(searchPath);
    }
    LogicalPlan plan;
    try {
      plan = QueryPlanner.forCatalog(catalog).plan(sql);
    } catch (UnsupportedQueryException e) {
      return fallBack(c, target, sql, described, requested, e.refusal(), e);
    } catch (QueryException e) { // PostgreSQL accepted the query: Freshet's planner cannot read it yet
      Optional<Refusal> systemCatalog = systemCatalog(c, sql, described, e);
      if (systemCatalog.isPresent()) {
        return fallBack(c, target, sql, described, requested, systemCatalog.get(), e);
      }
      return fallBack(c, target, sql, described, requested, new Refusal(ReasonCode.UNREADABLE_QUERY,
          e.position(), "Freshet's planner cannot read this query yet (" + e.getMessage() + ")",
          "use --mode FULL or AUTO: PostgreSQL runs the query as written"), e);
    }

    ShapeAnalyzer.Analysis analysis = ShapeAnalyzer.analyze(plan, streamTableId, planRevision);
    Optional<Refusal> refusal = analysis.refusal();
    Optional<MaintenanceShape> shape = analysis.shape();
    // the delta plans compiled below, kept for the programs: the one with every source changed is the
    // program installed for all sources together, and the largest to compile (seconds for TPC-H Q8)
    Map<ChangedSet, RelNode> deltaCache = new ConcurrentHashMap<>();
    if (shape.isPresent()) {
      // Every operator must have a delta rule: differentiate once with every source and state changed.
      Set<List<String>> everything = new HashSet<>(SourceColumns.analyze(plan.rel()).keySet());
      analysis.strata().forEach(stratum -> everything.add(stratum.stateTable()));
      ChangedSet all = ChangedSet.of(everything);
      try {
        for (Stratum stratum : analysis.strata()) {
          stratum.deltaCache().computeIfAbsent(all, changed -> Differentiator.delta(stratum.shape().input(), changed,
              stratum.shape().inputColumnsRead()));
        }
        deltaCache.computeIfAbsent(all, changed -> Differentiator.delta(shape.get().input(), changed,
            shape.get().inputColumnsRead()));
      } catch (UnsupportedQueryException e) {
        refusal = Optional.of(e.refusal());
      }
    }
    if (refusal.isEmpty()) { // a cast of text to a date or time Freshet's plan does not show as one (s::date)
      refusal = described.unstableFunctions().stream()
          .filter(f -> f.use() == PgQueryAnalyzer.UnstableFunction.Use.CAST && f.name().startsWith("text to "))
          .findFirst().map(f -> new Refusal(ReasonCode.VOLATILE_FUNCTION, SourcePosition.UNKNOWN,
              ClockLiterals.castMessage("text", f.name().substring("text to ".length())),
              ClockLiterals.castFix(f.name().substring("text to ".length()))));
    }
    if (refusal.isPresent()) {
      return fallBack(c, target, sql, described, requested, refusal.get(), null);
    }
    if (plan.columnNames().size() != described.columns().size()) {
      throw new IllegalStateException("Freshet's plan of " + target + " has " + plan.columnNames().size()
          + " columns, PostgreSQL's reading " + described.columns().size() + ": a bug in Freshet");
    }
    Map<List<String>, SortedSet<Integer>> read = SourceColumns.analyze(plan.rel());
    List<RelNode> differentiated = new ArrayList<>(); // every plan a refresh differentiates
    analysis.strata().forEach(stratum -> differentiated.add(stratum.shape().input()));
    differentiated.add(shape.orElseThrow().input());
    // and every source column they read: a state table may keep more of its sources than the query reads (the
    // key ComparedRowsState adds), and a change table holds NULL for a column capture does not record
    for (RelNode input : differentiated) {
      SourceColumns.analyze(input).forEach((table, columns) -> {
        if (!dev.freshet.rules.rel.StateTables.isStateTable(table)) {
          read.merge(table, columns, (a, b) -> {
            SortedSet<Integer> both = new TreeSet<>(a);
            both.addAll(b);
            return both;
          });
        }
      });
    }
    Map<List<String>, SortedSet<Integer>> joinKeys = SourceColumns.joinKeys(plan.rel());
    Set<List<String>> joined = SourceColumns.joined(plan.rel());
    Map<List<String>, RelNode> rowFilters = SourceFilters.analyze(differentiated);
    List<CompiledStreamTable.Source> sources = new ArrayList<>();
    for (var entry : read.entrySet()) {
      List<String> name = entry.getKey();
      PgTable table = catalog.table(name.get(0), name.get(1)).orElseThrow(() ->
          new IllegalStateException("planned table " + name + " is not in the catalog"));
      List<String> columns = new ArrayList<>();
      entry.getValue().forEach(i -> columns.add(table.columns().get(i).name()));
      List<String> keys = new ArrayList<>();
      joinKeys.getOrDefault(name, new TreeSet<>()).forEach(i -> keys.add(table.columns().get(i).name()));
      sources.add(new CompiledStreamTable.Source(table, columns, keys, Optional.ofNullable(rowFilters.get(name)),
          joined.contains(name)));
    }
    List<String> secured = StreamTableCatalog.sourcesUnderRowSecurity(c,
        sources.stream().map(s -> s.table().oid()).toList());
    if (!secured.isEmpty()) {
      String role = StreamTableCatalog.currentUser(c);
      return fallBack(c, target, sql, described, requested, new Refusal(ReasonCode.UNSUPPORTED_SOURCE,
          dev.freshet.planner.SourcePosition.UNKNOWN, StreamTableCatalog.rowSecurityMessage(secured, role)
              + " (change capture records every row written, whatever the policies)",
          "create it as the tables' owner or a role with BYPASSRLS, or use --mode FULL or AUTO: a recompute "
              + "reads the query with the rights of the role that refreshes"), null);
    }
    List<String> notes = new ArrayList<>(cutNames(sql, described));
    notes.addAll(analysis.notes());
    return CompiledStreamTable.differential(target, sql, plan, described.columnNames(), notes,
        shape.orElseThrow(), analysis.strata(), sources, deltaCache);
  }

  /** {@code (*)}: the argument of count(*), which stands for no column. */
  private static final java.util.regex.Pattern COUNT_STAR = java.util.regex.Pattern.compile("\\(\\s*\\*\\s*\\)");

  /**
   * The text a new stream table stores for {@code sql}: its stars ({@code *}, {@code t.*}, {@code TABLE t})
   * written out as the columns they stand for today, as PostgreSQL stores a view, so that a column added to
   * a source later changes neither the stream table nor its recompute. Written out only where PostgreSQL
   * prints both texts back as the same query; a query Freshet's planner cannot read keeps its stars.
   */
  public static String withStarsWrittenOut(Connection c, String sql, List<String> searchPath) throws SQLException {
    // count(*) is no star: a query whose only stars are its aggregates' needs no catalog read and no analysis
    if (COUNT_STAR.matcher(sql).replaceAll("").indexOf('*') < 0
        && !sql.toUpperCase(java.util.Locale.ROOT).contains("TABLE")) {
      return sql;
    }
    PgQueryAnalyzer.Analysis written;
    try {
      written = PgQueryAnalyzer.analyze(c, sql, searchPath);
    } catch (QueryException e) { // the compile that follows reports it
      return sql;
    }
    String expanded;
    try {
      PgCatalog catalog = PgCatalogReader.read(c);
      if (!searchPath.isEmpty()) {
        catalog = catalog.withSearchPath(searchPath);
      }
      List<StarExpansion> stars = QueryPlanner.forCatalog(catalog).stars(sql);
      if (stars.isEmpty()) {
        return sql;
      }
      expanded = StarExpansionPrinter.expand(sql, stars);
    } catch (RuntimeException e) { // not readable by Freshet's planner (a QueryException): kept as written
      return sql;
    }
    PgQueryAnalyzer.Analysis rewritten;
    try {
      rewritten = PgQueryAnalyzer.analyze(c, expanded, searchPath);
    } catch (QueryException e) {
      return sql;
    }
    return rewritten.sameQuery(written) ? expanded : sql;
  }

  /** FULL, because AUTO found a reason not to maintain the query differentially after compiling it. */
  static CompiledStreamTable compileFull(Connection c, QualifiedName target, String sql, List<String> searchPath,
      Refusal fallback) throws SQLException {
    return full(c, target, sql, PgQueryAnalyzer.analyze(c, sql, searchPath), Optional.of(fallback));
  }

  /** DIFFERENTIAL: the refusal as an error; AUTO: FULL, with the refusal as the recorded reason. */
  /** The schemas of PostgreSQL's catalogs, which Freshet's planner does not read (PgCatalogReader). */
  private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "pg_toast", "information_schema");

  /**
   * FR007 for a query that reads a system catalog ({@code pg_class}, {@code information_schema.tables}):
   * Freshet's planner does not see those relations, so it failed on the name with {@code failure}
   * ("relation "pg_class" does not exist", which PostgreSQL just contradicted); the refusal names the catalog
   * and points where the planner stopped. PostgreSQL records no dependency on its own pinned catalogs
   * ({@code pg_class}), so those are found from the name at the failure's position.
   */
  private static Optional<Refusal> systemCatalog(Connection c, String sql, PgQueryAnalyzer.Analysis described,
      QueryException failure) throws SQLException {
    String message = String.valueOf(failure.getMessage());
    if (!UNKNOWN_RELATION.matcher(message).find()) {
      return Optional.empty();
    }
    List<PgQueryAnalyzer.Relation> system = new ArrayList<>(described.relations().stream()
        .filter(r -> SYSTEM_SCHEMAS.contains(r.schema())).toList());
    SourcePosition at = failure.position();
    if (at.isKnown() && at.endLine() == at.line()) {
      String named = sql.substring(at.startOffset(sql), at.endOffset(sql) + 1);
      try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.RELATION)) {
        ps.setString(1, named);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && SYSTEM_SCHEMAS.contains(rs.getString(2))) {
            system.addFirst(new PgQueryAnalyzer.Relation(rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getString(4).charAt(0)));
          }
        }
      }
    }
    if (system.isEmpty()) {
      return Optional.empty();
    }
    PgQueryAnalyzer.Relation relation = system.getFirst();
    return Optional.of(new Refusal(ReasonCode.UNSUPPORTED_SOURCE, at,
        Quoting.qualified(relation.qualifiedName()) + " is a system catalog" + (relation.relkind() == 'v'
            ? " view" : "") + ", which cannot carry change capture",
        "use --mode FULL or AUTO: PostgreSQL runs the query as written, recomputed at every refresh"));
  }

  /** The planner's message for a relation it does not know. */
  private static final java.util.regex.Pattern UNKNOWN_RELATION =
      java.util.regex.Pattern.compile("^relation .* does not exist$");

  private static CompiledStreamTable fallBack(Connection c, QualifiedName target, String sql,
      PgQueryAnalyzer.Analysis described, Mode requested, Refusal refusal, Exception cause) throws SQLException {
    if (requested == Mode.DIFFERENTIAL) {
      throw new UnsupportedQueryException(refusal, sql, cause);
    }
    return full(c, target, sql, described, Optional.of(refusal));
  }

  /**
   * FULL: the query as written. Its ordinary and partitioned tables are captured, so that a refresh
   * with none of them changed does nothing; anything that cannot be watched — a materialized view, a
   * foreign table, a system catalog, a function that is not immutable (a clock, a random number, a
   * function reading tables) — makes every refresh recompute, and the notes say why.
   */
  private static CompiledStreamTable full(Connection c, QualifiedName target, String sql,
      PgQueryAnalyzer.Analysis described, Optional<Refusal> fallback) throws SQLException {
    Set<String> schemas = new LinkedHashSet<>();
    described.relations().stream().filter(PgQueryAnalyzer.Relation::capturable)
        .forEach(r -> schemas.add(r.schema()));
    PgCatalog catalog = schemas.isEmpty() ? null : PgCatalogReader.read(c, schemas);
    List<CompiledStreamTable.Source> sources = new ArrayList<>();
    List<String> unwatched = new ArrayList<>();
    for (PgQueryAnalyzer.Relation relation : described.relations()) {
      String name = Quoting.qualified(relation.qualifiedName());
      Optional<PgTable> table = relation.capturable() && !PgCatalogReader.EXCLUDED_SCHEMAS.contains(relation.schema())
          ? catalog.table(relation.schema(), relation.name()) : Optional.empty();
      if (table.isPresent()) {
        sources.add(new CompiledStreamTable.Source(table.get(), List.of(), List.of()));
        continue;
      }
      switch (relation.relkind()) {
        case 'v' -> { } // its tables are listed too
        case 'c' -> { } // a composite type whose fields the query selects ((a).zip): no rows of its own
        case 'm' -> unwatched.add("reads materialized view " + name + " (REFRESH MATERIALIZED VIEW cannot be captured)");
        case 'f' -> unwatched.add("reads foreign table " + name + " (its rows change on another server)");
        case 'S' -> unwatched.add("reads sequence " + name);
        default -> unwatched.add("reads " + name + ", which Freshet cannot capture (a system or Freshet table)");
      }
    }
    for (String table : foreignDescendants(c, described)) {
      unwatched.add("reads " + table + " (its rows change outside this database)");
    }
    for (PgQueryAnalyzer.UnstableFunction function : described.unstableFunctions()) {
      unwatched.add(function.describe() + ", whose result may change without any change to the sources");
    }
    List<String> notes = new ArrayList<>(cutNames(sql, described));
    if (!unwatched.isEmpty()) {
      notes.add(CompiledStreamTable.RECOMPUTED_EVERY_REFRESH + String.join("; ", unwatched));
    }
    return CompiledStreamTable.full(target, sql, described.columnNames(), fallback, notes, sources,
        !unwatched.isEmpty());
  }

  /**
   * Each foreign table among the partitions and inheritance children, at any level, of the ordinary and partitioned
   * tables the query reads ({@code foreign table "public"."sales_remote", a partition or child of "public"."sales"}):
   * {@code SELECT … FROM parent} reads its rows, which change on another server or in a file, where no trigger sees
   * them. A foreign table the query names itself is one of {@code described.relations()}.
   */
  private static List<String> foreignDescendants(Connection c, PgQueryAnalyzer.Analysis described)
      throws SQLException {
    List<Long> tables = described.relations().stream().filter(PgQueryAnalyzer.Relation::capturable)
        .map(PgQueryAnalyzer.Relation::oid).distinct().toList();
    List<String> foreign = new ArrayList<>();
    if (tables.isEmpty()) {
      return foreign;
    }
    try (PreparedStatement ps = c.prepareStatement(dev.freshet.codegen.ddl.CaptureCatalogSql.FOREIGN_DESCENDANTS)) {
      ps.setArray(1, c.createArrayOf("bigint", tables.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          foreign.add("foreign table " + Quoting.qualified(rs.getString(3), rs.getString(4))
              + ", a partition or child of " + Quoting.qualified(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return foreign;
  }

  /**
   * A note for each column whose name in the query is longer than PostgreSQL keeps: it cut the name to its
   * first 63 bytes (with a NOTICE only), and that is the column's name.
   */
  private static List<String> cutNames(String sql, PgQueryAnalyzer.Analysis described) {
    Set<String> noted = new LinkedHashSet<>();
    List<String> notes = new ArrayList<>();
    for (QueryText.Identifier id : QueryText.identifiers(sql)) {
      String cut = LongIdentifiers.truncate(id.name());
      if (!cut.equals(id.name()) && described.columnNames().contains(cut) && noted.add(cut)) {
        notes.add("column name " + Quoting.identifier(id.name()) + " is longer than PostgreSQL keeps ("
            + LongIdentifiers.MAX_BYTES + " bytes): the column is named " + Quoting.identifier(cut));
      }
    }
    return notes;
  }

  private static void checkNotReadingItself(QualifiedName target, PgQueryAnalyzer.Analysis described) {
    for (PgQueryAnalyzer.Relation relation : described.relations()) {
      if (relation.schema().equals(target.schema()) && relation.name().equals(target.name())) {
        throw new StreamTableException("the query of " + target + " reads " + target + " itself");
      }
    }
  }

  private static void checkColumnNames(Connection c, QualifiedName target, PgQueryAnalyzer.Analysis described)
      throws SQLException {
    Set<String> seen = new HashSet<>();
    for (String column : described.columnNames()) {
      if (column.startsWith(HiddenColumns.PREFIX)) {
        throw hiddenColumn(c, target, described, column);
      }
      if (!seen.add(column)) {
        throw new StreamTableException("the query of " + target + " has two columns named "
            + Quoting.identifier(column) + "; a table needs distinct column names: alias one of them (… AS other_name)");
      }
    }
  }

  /**
   * A result column named like Freshet's hidden columns: most likely one of a stream table the query reads,
   * selected with {@code *} ({@code SELECT * FROM st} takes them too, as PostgreSQL expands {@code *} to every
   * column of the table); else a name the query gave.
   */
  private static StreamTableException hiddenColumn(Connection c, QualifiedName target,
      PgQueryAnalyzer.Analysis described, String column) throws SQLException {
    if (StreamTables.schemaExists(c, "freshet")) {
      for (PgQueryAnalyzer.Relation relation : described.relations()) {
        QualifiedName read = new QualifiedName(relation.schema(), relation.name());
        if (relation.relkind() != 'r' || StreamTableCatalog.find(c, read, false).isEmpty()) {
          continue;
        }
        List<String> columns = StreamTableCatalog.columns(c, relation.oid());
        if (columns.contains(column)) {
          return new StreamTableException(dev.freshet.runtime.cli.ExitCode.REFUSED, "the query of " + target
              + " selects " + column + ", a hidden column of stream table " + read + " (SELECT * takes every "
              + "column of the table, and a stream table also has hidden ones, where Freshet keeps what it needs "
              + "to maintain it); name the columns it needs instead of * (those of " + read + " are "
              + String.join(", ", columns.stream().filter(name -> !name.startsWith(HiddenColumns.PREFIX))
                  .map(dev.freshet.planner.sql.Quoting::identifier).toList()) + ")");
        }
      }
    }
    return new StreamTableException(dev.freshet.runtime.cli.ExitCode.REFUSED, "the query of " + target
        + " has a column named " + column + "; names starting with " + HiddenColumns.PREFIX
        + " are reserved for Freshet's hidden columns: alias it (… AS other_name)");
  }
}
