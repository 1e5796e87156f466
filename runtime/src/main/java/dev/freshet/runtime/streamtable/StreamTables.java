package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.ddl.CapturePrinter;
import dev.freshet.codegen.program.RefreshProgram;
import dev.freshet.codegen.program.RefreshSessionSql;
import dev.freshet.codegen.program.RefreshStep;
import dev.freshet.codegen.program.StreamTableRowSql;
import dev.freshet.codegen.program.SystemCatalogSql;
import dev.freshet.codegen.refresh.ChangeTablePrinter;
import dev.freshet.codegen.refresh.StoredColumn;
import dev.freshet.runtime.jdbc.Transactions;
import dev.freshet.runtime.oracle.BagComparison;
import dev.freshet.codegen.refresh.VerificationPrinter;
import dev.freshet.codegen.refresh.HiddenColumns;
import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.codegen.ddl.StorageTypesPrinter;
import dev.freshet.codegen.ddl.TableDdlPrinter;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.catalog.PgColumn;
import dev.freshet.rules.ChangedSet;
import dev.freshet.rules.rel.ChangeTables;
import dev.freshet.rules.rel.StateTables;
import dev.freshet.rules.shape.ShapeAnalyzer;
import dev.freshet.rules.shape.Stratum;
import dev.freshet.runtime.capture.ChangeBuffer;
import dev.freshet.runtime.capture.ChangeCapture;
import dev.freshet.runtime.catalog.CatalogMigrations;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.SuggestedCommand;
import dev.freshet.runtime.jdbc.DatabaseErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.postgresql.util.ServerErrorMessage;

/**
 * The stream table lifecycle, as a Java API: create, refresh, drop, alter, list, status. Each call
 * runs its own transactions on the connection it is given (which must be in auto-commit mode) and
 * leaves it as it found it.
 *
 * <p>Refresh protocol (DESIGN.md §3): one REPEATABLE READ transaction takes the stream table's refresh
 * lock (a transaction-level advisory lock: refreshes of one table never overlap) and runs
 * {@code freshet.refresh_window} (catalog V4),
 * which reads the stored snapshot, takes the current one, reads exactly the buffer rows visible now and
 * not then, runs the refresh program installed for the changed sources, and writes the new snapshot and
 * the history row. Buffer cleanup follows in a transaction of its own per source. {@code CALL
 * freshet.refresh('name')} does the same from SQL.
 */
public final class StreamTables {

  /** High key of the advisory locks that serialize refreshes of one stream table ("FRRF"). */
  private static final int REFRESH_LOCK_CLASS = 0x46525246;

  private static final Map<List<Object>, CompiledStreamTable> COMPILED = new ConcurrentHashMap<>();

  private StreamTables() {
  }

  // ---- create ----------------------------------------------------------------------------------

  public static StoredStreamTable create(Connection c, String name, String sql, Mode mode, String schedule)
      throws SQLException {
    if (CatalogMigrations.require(c) == 0) { // the first stream table of this database creates the catalog
      CatalogMigrations.migrate(c);
    }
    return inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
      QualifiedName target = QualifiedName.parse(c, name);
      createIn(c, target, sql, mode, schedule, Optional.empty());
      return StreamTableCatalog.require(c, target, false);
    });
  }

  /**
   * What an alter's rebuild keeps of the stream table it replaces: its creation time and its refresh history
   * ({@link StreamTableCatalog#history}), and what the fill of the rebuild records ({@link
   * StreamTableCatalog#filledByAlter}).
   */
  private record Rebuilding(OffsetDateTime createdAt, String history, String fillReason) {
  }

  private static void createIn(Connection c, QualifiedName target, String text, Mode mode, String schedule,
      Optional<Rebuilding> rebuilding) throws SQLException {
    checkSchedule(schedule);
    String written = dev.freshet.planner.QueryText.withoutTerminator(text);
    checkNewName(c, target);
    long id = StreamTableCatalog.reserveId(c); // the state tables inside the query are named for it
    String sql = StreamTableCompiler.withStarsWrittenOut(c, written, List.of());
    CompiledStreamTable compiled = compileAsWritten(c, target, id, sql, written, mode);
    java.sql.Savepoint beforePopulation = c.setSavepoint();
    OffsetDateTime started = now(c);
    Population population;
    try {
      population = populateOrMismatch(c, target, compiled);
      if (compiled.effectiveMode() == Mode.DIFFERENTIAL) {
        requirePlanAgreesWithQuery(c, compiled);
      }
    } catch (PlanMismatch mismatch) {
      if (mode == Mode.DIFFERENTIAL) {
        throw new UnsupportedQueryException(mismatch.refusal, sql, mismatch.getCause());
      }
      c.rollback(beforePopulation);
      compiled = StreamTableCompiler.compileFull(c, target, sql, List.of(), mismatch.refusal);
      population = populate(c, target, compiled);
    }
    Counts counts = population.counts();
    // what computing it cost: AUTO's measure of a recompute until a FULL refresh measures one (catalog V11)
    StreamTableCatalog.insert(c, id, target, sql, mode, compiled, schedule, population.programNanos() / 1e6,
        rebuilding.map(Rebuilding::createdAt).orElse(null));
    for (CompiledStreamTable.Source source : compiled.sources()) {
      StreamTableCatalog.insertSource(c, id, source.table().oid(), source.name(), source.readColumns());
    }
    StreamTableCatalog.recordCaptureStamps(c, id);
    RefreshInstaller.install(c, id, compiled);
    if (rebuilding.isPresent()) { // the rows keep their ids: the fill below comes after them
      StreamTableCatalog.restoreHistory(c, id, rebuilding.get().history());
    }
    long fill = StreamTableCatalog.insertHistory(c, id, started, Mode.FULL, List.of(), counts.inserted(),
        counts.updated(), counts.deleted(), counts.deltaRows(), compiled.fallback().map(r -> r.reasonLine())
            .orElse(null), null, rebuilding.map(Rebuilding::fillReason).orElse(StreamTableCatalog.FILLED));
    StreamTableCatalog.setFilledHistory(c, id, fill); // AUTO learns from the refreshes after it
  }

  /**
   * Compiles the text a new stream table stores ({@code sql}, its stars written out); a refusal is reported
   * against the text the user wrote, where its position is.
   */
  private static CompiledStreamTable compileAsWritten(Connection c, QualifiedName target, long id, String sql,
      String written, Mode mode) throws SQLException {
    try {
      return StreamTableCompiler.compile(c, target, id, sql, mode, List.of(), ShapeAnalyzer.PLAN_REVISION);
    } catch (dev.freshet.planner.QueryException e) {
      if (!sql.equals(written)) {
        StreamTableCompiler.compile(c, target, id, written, mode, List.of(), ShapeAnalyzer.PLAN_REVISION);
      }
      throw e;
    }
  }

  /**
   * Only its owner changes, refreshes or drops a stream table: the role that created it, a member of that
   * role, or a superuser (as PostgreSQL's own "must be owner of table"). Reading it, listing and
   * verifying need no more than the privileges those reads take.
   */
  private static void requireOwner(Connection c, StoredStreamTable st) throws SQLException {
    if (!StreamTableCatalog.mayManage(c, st.owner())) {
      // SQLSTATE 42501 (insufficient_privilege), as PostgreSQL's own "must be owner of table"
      throw new SQLException("must be owner of stream table " + st.name() + " (owned by "
          + Quoting.identifier(st.owner()) + "); its owner, a member of that role (GRANT "
          + Quoting.identifier(st.owner()) + " TO ...) or a superuser can do this", "42501");
    }
  }

  /**
   * The stream table {@code target}, locked for a change, once its owner check passed: checked first, so
   * that another role is told it must be the owner rather than that it may not lock the catalog's row.
   */
  private static StoredStreamTable requireManaged(Connection c, QualifiedName target) throws SQLException {
    requireOwner(c, StreamTableCatalog.require(c, target, false));
    return StreamTableCatalog.require(c, target, true);
  }

  /** A new stream table's name must be free, in a schema that exists. */
  private static void checkNewName(Connection c, QualifiedName target) throws SQLException {
    if (schemaExists(c, "freshet") && StreamTableCatalog.find(c, target, false).isPresent()) {
      throw new StreamTableException("stream table " + target + " already exists; "
          + "'freshet alter' changes it, 'freshet drop' removes it");
    }
    if (relid(c, target).isPresent()) {
      throw new StreamTableException("a relation named " + target + " already exists; "
          + "choose another name for the stream table, or drop that relation");
    }
    if (!schemaExists(c, target.schema())) {
      throw new StreamTableException("schema " + Quoting.identifier(target.schema()) + " does not exist; "
          + "create it first (CREATE SCHEMA " + Quoting.identifier(target.schema()) + ")");
    }
  }

  /**
   * What {@code create} would make of a query, changing nothing: the mode it would run in (and why not
   * DIFFERENTIAL), its sources and notes. The plan check that compares the filled table with the query
   * runs only at create, on the data.
   */
  public static CompiledStreamTable dryRun(Connection c, String name, String text, Mode mode) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      QualifiedName target = QualifiedName.parse(c, name);
      checkNewName(c, target);
      String written = dev.freshet.planner.QueryText.withoutTerminator(text);
      return compileAsWritten(c, target, 0, StreamTableCompiler.withStarsWrittenOut(c, written, List.of()), written,
          mode);
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
  }

  /** What filling a new stream table did, and how long its full program took (without the DDL before it). */
  private record Population(Counts counts, long programNanos) {
  }

  /** Captures the sources, creates the storage and fills it. */
  private static Population populate(Connection c, QualifiedName target, CompiledStreamTable compiled)
      throws SQLException {
    // Writers of the sources wait from here to commit: population and the stored snapshot see the
    // same source state, and every later write lands in the buffers (DESIGN.md §3).
    List<CompiledStreamTable.Source> sources = new ArrayList<>(compiled.sources());
    sources.sort(Comparator.comparingLong(s -> s.table().oid()));
    for (CompiledStreamTable.Source source : sources) {
      execute(c, TableDdlPrinter.lock(List.of(source.name()), TableDdlPrinter.LockMode.SHARE_ROW_EXCLUSIVE, false));
    }
    for (CompiledStreamTable.Source source : sources) {
      ChangeCapture.ensure(c, source.table().schema(), source.table().name(), source.readColumns());
    }
    for (String statement : compiled.createStorage()) { // state tables bottom-up, then the stream table
      execute(c, statement);
    }
    RefreshProgram program = compiled.fullProgram(storedColumns(c, compiled));
    long start = System.nanoTime();
    Counts counts = run(c, program);
    return new Population(counts, System.nanoTime() - start);
  }

  /** Freshet's plan disagrees with the query it was made from (see {@link #requirePlanAgreesWithQuery}). */
  private static final class PlanMismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Refusal refusal;

    PlanMismatch(Refusal refusal, Throwable cause) {
      super(refusal.message(), cause, false, false);
      this.refusal = refusal;
    }
  }

  /**
   * A tripwire against planner bugs, once at create: a differential stream table was just filled
   * from one reading of its query (the query as written for a bag, Freshet's plan for groups: their
   * hidden state comes from it); the other reading must give the same rows on the same data, or the
   * deltas derived from the plan would be wrong. One run of the other reading and one hash aggregate.
   */
  private static void requirePlanAgreesWithQuery(Connection c, CompiledStreamTable compiled) {
    long differing;
    try {
      // Top rows are compared with the query as written: their ORDER BY values, and the rows not tied
      // with the last one (its LIMIT may return other rows among those).
      List<StoredColumn> stored = storedColumns(c, compiled.target());
      if (compiled.topK().isPresent()) {
        List<StoredColumn> user = stored.stream().filter(col -> !col.name().startsWith(HiddenColumns.PREFIX)).toList();
        BagComparison.Result keys = BagComparison.compare(c, VerificationPrinter.orderKeyRows(compiled.sql(), user,
            compiled.orderKeyColumns()), VerificationPrinter.stateRows(compiled.target().parts(),
            compiled.orderKeyColumns()));
        BagComparison.Result untied = BagComparison.compare(c,
            VerificationPrinter.untiedRows(compiled.sql(), user, compiled.topK().get()),
            VerificationPrinter.untiedRows(VerificationPrinter.storedRows(compiled.target().parts(), user), user,
                compiled.topK().get()));
        differing = keys.missingCount() + keys.extraCount() + untied.missingCount() + untied.extraCount();
      } else {
        differing = scalarLong(c, compiled.storage().differingReading(compiled.sql(),
            QuerySqlPrinter.print(compiled.plan().orElseThrow().rel()), stored));
      }
    } catch (SQLException | RuntimeException e) {
      throw new PlanMismatch(mismatch("Freshet's plan of this query cannot be run (" + firstLine(DatabaseErrors.message(e))
          + ")"), e);
    }
    if (differing > 0) {
      throw new PlanMismatch(mismatch("on the current data, Freshet's plan of this query returns other rows than "
          + "the query (" + differing + (differing == 1 ? " row differs" : " rows differ") + ")"), null);
    }
  }

  /**
   * {@link #populate}, where PostgreSQL rejecting the SQL printed for a differential stream table (its state, the
   * plan's reading: SQLSTATE class 42, or 0A) is a {@link PlanMismatch}: a bug of the planner or the printer, which AUTO
   * answers by running the query as written (red-team finding: {@code bool_and(b) FILTER (WHERE …)} printed as a
   * nested aggregate failed create in AUTO too, with exit status 4 and no reason).
   */
  private static Population populateOrMismatch(Connection c, QualifiedName target, CompiledStreamTable compiled)
      throws SQLException {
    try {
      return populate(c, target, compiled);
    } catch (SQLException e) {
      String state = String.valueOf(e.getSQLState());
      if (compiled.effectiveMode() != Mode.DIFFERENTIAL || !(state.startsWith("42") || state.startsWith("0A"))
          || state.equals("42501")) { // a privilege the query as written needs too
        throw e;
      }
      throw new PlanMismatch(mismatch("PostgreSQL rejects the SQL Freshet printed for this query ("
          + firstLine(DatabaseErrors.message(e)) + ", SQLSTATE " + state + ")"), e);
    }
  }

  private static Refusal mismatch(String message) {
    return new Refusal(ReasonCode.PLAN_MISMATCH, dev.freshet.planner.SourcePosition.UNKNOWN,
        message + ": a bug in Freshet's planner, caught before it gave a wrong result; please report it with the query",
        "use --mode AUTO or FULL: PostgreSQL runs the query as written");
  }

  private static String firstLine(String text) {
    String s = String.valueOf(text);
    int newline = s.indexOf('\n');
    return newline < 0 ? s : s.substring(0, newline);
  }

  // ---- refresh ---------------------------------------------------------------------------------

  /**
   * Refreshes a stream table: the work runs inside PostgreSQL ({@code freshet.refresh_window}, catalog V4),
   * in one REPEATABLE READ transaction under the stream table's refresh lock. This side brings what that
   * needs: the programs, installed when missing (a stream table created before V4) or reinstalled after
   * its sources' capture is reconciled (columns renamed); the exact program for a set of changed sources
   * met for the first time, for the next refresh; and the failure recorded when a refresh fails.
   */
  public static RefreshReport refresh(Connection c, String name) throws SQLException {
    return refresh(c, name, false, false);
  }

  /**
   * {@link #refresh(Connection, String)}; with {@code profile} the time of each of its steps in the report
   * (those inside PostgreSQL, then each source's buffer cleanup); with {@code recompute} in mode FULL
   * whatever changed (applied as a diff: unchanged rows are not rewritten).
   */
  public static RefreshReport refresh(Connection c, String name, boolean profile, boolean recompute)
      throws SQLException {
    long startNanos = System.nanoTime();
    Optional<RefreshReport> inOneCall = refreshInOneCall(c, name, profile, recompute, startNanos);
    if (inOneCall.isPresent()) {
      return inOneCall.get();
    }
    QualifiedName target = QualifiedName.parse(c, name);
    requireCatalog(c, target);
    StoredStreamTable first = StreamTableCatalog.require(c, target, false);
    requireOwner(c, first);
    Work<Window> attempt = () -> {
      lockRefresh(c, target, first.id(), false);
      StoredStreamTable st = StreamTableCatalog.require(c, target, false);
      if (st.effectiveMode() == Mode.DIFFERENTIAL) {
        // capture records every row written: a role that a source's policies apply to would read rows
        // its query cannot see (catalog V12 checks the same for CALL freshet.refresh). A recompute by such
        // a role (refresh --full) is refused too: it would store what the policies let through, and the
        // next differential refresh, by a role they do not apply to, would add every row's changes to it
        List<String> secured = StreamTableCatalog.sourcesUnderRowSecurity(c, st.id());
        if (!secured.isEmpty()) {
          throw new SQLException(StreamTableCatalog.rowSecurityMessage(secured, StreamTableCatalog.currentUser(c))
              + "; refresh as the tables' owner or a role with BYPASSRLS, or make the stream table FULL: "
              + SuggestedCommand.freshet("alter", st.name(), "--mode", "FULL"), "42501");
        }
      }
      Window read = refreshWindow(c, st, profile, recompute);
      if (read.windowRows() == 0 && read.inserted() + read.updated() + read.deleted() == 0) {
        // nothing read, nothing changed: a commit lost in a crash loses nothing (the next window is the
        // same), so it need not wait for the WAL to reach the disk (CALL freshet.refresh too, catalog V12)
        try (Statement s = c.createStatement()) {
          s.execute(RefreshSessionSql.RELAXED_COMMIT);
        }
      }
      return read;
    };
    Window window;
    try {
      window = attemptPreparing(c, target, first.id(), attempt);
    } catch (RefreshRunningException e) {
      throw e; // the other session's refresh is not this one's failure
    } catch (SQLException | RuntimeException e) {
      recordFailure(c, first, null, e);
      throw e;
    }
    // a query with now() or random() was recomputed although no source may have changed: refresh_window says
    // so in its mode reason (RefreshReport.RECOMPUTED_EVERY_REFRESH), recorded in the history with the refresh
    Optional<String> modeReason = window.modeReason();
    RefreshReport report = new RefreshReport(target, window.mode(), window.changed(), window.inserted(),
        window.updated(), window.deleted(), window.deltaRows(), (System.nanoTime() - startNanos) / 1_000_000,
        first.fallbackReason(), window.windowRows(), modeReason, window.profile());
    List<RefreshStepTime> steps = new ArrayList<>(report.profile());
    // Only the buffers of the sources whose window held rows: a row becomes deletable when the last stream table
    // to read it has, so by the cleanup of a refresh that read it; rows below this stream table's old snapshot
    // were already free of it at its last cleanups, and an empty window read none above.
    List<Long> sourceRelids = window.windowRows() == 0 || window.changed().isEmpty() ? List.of() : inTransaction(c,
        Connection.TRANSACTION_READ_COMMITTED, () -> StreamTableCatalog.sourceRelids(c, first.id(), window.changed()));
    // as freshet.clean_up_buffers does: every buffer is cleaned, and the first failure is reported after the others
    Optional<SQLException> cleanupFailure = Optional.empty();
    String failedSource = null;
    for (long relid : sourceRelids) {
      long start = System.nanoTime();
      long deleted;
      try {
        deleted = inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> ChangeCapture.cleanup(c, relid));
      } catch (SQLException e) {
        if (c.isClosed() || !c.isValid(5)) {
          throw e;
        }
        if (cleanupFailure.isEmpty()) {
          cleanupFailure = Optional.of(e);
          failedSource = ChangeCapture.relationName(c, relid).map(Quoting::qualified).orElse("source " + relid);
        }
        continue;
      }
      if (profile) {
        double millis = (System.nanoTime() - start) / 1e6;
        String source = ChangeCapture.relationName(c, relid).map(Quoting::qualified).orElse("source " + relid);
        steps.add(new RefreshStepTime("after commit: clean up the change buffer of " + source + ": " + deleted
            + (deleted == 1 ? " row" : " rows") + " deleted", millis));
      }
    }
    RefreshReport done = profile ? new RefreshReport(report.name(), report.modeUsed(), report.changedSources(),
        report.rowsInserted(), report.rowsUpdated(), report.rowsDeleted(), report.deltaRows(), report.millis(),
        report.fallbackReason(), report.windowRows(), report.modeReason(), steps) : report;
    if (cleanupFailure.isPresent()) {
      throw BufferCleanupException.of(failedSource, cleanupFailure.get(), done);
    }
    return done;
  }

  /**
   * What {@link #refreshTogether} did.
   *
   * @param reports per name given, in order, the report of its refresh, or empty when it was left to a refresh alone
   * @param cleanups the buffers' cleanups after the commit, with their times, when a profile was asked for
   * @param cleanupFailure a cleanup that failed after the refreshes were committed
   */
  public record Together(List<Optional<RefreshReport>> reports, List<RefreshStepTime> cleanups,
      Optional<SQLException> cleanupFailure) {

    /** Nothing done together: every name is for a refresh alone. */
    public static Together none(int names) {
      return new Together(java.util.Collections.nCopies(names, Optional.empty()), List.of(), Optional.empty());
    }
  }

  /**
   * Refreshes {@code names} (in refresh order) together, in one transaction inside PostgreSQL
   * ({@code freshet.refresh_together}, catalog V41): those whose last refresh took the same snapshot read each source's
   * window once, and each buffer is cleaned once. Those it leaves (the report empty: a refresh lock held, a stream
   * table reading another of the list, any error, which is not recorded) are for {@link #refresh} alone, after it;
   * all of them when the call fails as a whole (an older catalog, a connection inside a transaction).
   */
  public static Together refreshTogether(Connection c, List<String> names, boolean profile, boolean recompute)
      throws SQLException {
    if (!c.getAutoCommit() || names.isEmpty()) {
      return Together.none(names.size());
    }
    String results;
    List<RefreshStepTime> cleanups = new ArrayList<>();
    Optional<SQLException> failure;
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.REFRESH_TOGETHER)) {
      ps.setArray(1, c.createArrayOf("text", names.toArray()));
      ps.setInt(2, CatalogMigrations.LATEST);
      ps.setBoolean(3, profile);
      ps.setBoolean(4, recompute);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        results = rs.getString("results");
        cleanups.addAll(stepTimes(rs.getArray("cleanup_steps"), rs.getArray("cleanup_millis")));
        String failed = rs.getString("failure");
        String failedState = rs.getString("failure_state");
        failure = failed == null ? Optional.empty() : Optional.of(new SQLException(failed, failedState));
      }
    } catch (SQLException e) {
      // nothing committed that a refresh alone would not find done: each is refreshed alone, as before V41
      return Together.none(names.size());
    }
    List<Optional<RefreshReport>> reports = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.TOGETHER_RESULTS)) {
      ps.setString(1, results);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getBoolean(1)) {
            reports.add(Optional.empty());
            continue;
          }
          List<RefreshStepTime> times = stepTimes(rs.getArray(16), rs.getArray(17));
          reports.add(Optional.of(new RefreshReport(new QualifiedName(rs.getString(4), rs.getString(5)),
              Mode.valueOf(rs.getString(6)), List.of((String[]) rs.getArray(7).getArray()), rs.getLong(8),
              rs.getLong(9), rs.getLong(10), rs.getLong(11), Math.round(rs.getDouble(15)),
              Optional.ofNullable(rs.getString(14)), rs.getLong(12), Optional.ofNullable(rs.getString(13)), times)));
        }
      }
    }
    if (reports.size() != names.size()) {
      throw new IllegalStateException("freshet.refresh_together returned " + reports.size() + " results for "
          + names.size() + " names");
    }
    return new Together(reports, cleanups, failure);
  }

  /** A profile as the refresh functions return it: the steps (text[]) and their milliseconds (float8[]), in order. */
  private static List<RefreshStepTime> stepTimes(java.sql.Array steps, java.sql.Array millis) throws SQLException {
    String[] names = (String[]) steps.getArray();
    Double[] times = (Double[]) millis.getArray();
    List<RefreshStepTime> out = new ArrayList<>(names.length);
    for (int i = 0; i < names.length; i++) {
      out.add(new RefreshStepTime(names[i], times[i]));
    }
    return out;
  }

  /** What {@code freshet.refresh_window} did. */
  private record Window(Mode mode, List<String> changed, long inserted, long updated, long deleted, long deltaRows,
      long windowRows, Optional<String> modeReason, List<RefreshStepTime> profile) {
  }

  private static Window refreshWindow(Connection c, StoredStreamTable st, boolean profile, boolean recompute)
      throws SQLException {
    // exact: a set of changed sources without a program of its own is reported (FS003), not run through
    // a larger program: this side can print the exact one
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.REFRESH_WINDOW)) {
      ps.setLong(1, st.id());
      ps.setBoolean(2, profile);
      ps.setBoolean(3, recompute);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        List<RefreshStepTime> times = stepTimes(rs.getArray(9), rs.getArray(10));
        return new Window(Mode.valueOf(rs.getString(1)), List.of((String[]) rs.getArray(2).getArray()),
            rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7),
            Optional.ofNullable(rs.getString(8)), times);
      }
    }
  }

  /** SQLSTATE of refresh_window: a source's capture must be reconciled first (catalog V4). */
  private static final String NEEDS_RECONCILE = "FS001";
  /** SQLSTATE of refresh_window: no program is installed for the changed sources (catalog V4). */
  private static final String NEEDS_PROGRAMS = "FS002";
  /** SQLSTATE of refresh_window: no program for exactly the changed sources; DETAIL {@code changed_mask <n>}. */
  private static final String NEEDS_EXACT_PROGRAM = "FS003";
  /** SQLSTATE of refresh_window: DDL on a type its sources use; it must be compiled again first (catalog V18). */
  private static final String NEEDS_COMPILE = "FS005";
  /** SQLSTATE serialization_failure: the window's catalog row changed after its snapshot was taken. */
  private static final String SERIALIZATION_FAILURE = "40001";

  /** The SQLSTATEs of {@link #LEFT_TO_CLIENT} that PostgreSQL raises too, not only Freshet's checks (a catalog without
   * the procedure, a connection where it cannot commit, a name it cannot parse), and a program's statement may. */
  private static final Set<String> GENERIC_LEFT_TO_CLIENT = Set.of("42883", "3F000", "42P01", "42501", "22023",
      "42602", "55000", "2D000", "25001");

  /**
   * What {@code freshet.refresh_from_client} (catalog V31) leaves to this side: its FS010 (a catalog of another
   * version, a name that is not a stream table this role may refresh, a refresh running, row-level security: said
   * here in this side's words), refresh_window's errors that {@link #attemptPreparing} recovers from or words
   * itself, and the errors of a catalog without the procedure or of a connection where it cannot commit.
   */
  private static final Set<String> LEFT_TO_CLIENT = Stream.concat(Stream.of("FS010", NEEDS_RECONCILE, NEEDS_PROGRAMS,
      NEEDS_EXACT_PROGRAM, NEEDS_COMPILE, SourceDdlRefusal.SOURCE_DROPPED, SourceDdlRefusal.TABLE_RENAMED,
      SourceDdlRefusal.OTHER_COLUMNS_READ, SourceDdlRefusal.COLUMNS_RENAMED_OR_DROPPED, SERIALIZATION_FAILURE),
      GENERIC_LEFT_TO_CLIENT.stream()).collect(Collectors.toUnmodifiableSet());

  /**
   * The refresh in one statement ({@code freshet.refresh_from_client}, catalog V31): everything {@link #refresh}
   * does when there is nothing to prepare, in one round trip. Empty when it left the refresh to this side
   * ({@link #LEFT_TO_CLIENT}): nothing was done, and the steps of {@link #refresh} do it. A refresh that failed
   * otherwise is recorded as they record it, and its error thrown; a buffer cleanup that failed after the refresh
   * was committed is thrown too, as theirs is ({@link BufferCleanupException}, with the refresh's report), and not
   * recorded.
   */
  private static Optional<RefreshReport> refreshInOneCall(Connection c, String name, boolean profile,
      boolean recompute, long startNanos) throws SQLException {
    if (!c.getAutoCommit()) {
      return Optional.empty(); // the procedure commits: it cannot run inside the caller's transaction
    }
    RefreshReport report;
    String cleanupFailure;
    String cleanupState;
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.REFRESH_FROM_CLIENT)) {
      ps.setString(1, name);
      ps.setInt(2, CatalogMigrations.LATEST);
      ps.setBoolean(3, profile);
      ps.setBoolean(4, recompute);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        List<RefreshStepTime> times = stepTimes(rs.getArray("steps"), rs.getArray("millis"));
        report = new RefreshReport(new QualifiedName(rs.getString("schema_name"), rs.getString("table_name")),
            Mode.valueOf(rs.getString("mode_used")), List.of((String[]) rs.getArray("changed_sources").getArray()),
            rs.getLong("rows_inserted"), rs.getLong("rows_updated"), rs.getLong("rows_deleted"),
            rs.getLong("delta_rows"), (System.nanoTime() - startNanos) / 1_000_000,
            Optional.ofNullable(rs.getString("fallback_reason")), rs.getLong("window_rows"),
            Optional.ofNullable(rs.getString("mode_reason")), times);
        cleanupFailure = rs.getString("failure");
        cleanupState = rs.getString("failure_state");
      }
    } catch (SQLException e) {
      if (LEFT_TO_CLIENT.contains(e.getSQLState()) && !failedInAProgramStatement(e)) {
        return Optional.empty();
      }
      try {
        recordFailure(c, StreamTableCatalog.require(c, QualifiedName.parse(c, name), false), null, e);
      } catch (SQLException | RuntimeException unrecorded) {
        e.addSuppressed(unrecorded);
      }
      throw e;
    }
    if (cleanupFailure != null) {
      throw new BufferCleanupException(cleanupFailure, cleanupState, report);
    }
    return Optional.of(report);
  }

  /**
   * True if {@code e} was raised by a statement refresh_window ran of the stream table's program (its context:
   * {@code … function freshet.refresh_window(…) line N at EXECUTE}), not by a check of its own or of
   * refresh_from_client ({@code at RAISE}, {@code at SQL statement}): a refresh that failed so failed as it would in
   * the command line's steps, which would only run it again (split_part's 22023 on a row's field 0, a source's
   * permission revoked: 42501). The SQLSTATEs of refresh_window's own requests (FS001…, a source's DDL, 40001) are
   * left to this side wherever they come from.
   */
  private static boolean failedInAProgramStatement(SQLException e) {
    String where = DatabaseErrors.serverError(e).map(ServerErrorMessage::getWhere).orElse("");
    return GENERIC_LEFT_TO_CLIENT.contains(e.getSQLState())
        && PROGRAM_STATEMENT.matcher(where).find();
  }

  /** The line of an error's context that says refresh_window was running a dynamic statement. */
  private static final Pattern PROGRAM_STATEMENT =
      Pattern.compile("function freshet\\.refresh_window\\([^)]*\\) line \\d+ at EXECUTE$", Pattern.MULTILINE);

  /**
   * Runs {@code attempt} in a REPEATABLE READ transaction; when it reports that the sources' capture must
   * be reconciled, that programs are missing, that the changed sources have no program of their own, or that
   * the stream table must be compiled again after DDL on a type (then {@link #rebuild}), does that (committed
   * before the next attempt takes its snapshot) and tries again.
   */
  private static Window attemptPreparing(Connection c, QualifiedName target, long id, Work<Window> attempt)
      throws SQLException {
    for (int round = 0; ; round++) {
      try {
        return inTransaction(c, Connection.TRANSACTION_REPEATABLE_READ, attempt);
      } catch (SQLException e) {
        String state = e.getSQLState();
        if (SERIALIZATION_FAILURE.equals(state) && round < 3) {
          // another refresh committed between this one's snapshot and its lock: start again after it
          continue;
        }
        if (SourceDdlRefusal.SOURCE_DROPPED.equals(state)) {
          // a source dropped (refresh_window, catalog V27): said with the tables' names and both fixes, as verify says it
          StoredStreamTable st = inTransaction(c, Connection.TRANSACTION_READ_COMMITTED,
              () -> StreamTableCatalog.require(c, target, false));
          List<QualifiedName> dropped = inTransaction(c, Connection.TRANSACTION_READ_COMMITTED,
              () -> StreamTableCatalog.droppedSources(c, st.id()));
          throw SourceDdlRefusal.ofDroppedSources(dropped, target).exception(st, "cannot be refreshed", List.of());
        }
        if (SourceDdlRefusal.SQLSTATES.contains(state)) {
          // its query no longer runs as written since DDL on its sources (a source or columns it reads renamed,
          // dropped, a name reading another column): refused as the compiler refuses a query (exit status 3),
          // in refresh_window's words, with the command to edit and run holding its query as stored
          StoredStreamTable st = inTransaction(c, Connection.TRANSACTION_READ_COMMITTED,
              () -> StreamTableCatalog.require(c, target, false));
          throw SourceDdlRefusal.ofError(e, target).exception(st, "cannot be refreshed", List.of());
        }
        if (round >= 5 || !Set.of(NEEDS_RECONCILE, NEEDS_PROGRAMS, NEEDS_EXACT_PROGRAM, NEEDS_COMPILE).contains(state)) {
          throw e;
        }
        StoredStreamTable st = inTransaction(c, Connection.TRANSACTION_READ_COMMITTED,
            () -> StreamTableCatalog.require(c, target, false));
        if (NEEDS_COMPILE.equals(state)) {
          inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
            lockRefresh(c, target, id, true);
            rebuild(c, StreamTableCatalog.require(c, target, true));
            return null;
          });
          continue;
        }
        if (NEEDS_EXACT_PROGRAM.equals(state)) {
          long mask = changedMask(e);
          inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
            lockRefresh(c, target, id, true);
            RefreshInstaller.installProgram(c, st.id(), compiled(c, st), mask);
            return null;
          });
          continue;
        }
        if (NEEDS_RECONCILE.equals(e.getSQLState())) {
          List<Long> relids = inTransaction(c, Connection.TRANSACTION_READ_COMMITTED,
              () -> StreamTableCatalog.sourceRelids(c, st.id()));
          Set<Long> renamed = inTransaction(c, Connection.TRANSACTION_READ_COMMITTED,
              () -> ChangeCapture.needingReconcile(c, relids));
          reconcile(c, renamed);
        }
        inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
          lockRefresh(c, target, id, true);
          useCreationSettings(c, st); // aligning stored types may hash the stored rows anew
          CompiledStreamTable compiled = compiled(c, st);
          // compiled anew (a source's capture was rebuilt, or its programs were dropped): a source column
          // may have changed type, and with it the types the query gives the stored columns
          alignStoredTypes(c, compiled);
          RefreshInstaller.install(c, st.id(), compiled);
          return null;
        });
      }
    }
  }

  /**
   * The first half of a rebuild after DDL on a type a source's columns use (catalog V18: an enum value or the
   * type renamed, a composite's attributes changed), under the refresh lock: the query compiled again (its
   * programs named the type, and may have read the attribute or the label), the stored columns given the
   * types it gives them now, every stored row and group hashed anew (identities are hashed over the values'
   * text, and a label reads as its new name) and the programs installed. The recompute that follows (FULL,
   * applied as a diff) is the next window's: {@code rebuild_step} 'recompute', which {@code CALL
   * freshet.refresh} does too. Nothing when another session did it meanwhile. DDL that no event trigger
   * recorded (catalog V20: {@code freshet_type_ddl} missing or disabled) was seen by the refresh, whose
   * transaction was rolled back: it is marked here first, as the trigger would have.
   */
  private static void rebuild(Connection c, StoredStreamTable st) throws SQLException {
    StreamTableCatalog.noteTypeChanges(c, st.id());
    if (!StreamTableCatalog.rebuildStep(c, st.id()).equals(Optional.of("compile"))) {
      return;
    }
    StreamTableCatalog.markRebuilt(c, st.id()); // plans compiled before, in any process, are stale now
    useCreationSettings(c, st); // the rows are hashed anew over their values' text
    CompiledStreamTable compiled = compiled(c, st);
    alignStoredTypes(c, compiled, true);
    RefreshInstaller.install(c, st.id(), compiled);
    StreamTableCatalog.setRebuildStep(c, st.id(), "recompute");
  }

  /**
   * What AUTO would choose for the next refresh of stream table {@code id} given the changes buffered
   * now ({@link AutoChoice}); the choice a refresh makes is the same function's, for its own window.
   * Empty before the stream table's first refresh program is installed (nothing to count its window with).
   */
  public static Optional<AutoChoice> autoChoice(Connection c, long id) throws SQLException {
    Map<String, Long> pending = pendingChanges(c, id);
    return pending.isEmpty() ? Optional.empty()
        : Optional.of(autoChoice(c, id, pending.values().stream().mapToLong(Long::longValue).sum()));
  }

  /** What AUTO would choose for a refresh of stream table {@code id} reading {@code window} buffered changes. */
  public static AutoChoice autoChoice(Connection c, long id, long window) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.AUTO_CHOICE)) {
      ps.setLong(1, id);
      ps.setLong(2, window);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new AutoChoice(Mode.valueOf(rs.getString(1)), window, Optional.ofNullable(rs.getObject(2, Double.class)),
            Optional.ofNullable(rs.getObject(3, Double.class)), rs.getString(4));
      }
    }
  }

  /**
   * Changes buffered for stream table {@code id} since its last refresh, per source ({@code schema.table}
   * → rows): what its next refresh would read. Empty when nothing is installed to count them with (a
   * stream table from before catalog V4, until its next refresh).
   */
  /**
   * Why the next refresh of stream table {@code id} recomputes in full for writes no trigger captured (catalog V45): one
   * of Freshet's triggers on a source disabled, or disabled and enabled again since the last refresh, a source
   * rewritten; empty when it does not.
   */
  public static Optional<String> uncapturedWrites(Connection c, long id) throws SQLException {
    return StreamTableCatalog.textOf(c, RefreshSessionSql.UNCAPTURED_WRITES, id);
  }

  /**
   * Why the next refresh of DIFFERENTIAL stream table {@code st} is refused (catalog V45, SQLSTATE FS012): a constraint
   * its plan relied on dropped from a table its query reads; empty when none is gone, or it is not DIFFERENTIAL.
   */
  public static Optional<String> constraintGone(Connection c, StoredStreamTable st) throws SQLException {
    return st.effectiveMode() == Mode.DIFFERENTIAL ? StreamTableCatalog.constraintGone(c, st.id()) : Optional.empty();
  }

  public static Map<String, Long> pendingChanges(Connection c, long id) throws SQLException {
    Map<String, Long> pending = new java.util.LinkedHashMap<>();
    if (!changesVisible(c, id)) {
      return pending;
    }
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.PENDING_CHANGES)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pending.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return pending;
  }

  /**
   * Whether the current role may read the change buffers of stream table {@code id}'s sources: they hold
   * the sources' rows, so only their owner (and superusers) may, and other roles see no pending changes.
   */
  public static boolean changesVisible(Connection c, long id) throws SQLException {
    return StreamTableCatalog.changesVisible(c, id);
  }

  /**
   * When the oldest change stream table {@code st} has not read yet was made (its transaction's
   * start): since when it has been behind its sources. Empty when it is not behind, or before its
   * first refresh.
   */
  public static Optional<OffsetDateTime> behindSince(Connection c, StoredStreamTable st) throws SQLException {
    if (st.lastSnapshot().isEmpty() || !changesVisible(c, st.id())) {
      return Optional.empty();
    }
    OffsetDateTime oldest = null;
    for (long relid : StreamTableCatalog.sourceRelids(c, st.id())) {
      if (relid(c, new QualifiedName(CapturePrinter.CHANGES_SCHEMA, CapturePrinter.bufferTable(relid))).isEmpty()) {
        continue; // a FULL stream table's source without capture, or a buffer gone with its source
      }
      try (PreparedStatement ps = c.prepareStatement(
          ChangeTablePrinter.oldestPending(CapturePrinter.qualifiedBufferTable(relid)))) {
        for (int i = 1; i <= 4; i++) {
          ps.setString(i, st.lastSnapshot().get());
        }
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          OffsetDateTime at = rs.getObject(1, OffsetDateTime.class);
          if (at != null && (oldest == null || at.isBefore(oldest))) {
            oldest = at;
          }
        }
      }
    }
    return Optional.ofNullable(oldest);
  }

  /**
   * For the rest of the transaction, the search_path {@code st} was created under, and the settings its
   * values depend on ({@link RefreshSessionSql#QUERY_SETTINGS}: TimeZone, DateStyle...): its defining query
   * (run as written by FULL refreshes and verify) then names the same tables and computes the same values,
   * with the same text to hash, as when it was created. refresh_window does the same inside PostgreSQL.
   */
  static void useCreationSettings(Connection c, StoredStreamTable st) throws SQLException {
    if (!st.searchPath().isEmpty()) {
      execute(c, RefreshSessionSql.setLocalSearchPath(st.searchPath()));
    }
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.USE_CREATION_SETTINGS)) {
      ps.setLong(1, st.id());
      ps.executeQuery().close();
    }
  }

  /**
   * Brings the capture of renamed sources in line ({@link ChangeCapture#reconcile}: their buffers'
   * columns renamed, a marker for one FULL refresh of every stream table reading them), each in a
   * transaction of its own, committed before the retried refresh takes its snapshot. Compiled plans
   * are dropped: their column names may be stale.
   */
  private static void reconcile(Connection c, Set<Long> relids) throws SQLException {
    for (long relid : relids) {
      inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
        ChangeCapture.reconcile(c, relid);
        // every stream table reading it compiles again before its next refresh: its names may mean
        // other columns now, or none (then its refresh says how to fix the query)
        try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.DELETE_PROGRAMS_OF_READERS)) {
          ps.setLong(1, relid);
          ps.executeUpdate();
        }
        StreamTableCatalog.markReadersRebuilt(c, relid); // and so do other processes, whose plans are stale
        return null;
      });
    }
    COMPILED.clear();
  }

  /** The mask in an FS003 error's DETAIL, {@code changed_mask <n>}. */
  private static long changedMask(SQLException e) {
    String detail = e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
        ? p.getServerErrorMessage().getDetail() : null;
    if (detail == null || !detail.startsWith("changed_mask ")) {
      throw new IllegalStateException("refresh_window reported a missing program without its mask: " + e.getMessage(), e);
    }
    return Long.parseLong(detail.substring("changed_mask ".length()).strip());
  }

  private static void recordFailure(Connection c, StoredStreamTable st, OffsetDateTime started, Exception e) {
    try {
      inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
        // PostgreSQL's own words, not pgjdbc's rendering ("ERROR: …" and the PL/pgSQL context with the
        // refresh program's SQL): status and the history show what went wrong, not Freshet's internals
        String message = DatabaseErrors.message(e);
        // and its fix (HINT), which the command line printed under it: a bare message recorded over the last
        // error an event trigger wrote with its fix (a stream table dropped outside Freshet) lost it (issue 15)
        // (or Freshet's own: the command with its query to edit, after DDL on its sources)
        String hint = e instanceof dev.freshet.runtime.cli.UserException user && user.hint().isPresent()
            ? user.hint().get()
            : DatabaseErrors.serverError(e).map(org.postgresql.util.ServerErrorMessage::getHint).orElse(null);
        StreamTableCatalog.recordError(c, st.id(), message, hint);
        StreamTableCatalog.insertHistory(c, st.id(), started == null ? now(c) : started, st.effectiveMode(),
            List.of(), 0, 0, 0, 0, st.fallbackReason().orElse(null), message);
        return null;
      });
    } catch (SQLException | RuntimeException suppressed) {
      e.addSuppressed(suppressed);
    }
  }

  private record Counts(long inserted, long updated, long deleted, long deltaRows) {
    static final Counts NONE = new Counts(0, 0, 0, 0);
  }

  /**
   * Runs a refresh program printed by codegen, step by step; returns its figures. A failed check
   * throws, and the refresh transaction rolls back everything the program did.
   */
  private static Counts run(Connection c, RefreshProgram program) throws SQLException {
    Counts counts = Counts.NONE;
    for (RefreshStep step : program.steps()) {
      switch (step) {
        case RefreshStep.Statement statement -> execute(c, statement.sql());
        case RefreshStep.Check check -> {
          long violations = scalarLong(c, check.sql());
          if (violations != 0) {
            throw new IllegalStateException(check.failure() + " (" + dev.freshet.runtime.oracle.BagComparison.rows(violations) + ")");
          }
        }
        case RefreshStep.Figures figures -> counts = figures(c, figures.sql());
      }
    }
    return counts;
  }

  private static Counts figures(Connection c, String sql) throws SQLException {
    long startNanos = System.nanoTime();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
    } catch (SQLException e) {
      throw withStatement(e, sql);
    } finally {
      trace(sql, startNanos);
    }
  }

  /** The stored columns of each table a refresh of {@code compiled} writes, as PostgreSQL has them. */
  public static Map<List<String>, List<StoredColumn>> storedColumns(Connection c, CompiledStreamTable compiled)
      throws SQLException {
    Map<List<String>, List<StoredColumn>> stored = new HashMap<>();
    for (List<String> table : compiled.storedTables()) {
      stored.put(table, storedColumns(c, new QualifiedName(table.get(0), table.get(1))));
    }
    return stored;
  }

  /**
   * Gives the columns of the tables a refresh of {@code compiled} writes the types its query gives them
   * now, when they differ: after a source column changed type ({@code sum} of an {@code integer} is a
   * {@code bigint}, of a {@code bigint} a {@code numeric}), so that the stream table holds what its query
   * returns, and deltas are not cast back to the old type. The stored values are converted; the FULL
   * refresh that follows (the source's capture was rebuilt with a marker) then recomputes every row.
   * The stream table keeps its relation (downstream stream tables read it by relation id: their capture
   * notices the new types). When a value cannot be converted, or a view of the user's reads the column,
   * fails naming the column and how to recreate the stream table.
   */
  static void alignStoredTypes(Connection c, CompiledStreamTable compiled) throws SQLException {
    alignStoredTypes(c, compiled, false);
  }

  /**
   * {@link #alignStoredTypes(Connection, CompiledStreamTable)}; with {@code rehashAll} every stored table's
   * identities are hashed anew, retyped or not (a renamed enum label, a composite with other attributes:
   * the same type, other text).
   */
  static void alignStoredTypes(Connection c, CompiledStreamTable compiled, boolean rehashAll) throws SQLException {
    renameMadeUpColumns(c, compiled); // before types are compared by name
    for (Map.Entry<List<String>, dev.freshet.codegen.refresh.StoredTablePrinter> table
        : compiled.storagePrinters().entrySet()) {
      QualifiedName name = new QualifiedName(table.getKey().get(0), table.getKey().get(1));
      if (relid(c, name).isEmpty()) {
        continue; // gone: its refresh says so
      }
      execute(c, StorageTypesPrinter.describe(compiled.storageQueries().get(table.getKey())));
      Map<String, StorageTypesPrinter.TypedColumn> expected = typedColumns(c,
          Quoting.qualified(StorageTypesPrinter.DESCRIBED));
      execute(c, StorageTypesPrinter.dropDescribed());
      Map<String, StorageTypesPrinter.TypedColumn> stored = typedColumns(c, name.sql());
      List<StorageTypesPrinter.TypedColumn> retyped = expected.values().stream()
          .filter(column -> stored.containsKey(column.name()) && !stored.get(column.name()).equals(column))
          .toList();
      if (retyped.isEmpty()) {
        if (rehashAll) {
          execute(c, dev.freshet.codegen.ddl.WriteGuardPrinter.ALLOW_WRITES);
          execute(c, table.getValue().rehash(storedColumns(c, name)));
        }
        continue;
      }
      java.sql.Savepoint before = c.setSavepoint();
      try {
        execute(c, StorageTypesPrinter.alterTypes(table.getKey(), retyped));
        // row identities are hashed over each type's canonical text: hashed anew for the new types
        execute(c, dev.freshet.codegen.ddl.WriteGuardPrinter.ALLOW_WRITES);
        execute(c, table.getValue().rehash(storedColumns(c, name)));
      } catch (SQLException e) {
        c.rollback(before);
        String columns = retyped.stream().map(column -> Quoting.identifier(column.name()) + " from "
            + stored.get(column.name()).type() + " to " + column.type()).collect(java.util.stream.Collectors.joining(", "));
        String server = firstLine(DatabaseErrors.message(e));
        throw new StreamTableException(ExitCode.DATABASE, "a source column of " + compiled.target()
            + " changed type, and its query now gives " + (table.getKey().equals(compiled.target().parts()) ? ""
            : "its state table " + name + " ") + "other column types: changing " + columns + " failed ("
            + server + ")\n  fix: change the source column back, or recreate it with the new types (after dropping "
            + "what reads it): " + SuggestedCommand.freshet("alter", compiled.target(), "--query", "..."));
      }
    }
  }

  /**
   * Gives the columns of the state tables of {@code compiled} the names this Freshet gives them where an
   * older one named them as Calcite does ({@code EXPR$0}, {@code $f2}; now {@code max}, {@code expr}): the
   * stored column at the position of each result column is renamed to it. Refresh programs printed with the
   * old names no longer run then: the caller installs them all again. Nothing for a table already named so.
   *
   * @return whether a column was renamed
   */
  static boolean renameMadeUpColumns(Connection c, CompiledStreamTable compiled) throws SQLException {
    boolean renamed = false;
    for (dev.freshet.rules.shape.Stratum stratum : compiled.strata()) {
      QualifiedName name = new QualifiedName(stratum.stateTable().get(0), stratum.stateTable().get(1));
      if (relid(c, name).isEmpty()) {
        continue; // gone: its refresh says so
      }
      List<String> stored = storedColumns(c, name).stream().map(StoredColumn::name).toList();
      List<String> expected = stratum.resultColumns();
      for (int i = 0; i < expected.size() && i < stored.size(); i++) {
        if (dev.freshet.rules.rel.ReadableNamesShuttle.isGenerated(stored.get(i))
            && !stored.contains(expected.get(i))) {
          execute(c, dev.freshet.codegen.ddl.TableDdlPrinter.renameColumn(stratum.stateTable(), stored.get(i),
              expected.get(i)));
          renamed = true;
        }
      }
    }
    return renamed;
  }

  private static Map<String, StorageTypesPrinter.TypedColumn> typedColumns(Connection c, String table)
      throws SQLException {
    Map<String, StorageTypesPrinter.TypedColumn> columns = new java.util.LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.TYPED_COLUMNS)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String collationSchema = rs.getString(3);
          columns.put(rs.getString(1), new StorageTypesPrinter.TypedColumn(rs.getString(1), rs.getString(2),
              collationSchema == null ? List.of() : List.of(collationSchema, rs.getString(4))));
        }
      }
    }
    return columns;
  }

  static CompiledStreamTable compiled(Connection c, StoredStreamTable st) throws SQLException {
    // compiled again after DDL on a source (by any process): a plan from before is stale
    List<Object> key = List.of(st.id(), st.createdAt(), st.definingQuery(), st.requestedMode(),
        StreamTableCatalog.rebuiltAt(c, st.id()));
    CompiledStreamTable cached = COMPILED.get(key);
    if (cached != null) {
      return cached;
    }
    CompiledStreamTable compiled;
    // A stream table that runs FULL stays FULL (AUTO may have fallen back at create for a reason
    // found only then, such as the plan's tripwire); one that runs DIFFERENTIAL must still compile so.
    Mode compileAs = st.effectiveMode() == Mode.FULL ? Mode.FULL : st.requestedMode();
    try {
      compiled = StreamTableCompiler.compile(c, st.name(), st.id(), st.definingQuery(), compileAs, st.searchPath(),
          st.planRevision());
    } catch (dev.freshet.planner.QueryException e) {
      // ALTER TABLE renamed or dropped what it reads: that, not what the planner met first (a name it cannot
      // find, or one that now reads an outer query's column, refused FR005), as refresh_window says it
      refuseAfterSourceDdl(c, st);
      if (!(e instanceof dev.freshet.planner.InvalidQueryException)) {
        throw e;
      }
      throw new StreamTableException(ExitCode.REFUSED, "the query of " + st.name() + " no longer plans against "
          + "its sources (a table, column or function it names may have been renamed or dropped since it was "
          + "created): " + e.render().replaceFirst("^error: ", "")
          + "\n  fix: give it the new names (this recreates it); " + SourceDdlRefusal.editAndRun(st, List.of()));
    }
    if (compiled.effectiveMode() != st.effectiveMode()) {
      refuseAfterSourceDdl(c, st);
      throw new StreamTableException(ExitCode.REFUSED, st.name() + " was created to run "
          + st.effectiveMode() + " but its query now compiles to " + compiled.effectiveMode()
          + compiled.fallback().map(r -> " (" + r.reasonLine() + ")").orElse("")
          + "; its sources changed since: recreate it with the query as it should read now; "
          + SourceDdlRefusal.editAndRun(st, List.of()));
    }
    COMPILED.keySet().removeIf(k -> k.get(0).equals(st.id())); // stale plans of it, if any
    COMPILED.put(key, compiled);
    return compiled;
  }

  /**
   * Why the next refresh of stream table {@code id} is refused since DDL on its sources (a source renamed,
   * columns its query reads renamed or dropped), naming them and the fix (catalog V26); empty when nothing of
   * the kind. Status shows it as what the next refresh will do.
   */
  public static Optional<String> sourceDdlReason(Connection c, long id) throws SQLException {
    return StreamTableCatalog.sourceDdlReason(c, id);
  }

  /**
   * Refuses, naming them and the fix, when DDL on the sources of {@code st} is why its query no longer compiles as
   * it did: a source dropped (SQLSTATE FS009; the event trigger's last error says so, in the catalog's words), or
   * renamed, or columns its query reads renamed or dropped ({@code freshet.source_ddl_reason}, catalog V26: the
   * words refresh_window refuses with, SQLSTATE FS008, and status shows).
   */
  private static void refuseAfterSourceDdl(Connection c, StoredStreamTable st) throws SQLException {
    // a source dropped (DROP TABLE ... CASCADE): no new name to give the query, and its capture is gone
    List<QualifiedName> dropped = StreamTableCatalog.droppedSources(c, st.id());
    if (!dropped.isEmpty()) {
      throw SourceDdlRefusal.ofDroppedSources(dropped, st.name()).exception(st, "cannot be refreshed", List.of());
    }
    Optional<String> reason = StreamTableCatalog.sourceDdlReason(c, st.id());
    if (reason.isPresent()) {
      throw SourceDdlRefusal.ofReason(reason.get(), st.name()).exception(st, "cannot be refreshed", List.of());
    }
  }

  // ---- drop, alter, list, status ----------------------------------------------------------------

  /** Drops a stream table (and with {@code cascade} those reading it); returns the names dropped, dependents first. */
  public static List<QualifiedName> drop(Connection c, String name, boolean cascade) throws SQLException {
    return drop(c, List.of(name), cascade).stream().map(Dropped::name).toList();
  }

  /**
   * A stream table a drop removed; {@code reads} is the dropped stream table it read when {@code cascade} took
   * it along, empty when it was named.
   */
  public record Dropped(QualifiedName name, Optional<QualifiedName> reads) {
  }

  /**
   * Drops the stream tables named, all or none, as {@code DROP TABLE a, b} does: one transaction, and a name
   * that is not a stream table (or one that others read, without {@code cascade}) stops it before anything is
   * dropped. A stream table that others read needs {@code cascade} unless those are named too. Returns what was
   * dropped, each after the stream tables that read it; a name given twice is dropped once.
   */
  public static List<Dropped> drop(Connection c, List<String> names, boolean cascade) throws SQLException {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no stream table to drop");
    }
    if (!schemaExists(c, "freshet")) { // no stream table yet: a name may still be an ordinary table
      for (String name : names) {
        refuseDroppingOther(c, QualifiedName.parse(c, name));
      }
    }
    requireCatalog(c, QualifiedName.parse(c, names.get(0)));
    return inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
      Map<QualifiedName, StoredStreamTable> targets = new java.util.LinkedHashMap<>();
      for (String name : names) {
        QualifiedName target = QualifiedName.parse(c, name);
        if (!targets.containsKey(target)) {
          if (StreamTableCatalog.find(c, target, false).isEmpty()) {
            refuseDroppingOther(c, target);
          }
          targets.put(target, requireManaged(c, target));
        }
      }
      List<Dropped> dropped = new ArrayList<>();
      Set<Long> gone = new HashSet<>();
      for (StoredStreamTable st : targets.values()) {
        if (!gone.contains(st.id())) {
          dropIn(c, st, cascade, targets.keySet(), Optional.empty(), gone, dropped);
        }
      }
      return dropped;
    });
  }

  /**
   * A name {@code drop} was given that is no stream table but another relation: say what it is, and that
   * Freshet leaves it alone (the generic "there is no stream table" reads as if the name were misspelt).
   */
  private static void refuseDroppingOther(Connection c, QualifiedName target) throws SQLException {
    Optional<String> kind = StreamTableCatalog.relationKind(c, target);
    if (kind.isPresent()) {
      throw new StreamTableException(target + " is " + kind.get() + ", not a stream table; 'freshet drop' drops "
          + "only stream tables, and leaves it as it is ('freshet list' shows the stream tables)");
    }
  }

  /**
   * The error for a name that is no stream table, as every command but drop says it: what the relation is when
   * there is one ({@code "public"."orders" is a table, not a stream table}), else that there is no stream table.
   */
  public static StreamTableException noSuchStreamTable(Connection c, QualifiedName target) throws SQLException {
    return StreamTableCatalog.noSuchStreamTable(c, target);
  }

  /**
   * Drops {@code st} after the stream tables that read it, which must be {@code named} too, or taken along by
   * {@code cascade}; {@code gone} holds the ids dropped so far, so that one read twice is dropped once.
   */
  private static void dropIn(Connection c, StoredStreamTable st, boolean cascade, Set<QualifiedName> named,
      Optional<QualifiedName> reads, Set<Long> gone, List<Dropped> dropped) throws SQLException {
    requireOwner(c, st);
    Optional<Long> ownRelid = relid(c, st.name());
    if (ownRelid.isPresent()) {
      List<QualifiedName> dependents = StreamTableCatalog.consumers(c, ownRelid.get());
      List<QualifiedName> unnamed = dependents.stream().filter(d -> !named.contains(d)).toList();
      if (!unnamed.isEmpty() && !cascade) {
        throw new StreamTableException("cannot drop " + st.name() + ": stream table"
            + (unnamed.size() > 1 ? "s " : " ") + join(unnamed) + " read" + (unnamed.size() > 1 ? "" : "s")
            + " it; drop " + (unnamed.size() > 1 ? "them" : "it") + " first, or use --cascade");
      }
      for (QualifiedName dependent : dependents) {
        Optional<StoredStreamTable> d = StreamTableCatalog.find(c, dependent, true);
        if (d.isPresent() && !gone.contains(d.get().id())) {
          dropIn(c, d.get(), cascade, named, named.contains(dependent) ? Optional.empty() : Optional.of(st.name()),
              gone, dropped);
        }
      }
    }
    List<Long> sources = StreamTableCatalog.sourceRelids(c, st.id());
    try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.DELETE_STREAM_TABLE)) {
      ps.setLong(1, st.id());
      ps.executeUpdate();
    }
    for (long relid : sources) {
      ChangeCapture.releaseIfUnused(c, relid);
    }
    if (ownRelid.isPresent()) {
      ChangeCapture.releaseIfUnused(c, ownRelid.get());
    }
    execute(c, TableDdlPrinter.drop(List.of(st.name().schema(), st.name().name()), true));
    for (List<String> stateTable : StreamTableCatalog.stateTables(c, st.id())) {
      execute(c, TableDdlPrinter.drop(stateTable, false));
    }
    gone.add(st.id());
    dropped.add(new Dropped(st.name(), reads));
  }

  /**
   * What an alter changes, as its output and the history of a rebuild name it: {@code new query}, {@code mode
   * FULL}, {@code schedule 5m} or {@code schedule cleared}.
   */
  public static List<String> alteration(Optional<Mode> mode, Optional<String> schedule, boolean newQuery) {
    List<String> changes = new ArrayList<>();
    if (newQuery) {
      changes.add("new query");
    }
    mode.ifPresent(m -> changes.add("mode " + m));
    schedule.ifPresent(s -> changes.add(s.isBlank() ? "schedule cleared" : "schedule " + s));
    return changes;
  }

  /**
   * Changes the schedule, or recreates the stream table with a new query or mode: its storage is dropped and
   * made again under a new id, keeping its name, its creation time and its refresh history, where the fill of
   * the rebuild records the alter.
   */
  public static StoredStreamTable alter(Connection c, String name, Optional<Mode> mode, Optional<String> schedule,
      Optional<String> query) throws SQLException {
    return alterWithReaders(c, name, mode, schedule, query).table();
  }

  /**
   * What an alter did: the stream table as it is now, and the stream tables reading it (directly or through others)
   * that a rebuild rebuilt with it, each after those it reads.
   */
  public record Altered(StoredStreamTable table, List<QualifiedName> readersRebuilt) {
  }

  /**
   * {@link #alter}; a rebuild also rebuilds, in the same transaction, the stream tables that read this one, each from
   * its query as stored, under the search_path and settings it was created under, keeping its creation time, schedule
   * and history (their relation goes with this one's, so they could not go on reading it). One whose query no longer
   * plans against the rebuilt table refuses the alter, naming it; nothing is changed then.
   */
  public static Altered alterWithReaders(Connection c, String name, Optional<Mode> mode, Optional<String> schedule,
      Optional<String> query) throws SQLException {
    requireCatalog(c, QualifiedName.parse(c, name));
    return inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
      QualifiedName target = QualifiedName.parse(c, name);
      StoredStreamTable st = requireManaged(c, target);
      List<QualifiedName> readersRebuilt = List.of();
      if (mode.isPresent() || query.isPresent()) {
        // its query as stored, which DDL on its sources left naming what is gone: refused as its refresh is, not with
        // PostgreSQL's error about the first name it meets, and the command it suggests keeps this alter's options
        boolean asStored = query.isEmpty() || query.get().strip().equals(st.definingQuery().strip());
        List<String> options = new ArrayList<>();
        mode.ifPresent(m -> options.addAll(List.of("--mode", m.name())));
        schedule.ifPresent(x -> options.addAll(List.of("--schedule", x)));
        if (asStored) {
          Optional<String> reason = StreamTableCatalog.sourceDdlReason(c, st.id());
          if (reason.isPresent()) {
            throw SourceDdlRefusal.ofReason(reason.get(), st.name())
                .exception(st, "cannot be rebuilt with its query as stored", options);
          }
        }
        // a source dropped (DROP TABLE ... CASCADE): refused so when its query as stored no longer plans (a table
        // made again under the name since is read by the rebuild, as by a create)
        List<QualifiedName> dropped = asStored ? StreamTableCatalog.droppedSources(c, st.id()) : List.of();
        // taken before the drop, which deletes the history with the catalog row
        Rebuilding rebuilding = new Rebuilding(st.createdAt(), StreamTableCatalog.history(c, st.id()),
            StreamTableCatalog.filledByAlter(alteration(mode, schedule, query.isPresent())));
        List<Reader> readers = readersDependentsFirst(c, st, target);
        refuseLosingReaders(c, target, readers);
        Set<Long> temporaryBefore = temporaryRelations(c).keySet();
        Set<QualifiedName> readerNames = new HashSet<>();
        readers.forEach(r -> readerNames.add(r.table().name()));
        dropIn(c, st, false, readerNames, Optional.empty(), new HashSet<>(), new ArrayList<>());
        try {
          createIn(c, target, query.orElse(st.definingQuery()), mode.orElse(st.requestedMode()),
              schedule.isPresent() ? emptyToNull(schedule.get()) : st.schedule().orElse(null), Optional.of(rebuilding));
        } catch (dev.freshet.planner.QueryException e) {
          if (dropped.isEmpty()) {
            throw e;
          }
          throw SourceDdlRefusal.ofDroppedSources(dropped, st.name())
              .exception(st, "cannot be rebuilt with its query as stored", options);
        }
        readersRebuilt = rebuildReaders(c, target, readers, temporaryBefore);
      } else if (schedule.isPresent()) {
        checkSchedule(emptyToNull(schedule.get()));
        try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.SET_SCHEDULE)) {
          ps.setString(1, emptyToNull(schedule.get()));
          ps.setLong(2, st.id());
          ps.executeUpdate();
        }
      }
      return new Altered(StreamTableCatalog.require(c, target, false), readersRebuilt);
    });
  }

  /** This session's temporary tables and views but those it keeps on purpose: oid → the statement dropping it. */
  private static Map<Long, String> temporaryRelations(Connection c) throws SQLException {
    Map<Long, String> relations = new java.util.LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.TEMPORARY_RELATIONS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        relations.put(rs.getLong(1), RefreshSessionSql.dropTemporary(rs.getBoolean(2), rs.getString(3)));
      }
    }
    return relations;
  }

  /**
   * Refuses a rebuild that would change what another role has: a reader owned by another role would become the
   * altering role's, and privileges granted on a reader would be gone (a rebuild creates its table again).
   */
  private static void refuseLosingReaders(Connection c, QualifiedName target, List<Reader> readers)
      throws SQLException {
    String me = StreamTableCatalog.currentUser(c);
    for (Reader reader : readers) {
      StoredStreamTable r = reader.table();
      String why = null;
      String fix = "drop " + r.name() + " first, and create it again after";
      if (!r.owner().equals(me)) {
        why = "belongs to role " + Quoting.identifier(r.owner()) + ", and would be the rebuild's";
        fix = "have role " + Quoting.identifier(r.owner()) + " drop it first, or do this alter as that role";
      } else {
        Optional<Long> relid = relid(c, r.name());
        if (relid.isPresent()) {
          try (PreparedStatement ps = c.prepareStatement(dev.freshet.codegen.program.SystemCatalogSql.HAS_GRANTS)) {
            ps.setLong(1, relid.get());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next() && rs.getBoolean(1)) {
                why = "has privileges granted on it, which a rebuild would drop";
                fix = "drop " + r.name() + " first and create it again after, or revoke its privileges and grant "
                    + "them again after";
              }
            }
          }
        }
      }
      if (why != null) {
        throw new StreamTableException(ExitCode.REFUSED, "cannot rebuild " + target + ": stream table " + r.name()
            + " reads it and " + why + "; it is rebuilt with it (its table goes with this one's)", fix, null);
      }
    }
  }

  /** A stream table reading one an alter rebuilds, as it was: what its own rebuild keeps. */
  private record Reader(StoredStreamTable table, Optional<String> settings, Rebuilding rebuilding) {
  }

  /**
   * The stream tables reading {@code st} (named {@code target}), directly or through others, each after those that
   * read it (the order they are dropped in), each once, with what their rebuild keeps.
   */
  private static List<Reader> readersDependentsFirst(Connection c, StoredStreamTable st, QualifiedName target)
      throws SQLException {
    List<Reader> readers = new ArrayList<>();
    collectReaders(c, st, target, new HashSet<>(), readers);
    return readers;
  }

  private static void collectReaders(Connection c, StoredStreamTable st, QualifiedName read, Set<Long> seen,
      List<Reader> readers) throws SQLException {
    Optional<Long> relid = relid(c, st.name());
    if (relid.isEmpty()) {
      return;
    }
    for (QualifiedName name : StreamTableCatalog.consumers(c, relid.get())) {
      Optional<StoredStreamTable> reader = StreamTableCatalog.find(c, name, true);
      if (reader.isPresent() && seen.add(reader.get().id())) {
        collectReaders(c, reader.get(), name, seen, readers);
        readers.add(new Reader(reader.get(), StreamTableCatalog.creationSettings(c, reader.get().id()),
            new Rebuilding(reader.get().createdAt(), StreamTableCatalog.history(c, reader.get().id()),
                StreamTableCatalog.filledByAlterOf(read))));
      }
    }
  }

  /**
   * Creates {@code readers} again (dropped with the stream table {@code altered} they read), upstream first, each
   * from its query as stored under the search_path and settings it was created under; returns their names in that
   * order. A query that no longer plans against what it reads is refused, naming the reader.
   */
  private static List<QualifiedName> rebuildReaders(Connection c, QualifiedName altered, List<Reader> readers,
      Set<Long> temporaryBefore) throws SQLException {
    List<QualifiedName> rebuilt = new ArrayList<>();
    // the session's own settings, set again before each reader's: one recorded without settings or search_path (an
    // older Freshet's) is created under the session's, not under those of the reader before it
    String sessionSettings;
    String sessionSearchPath;
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.SESSION_SETTINGS)) {
      ps.setArray(1, c.createArrayOf("text", RefreshSessionSql.QUERY_SETTINGS.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        sessionSettings = rs.getString(1);
        sessionSearchPath = rs.getString(2);
      }
    }
    for (Reader reader : readers.reversed()) {
      try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.USE_SETTINGS)) {
        ps.setString(1, sessionSettings);
        ps.executeQuery().close();
      }
      try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.SET_LOCAL_SEARCH_PATH_TEXT)) {
        ps.setString(1, sessionSearchPath);
        ps.executeQuery().close();
      }
      // the fill before left its temporary tables (dropped at commit), whose names the next fill uses
      for (Map.Entry<Long, String> left : temporaryRelations(c).entrySet()) {
        if (!temporaryBefore.contains(left.getKey())) {
          execute(c, left.getValue());
        }
      }
      StoredStreamTable r = reader.table();
      if (!r.searchPath().isEmpty()) {
        execute(c, RefreshSessionSql.setLocalSearchPath(r.searchPath()));
      }
      if (reader.settings().isPresent()) {
        try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.USE_SETTINGS)) {
          ps.setString(1, reader.settings().get());
          ps.executeQuery().close();
        }
      }
      try {
        createIn(c, r.name(), r.definingQuery(), r.requestedMode(), r.schedule().orElse(null),
            Optional.of(reader.rebuilding()));
      } catch (dev.freshet.planner.QueryException e) {
        throw new StreamTableException(ExitCode.REFUSED, "cannot rebuild " + altered + ": stream table " + r.name()
            + " reads it, and its query no longer runs against it: " + firstLine(e.getMessage()), "change or drop "
            + r.name() + " first (nothing was changed)", null);
      }
      rebuilt.add(r.name());
    }
    return rebuilt;
  }

  public static List<StoredStreamTable> list(Connection c) throws SQLException {
    if (!schemaExists(c, "freshet")) {
      return List.of();
    }
    CatalogMigrations.require(c);
    return StreamTableCatalog.list(c);
  }

  /**
   * Commands on existing stream tables need the catalog: a database without one has no stream
   * tables (and is not given a catalog by a mere status or refresh); an older one is refused until
   * {@code freshet migrate} upgrades it.
   */
  static void requireCatalog(Connection c, QualifiedName target) throws SQLException {
    if (!schemaExists(c, "freshet")) {
      throw StreamTableCatalog.noSuchStreamTable(c, target);
    }
    CatalogMigrations.require(c);
  }

  /**
   * All stream tables, each after the stream tables it reads (a stream table can be the source of
   * another: refreshing upstream first lets one pass carry a change all the way down).
   */
  public static List<StoredStreamTable> inRefreshOrder(Connection c) throws SQLException {
    return scheduledInRefreshOrder(c).stream().map(Scheduled::table).toList();
  }

  /**
   * A stream table as a pass of the service sees it: its catalog row and, when it is scheduled and not suspended,
   * how long its last successful refresh took and its {@link Failures} since (else empty and none).
   */
  public record Scheduled(StoredStreamTable table, Optional<java.time.Duration> lastRefreshDuration,
      Failures failures) {
  }

  /**
   * {@link #inRefreshOrder}, with what the service decides by: in one statement (catalog V31,
   * {@code STREAM_TABLES_TO_SCHEDULE}), else, for a catalog it cannot read that way (none, or of another version,
   * which {@link CatalogMigrations#require} then refuses), statement by statement as before.
   */
  public static List<Scheduled> scheduledInRefreshOrder(Connection c) throws SQLException {
    Optional<List<StreamTableCatalog.Scheduling>> read = StreamTableCatalog.toSchedule(c);
    List<StreamTableCatalog.Scheduling> all;
    if (read.isPresent() && !read.get().isEmpty()
        && read.get().stream().allMatch(s -> s.catalogVersion() == CatalogMigrations.LATEST)) {
      all = read.get();
    } else {
      all = new ArrayList<>();
      for (StoredStreamTable st : list(c)) {
        boolean active = st.schedule().isPresent() && !st.status().equals(SUSPENDED);
        all.add(new StreamTableCatalog.Scheduling(st, CatalogMigrations.LATEST, relid(c, st.name()),
            StreamTableCatalog.sourceRelids(c, st.id()),
            active ? lastRefreshDuration(c, st.id()) : Optional.empty(),
            active ? consecutiveFailures(c, st.id()) : new Failures(0, null)));
      }
    }
    Map<Long, StreamTableCatalog.Scheduling> byRelid = new HashMap<>();
    for (StreamTableCatalog.Scheduling s : all) {
      s.relid().ifPresent(r -> byRelid.put(r, s));
    }
    List<Scheduled> ordered = new ArrayList<>();
    Set<Long> placed = new HashSet<>();
    for (StreamTableCatalog.Scheduling s : all) {
      place(s, byRelid, placed, ordered, new HashSet<>());
    }
    return ordered;
  }

  private static void place(StreamTableCatalog.Scheduling s, Map<Long, StreamTableCatalog.Scheduling> byRelid,
      Set<Long> placed, List<Scheduled> ordered, Set<Long> visiting) {
    long id = s.table().id();
    if (placed.contains(id) || !visiting.add(id)) {
      return;
    }
    for (long source : s.sourceRelids()) {
      StreamTableCatalog.Scheduling upstream = byRelid.get(source);
      if (upstream != null) {
        place(upstream, byRelid, placed, ordered, visiting);
      }
    }
    placed.add(id);
    ordered.add(new Scheduled(s.table(), s.lastRefreshDuration(), s.failures()));
  }

  /**
   * The stream tables with a schedule that {@code st} reads, when {@code st} has none (else none), in the
   * order of their names: {@code freshet service} refreshes only stream tables with a schedule, so it keeps
   * refreshing those and never {@code st}, which stays as it is until {@code freshet refresh} (or {@code CALL
   * freshet.refresh}) refreshes it.
   */
  public static List<StoredStreamTable> scheduledSourcesOfUnscheduled(Connection c, StoredStreamTable st)
      throws SQLException {
    return st.schedule().isPresent() ? List.of() : sourcesScheduled(c, st, true);
  }

  /**
   * The stream tables without a schedule that {@code st} reads, when {@code st} has one (else none), in the order
   * of their names: {@code freshet service} refreshes {@code st} and never those, so {@code st} reads them as of
   * their last refresh.
   */
  public static List<StoredStreamTable> unscheduledSourcesOfScheduled(Connection c, StoredStreamTable st)
      throws SQLException {
    return st.schedule().isEmpty() ? List.of() : sourcesScheduled(c, st, false);
  }

  /**
   * The stream tables without a schedule that read {@code st}, when {@code st} has one (else none), in the
   * order of their names: those {@link #scheduledSourcesOfUnscheduled} names {@code st} for.
   */
  public static List<StoredStreamTable> unscheduledReaders(Connection c, StoredStreamTable st) throws SQLException {
    return st.schedule().isEmpty() ? List.of() : readersScheduled(c, st, false);
  }

  /**
   * The stream tables with a schedule that read {@code st}, when {@code st} has none (else none), in the order of
   * their names: those {@link #unscheduledSourcesOfScheduled} names {@code st} for.
   */
  public static List<StoredStreamTable> scheduledReaders(Connection c, StoredStreamTable st) throws SQLException {
    return st.schedule().isPresent() ? List.of() : readersScheduled(c, st, true);
  }

  /** The stream tables {@code st} reads that have a schedule ({@code scheduled}) or none, by name. */
  private static List<StoredStreamTable> sourcesScheduled(Connection c, StoredStreamTable st, boolean scheduled)
      throws SQLException {
    Set<Long> sources = new HashSet<>(StreamTableCatalog.sourceRelids(c, st.id()));
    List<StoredStreamTable> found = new ArrayList<>();
    for (StoredStreamTable other : list(c)) {
      if (other.schedule().isPresent() == scheduled && other.id() != st.id()
          && relid(c, other.name()).filter(sources::contains).isPresent()) {
        found.add(other);
      }
    }
    found.sort(java.util.Comparator.comparing(other -> other.name().toString()));
    return found;
  }

  /** The stream tables reading {@code st} that have a schedule ({@code scheduled}) or none, by name. */
  private static List<StoredStreamTable> readersScheduled(Connection c, StoredStreamTable st, boolean scheduled)
      throws SQLException {
    Optional<Long> relid = relid(c, st.name());
    if (relid.isEmpty()) {
      return List.of();
    }
    Set<QualifiedName> readers = new HashSet<>(StreamTableCatalog.consumers(c, relid.get()));
    List<StoredStreamTable> found = new ArrayList<>();
    for (StoredStreamTable other : list(c)) {
      if (other.schedule().isPresent() == scheduled && readers.contains(other.name())) {
        found.add(other);
      }
    }
    found.sort(java.util.Comparator.comparing(other -> other.name().toString()));
    return found;
  }

  /** A stream table, its sources and its last refreshes (newest first). */
  public record Status(StoredStreamTable table, List<Source> sources, List<String> history) {
  }

  /**
   * A source as {@code status} shows it: its name, quoted and qualified ({@code "public"."orders"}), and the
   * columns the stream table reads from it, as stored (none for a FULL stream table: any change counts).
   */
  public record Source(String name, List<String> columns) {
    public Source {
      columns = List.copyOf(columns);
    }
  }

  public static Status status(Connection c, String name, int historyLimit) throws SQLException {
    QualifiedName target = QualifiedName.parse(c, name);
    requireCatalog(c, target);
    StoredStreamTable st = StreamTableCatalog.require(c, target, false);
    List<Source> sources = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.SOURCES)) {
      ps.setLong(1, st.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sources.add(new Source(Quoting.qualified(rs.getString(1), rs.getString(2)),
              List.of((String[]) rs.getArray(3).getArray())));
        }
      }
    }
    return new Status(st, sources, StreamTableCatalog.history(c, st.id(), historyLimit));
  }

  /** The status of a stream table the service stopped refreshing after consecutive failures. */
  public static final String SUSPENDED = "SUSPENDED";

  /** Failed refreshes since the last success or resume, and when the last of them ended. */
  public record Failures(int count, OffsetDateTime last) {
  }

  /** How long the last successful refresh of stream table {@code id} took, from its history. */
  public static Optional<java.time.Duration> lastRefreshDuration(Connection c, long id) throws SQLException {
    return StreamTableCatalog.lastRefreshDuration(c, id);
  }

  /** {@link Failures} of the stream table {@code id}, from its refresh history. */
  public static Failures consecutiveFailures(Connection c, long id) throws SQLException {
    return StreamTableCatalog.consecutiveFailures(c, id);
  }

  /**
   * Deletes the refresh history of every stream table that finished more than {@code retention} ago;
   * returns the number of rows deleted. A database without Freshet's catalog has none.
   */
  public static long pruneHistory(Connection c, java.time.Duration retention) throws SQLException {
    if (!schemaExists(c, "freshet")) {
      return 0;
    }
    CatalogMigrations.require(c);
    return StreamTableCatalog.pruneHistory(c, retention);
  }

  /**
   * Sets the stream table {@code id} to {@link #SUSPENDED}, keeping its last error, if its status is
   * still ERROR (not if a refresh elsewhere succeeded meanwhile); returns whether it did.
   */
  public static boolean suspend(Connection c, long id) throws SQLException {
    return StreamTableCatalog.suspend(c, id);
  }

  /**
   * Brings a stream table back after suspension (or errors): ACTIVE, failures before now no longer
   * counted; the next refresh, scheduled or manual, runs at once. Returns it as it was.
   */
  public static StoredStreamTable resume(Connection c, String name) throws SQLException {
    QualifiedName target = QualifiedName.parse(c, name);
    requireCatalog(c, target);
    return inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
      StoredStreamTable st = requireManaged(c, target);
      StreamTableCatalog.resume(c, st.id());
      return st;
    });
  }

  /**
   * Whether stream table {@code id} has the session forms of its change tables and differential programs installed
   * (catalog V37), which a refresh of a small window runs (for explain).
   */
  public static boolean hasSessionForms(Connection c, long id) throws SQLException {
    return StreamTableCatalog.hasSessionForms(c, id);
  }

  /** The compiled form of a stream table (for explain and tests). */
  public static CompiledStreamTable compiled(Connection c, String name) throws SQLException {
    QualifiedName target = QualifiedName.parse(c, name);
    requireCatalog(c, target);
    return compiled(c, StreamTableCatalog.require(c, target, false));
  }

  /**
   * Prints the refresh programs of DIFFERENTIAL stream table {@code st} anew with this Freshet's code
   * generator and installs them, under its refresh lock: programs installed by an older Freshet keep its SQL
   * otherwise (for one, change tables that merged equal values printing differently). Exact programs for
   * other sets of changed sources are installed again as refreshes meet them.
   */
  public static void reinstallPrograms(Connection c, StoredStreamTable st) throws SQLException {
    if (st.effectiveMode() != Mode.DIFFERENTIAL) {
      return;
    }
    // Capture set up by an older version (its guard view refused DROP COLUMN and ALTER COLUMN ... TYPE,
    // and no layout is recorded for it) is rebuilt as this version sets it up, as the next refresh would.
    List<Long> relids = inTransaction(c, Connection.TRANSACTION_READ_COMMITTED,
        () -> StreamTableCatalog.sourceRelids(c, st.id()));
    reconcile(c, inTransaction(c, Connection.TRANSACTION_READ_COMMITTED,
        () -> ChangeCapture.needingReconcile(c, relids)));
    inTransaction(c, Connection.TRANSACTION_READ_COMMITTED, () -> {
      lockRefresh(c, st.name(), st.id(), true);
      CompiledStreamTable compiled = compiled(c, st);
      alignStoredTypes(c, compiled);
      RefreshInstaller.install(c, st.id(), compiled);
      return null;
    });
  }

  // ---- JDBC plumbing ---------------------------------------------------------------------------

  /** Work inside one transaction. */
  interface Work<T> {
    T run() throws SQLException;
  }

  static <T> T inTransaction(Connection c, int isolation, Work<T> work) throws SQLException {
    if (!c.getAutoCommit()) {
      throw new IllegalStateException("pass a connection in auto-commit mode: Freshet runs its own transactions");
    }
    boolean done = false;
    try {
      Transactions.begin(c, isolation); // nothing session-level: safe behind a pooler in transaction mode
      T result = work.run();
      c.commit();
      done = true;
      return result;
    } finally {
      if (!done) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is broken; the original error says why
        }
      }
      c.setAutoCommit(true);
    }
  }

  /**
   * Takes the refresh lock of stream table {@code id} for the current transaction (refreshes of one stream
   * table never overlap; {@code CALL freshet.refresh} takes the same key). Transaction-scoped, so nothing
   * outlives the transaction on the server connection (poolers in transaction mode). Without {@code wait} (the
   * window's transaction), a lock held elsewhere is {@link RefreshRunningException}, and the transaction must
   * be REPEATABLE READ: the window's exactness rests on it.
   */
  private static void lockRefresh(Connection c, QualifiedName target, long id, boolean wait) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(wait
        ? RefreshSessionSql.WAIT_FOR_REFRESH_LOCK : RefreshSessionSql.TRY_REFRESH_LOCK)) {
      ps.setInt(1, REFRESH_LOCK_CLASS);
      ps.setInt(2, (int) id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new RefreshRunningException(target, lockHolder(c, id));
        }
        if (!wait && !"repeatable read".equals(rs.getString(2))) { // the window's transaction
          throw new IllegalStateException("the refresh of " + target + " runs at " + rs.getString(2)
              + ", not repeatable read: something between Freshet and PostgreSQL changed its isolation");
        }
      }
    }
  }

  /** The session holding stream table {@code id}'s refresh lock, if it still does and is visible. */
  private static Optional<RefreshRunningException.Holder> lockHolder(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.REFRESH_LOCK_HOLDER)) {
      ps.setInt(1, REFRESH_LOCK_CLASS);
      ps.setInt(2, (int) id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty(); // released meanwhile
        }
        return Optional.of(new RefreshRunningException.Holder(rs.getInt(1), Optional.ofNullable(rs.getString(2)),
            Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getString(4)),
            Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6))));
      }
    }
  }

  static List<StoredColumn> storedColumns(Connection c, QualifiedName table) throws SQLException {
    List<StoredColumn> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.STORED_COLUMNS)) {
      ps.setString(1, table.sql());
      ps.setString(2, table.sql());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(new StoredColumn(rs.getString(1), rs.getString(2), rs.getBoolean(4), rs.getString(3),
              rs.getBoolean(5)));
        }
      }
    }
    return columns;
  }

  private static Optional<Long> relid(Connection c, QualifiedName name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.RELATION_OID)) {
      ps.setString(1, name.sql());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long oid = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(oid);
      }
    }
  }

  static boolean schemaExists(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.SCHEMA_EXISTS)) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** {@code -Dfreshet.trace.sql=true}: every statement Freshet runs, with its time, on stderr. */
  private static final boolean TRACE = Boolean.getBoolean("freshet.trace.sql");

  private static void execute(Connection c, String sql) throws SQLException {
    long start = System.nanoTime();
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw withStatement(e, sql);
    } finally {
      trace(sql, start);
    }
  }

  private static void trace(String sql, long startNanos) {
    if (TRACE) {
      System.err.printf(java.util.Locale.ROOT, "[freshet] %7.1f ms  %s%n", (System.nanoTime() - startNanos) / 1e6,
          sql.lines().findFirst().orElse(""));
    }
  }

  /** The error with the statement that raised it, so a failed refresh can be reproduced by hand. */
  private static SQLException withStatement(SQLException e, String sql) {
    return new dev.freshet.runtime.jdbc.FailedStatementException(e, sql);
  }

  private static long scalarLong(Connection c, String sql) throws SQLException {
    long start = System.nanoTime();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw withStatement(e, sql);
    } finally {
      trace(sql, start);
    }
  }

  private static String scalarText(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static OffsetDateTime now(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(RefreshSessionSql.CLOCK)) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class);
    }
  }

  private static String join(List<QualifiedName> names) {
    return String.join(", ", names.stream().map(QualifiedName::toString).toList());
  }

  private static void checkSchedule(String schedule) {
    if (schedule != null) {
      try {
        dev.freshet.runtime.scheduler.Schedule.parse(schedule);
      } catch (IllegalArgumentException e) {
        throw new StreamTableException(e.getMessage());
      }
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
