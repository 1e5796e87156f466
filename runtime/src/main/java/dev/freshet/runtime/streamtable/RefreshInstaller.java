package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.ddl.CaptureCatalogSql;
import dev.freshet.codegen.ddl.CapturePrinter;
import dev.freshet.codegen.program.RefreshInstallSql;
import dev.freshet.codegen.program.RefreshProgram;
import dev.freshet.codegen.program.RefreshStep;
import dev.freshet.codegen.program.SessionProgramPrinter;
import dev.freshet.codegen.refresh.ChangeTablePrinter;
import dev.freshet.codegen.refresh.SharedWindowPrinter;
import dev.freshet.codegen.refresh.StoredColumn;
import dev.freshet.codegen.sql.DeltaTermMarks;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.planner.catalog.PgColumn;
import dev.freshet.rules.ChangedSet;
import dev.freshet.rules.rel.ChangeTables;
import dev.freshet.runtime.capture.ChangeBuffer;
import dev.freshet.runtime.capture.ChangeCapture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Installs a compiled stream table's refresh in its database, as data that {@code freshet.refresh_window}
 * runs (catalog V4): per source, the statements reading its window into a change table; per set of
 * changed sources, a refresh program. Programs installed at create: the full one, each source alone, each
 * pair of sources (up to {@value #PAIRS_UP_TO} sources) and all together (every set when there are at most
 * {@value #ALL_SETS_UP_TO} sources). Every differential program is printed with its delta terms marked ({@link
 * DeltaTermMarks}: by source, and since V35 by state table) and stored also cut into pieces, from which
 * refresh_window leaves out the terms of change tables found empty. A window whose changed sources have no program
 * of their own: from the pieces of the program for all sources refresh_window puts together
 * and installs the program of any set of changed sources that has none (catalog V29): TPC-H Q8's program for its
 * seven sources has 127 terms, which PostgreSQL takes about 0.5 s to plan, where the 7 terms of three sources plan
 * in milliseconds. The command line installs, printed here, the exact program of a set that has none only for
 * programs installed before V29. Pairs are installed because sources written together (an order and its line
 * items) are the commonest window with more than one source.
 */
final class RefreshInstaller {

  /** Up to this many sources, a program for every set of changed sources is installed at create. */
  static final int ALL_SETS_UP_TO = 3;

  /** Up to this many sources, a program for every pair of changed sources is installed at create. */
  static final int PAIRS_UP_TO = 8;

  /** Bits of a changed-sources mask: {@code freshet.refresh_sources.ordinal} is at most 62. */
  static final int MAX_SOURCES = 63;

  private RefreshInstaller() {
  }

  /** Replaces everything installed for stream table {@code id} by what {@code compiled} prints. */
  static void install(Connection c, long id, CompiledStreamTable compiled) throws SQLException {
    List<CompiledStreamTable.Source> sources = compiled.sources();
    if (sources.size() > MAX_SOURCES) {
      throw new StreamTableException(compiled.target() + " reads " + sources.size() + " tables; a refresh can "
          + "follow at most " + MAX_SOURCES);
    }
    try (PreparedStatement ps = c.prepareStatement(RefreshInstallSql.DELETE_PROGRAMS)) {
      ps.setLong(1, id);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(RefreshInstallSql.DELETE_SOURCES)) {
      ps.setLong(1, id);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(RefreshInstallSql.SET_REFRESH_FLAGS)) {
      ps.setBoolean(1, compiled.recomputesEveryRefresh());
      ps.setString(2, CaptureCatalogSql.needingReconcileArray());
      ps.setLong(3, id);
      ps.executeUpdate();
    }
    // the types its sources' columns use and their row-level security, as compiled: what the event
    // triggers of catalog V18 and refreshes without them (V20) compare DDL with. DDL on a type that nothing
    // recorded yet is marked first (a rebuild follows), not recorded over
    StreamTableCatalog.noteTypeChanges(c, id);
    try (PreparedStatement ps = c.prepareStatement(RefreshInstallSql.RECORD_SOURCE_STATE)) {
      ps.setLong(1, id);
      ps.execute();
    }
    boolean differential = compiled.effectiveMode() == Mode.DIFFERENTIAL;
    // the session forms of this install (V37): their tables' names hash it, so that a session that ran the programs
    // installed before (another query, other column types) never fills a table of theirs
    String seed = "stream table " + id + ", install " + UUID.randomUUID();
    Map<String, String> sessionChangeTables = new HashMap<>();
    boolean session = differential;
    try (PreparedStatement ps = c.prepareStatement(RefreshInstallSql.INSERT_SOURCE)) {
      for (int i = 0; i < sources.size(); i++) {
        CompiledStreamTable.Source source = sources.get(i);
        ChangeBuffer buffer = ChangeCapture.find(c, source.table().oid()).orElseThrow(() ->
            new IllegalStateException("no change buffer for " + Quoting.qualified(source.name())
                + "; drop and recreate the stream table to reinstall change capture"));
        List<String> changeTable = ChangeTables.name(source.name());
        ps.setLong(1, id);
        ps.setInt(2, i);
        ps.setLong(3, source.table().oid());
        // the source as messages name it (refresh lines, pending changes, history): quoted, as every name is
        ps.setString(4, Quoting.qualified(source.name()));
        ps.setString(5, ChangeTablePrinter.windowCounts(buffer.qualifiedBufferName()));
        // a change table no join reads is not analyzed: aggregating it is planned as well from its pages (TPC-H Q1's
        // 6,000 changed line items: 4.7 ms of statistics that changed no plan)
        ps.setArray(7, c.createArrayOf("text", differential && source.joined()
            ? ChangeTablePrinter.prepare(changeTable).toArray() : new Object[0]));
        ps.setString(8, CapturePrinter.cleanupForRefresh(source.table().oid()));
        ps.setArray(9, c.createArrayOf("text", differential
            ? ChangeTablePrinter.indexes(changeTable, source.joinKeys()).toArray() : new Object[0]));
        // a window of one kind of change is not consolidated (V33)
        ps.setString(10, differential ? ChangeTablePrinter.windowMixed(buffer.qualifiedBufferName()) : null);
        String create = differential ? ChangeTablePrinter.create(changeTable, buffer.qualifiedBufferName(),
            sourceColumns(source), source.rowFilter()) : null;
        String createAsIs = differential ? ChangeTablePrinter.createAsIs(changeTable, buffer.qualifiedBufferName(),
            sourceColumns(source), source.rowFilter()) : null;
        ps.setString(6, create);
        ps.setString(11, createAsIs);
        Optional<SessionProgramPrinter.SessionChangeTable> sessionTable = differential
            ? SessionProgramPrinter.changeTable(seed, i, create, createAsIs) : Optional.empty();
        sessionTable.ifPresent(t -> sessionChangeTables.put(changeTable.getLast(), t.table()));
        session &= sessionTable.isPresent();
        ps.setString(12, sessionTable.map(SessionProgramPrinter.SessionChangeTable::table).orElse(null));
        ps.setString(13, sessionTable.map(SessionProgramPrinter.SessionChangeTable::setup).orElse(null));
        ps.setString(14, sessionTable.map(SessionProgramPrinter.SessionChangeTable::fill).orElse(null));
        ps.setString(15, sessionTable.map(SessionProgramPrinter.SessionChangeTable::fillAsIs).orElse(null));
        ps.setString(16, sessionTable.map(SessionProgramPrinter.SessionChangeTable::empty).orElse(null));
        ps.setString(17, differential ? ChangeTablePrinter.windowRowsUpTo(buffer.qualifiedBufferName()) : null);
        // its statements for a window shared with stream tables refreshed together (V41)
        Optional<SharedWindowPrinter.SharedWindow> shared = differential ? Optional.of(SharedWindowPrinter.print(
            source.table().oid(), changeTable, buffer.qualifiedBufferName(), sourceColumns(source), source.rowFilter(),
            source.joined(), source.joinKeys())) : Optional.empty();
        ps.setString(18, shared.map(SharedWindowPrinter.SharedWindow::window).orElse(null));
        ps.setArray(19, shared.isEmpty() ? null : c.createArrayOf("text", shared.get().prepare().toArray()));
        ps.setString(20, shared.map(SharedWindowPrinter.SharedWindow::view).orElse(null));
        ps.setString(21, shared.map(SharedWindowPrinter.SharedWindow::create).orElse(null));
        ps.setArray(22, shared.isEmpty() ? null : c.createArrayOf("text", shared.get().indexes().toArray()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    Map<List<String>, List<StoredColumn>> stored = StreamTables.storedColumns(c, compiled);
    insertProgram(c, id, 0, compiled.fullProgram(stored), Map.of(), Optional.empty());
    if (differential) {
      for (long mask : initialMasks(sources.size())) {
        // marked (V29, V35): a refresh runs each without the terms that are empty for its window, those of sources
        // that did not change (the program for all sources is what CALL freshet.refresh runs for three or more
        // changed sources without a program of their own) and those of state tables whose change came out empty
        RefreshProgram program = compiled.markedDifferentialProgram(changedSet(compiled, mask), stored);
        insertProgram(c, id, mask, program, compiled.stateChangeTableStatements(),
            session ? SessionProgramPrinter.program(seed, program, sessionChangeTables) : Optional.empty());
      }
    }
  }

  /** Installs the differential program for the sources in {@code mask}, unless one is there. */
  static void installProgram(Connection c, long id, CompiledStreamTable compiled, long mask) throws SQLException {
    if (StreamTables.renameMadeUpColumns(c, compiled)) {
      install(c, id, compiled); // the programs installed read the old names
      installProgram(c, id, compiled, mask);
      return;
    }
    RefreshProgram program = compiled.markedDifferentialProgram(changedSet(compiled, mask),
        StreamTables.storedColumns(c, compiled));
    // no session form: its change tables' session names were hashed with an install that is not known here (a program
    // of a stream table installed before V29, the only one this installs); its stream table runs every window so
    insertProgram(c, id, mask, program, compiled.stateChangeTableStatements(), Optional.empty());
  }

  private static long allSources(int sources) {
    return sources == 64 ? -1L : (1L << sources) - 1;
  }

  private static List<Long> initialMasks(int sources) {
    long all = allSources(sources);
    List<Long> masks = new ArrayList<>();
    if (sources <= ALL_SETS_UP_TO) {
      for (long mask = 1; mask <= all; mask++) {
        masks.add(mask);
      }
      return masks;
    }
    for (int i = 0; i < sources; i++) {
      masks.add(1L << i);
    }
    if (sources <= PAIRS_UP_TO) {
      for (int i = 0; i < sources; i++) {
        for (int j = i + 1; j < sources; j++) {
          masks.add((1L << i) | (1L << j));
        }
      }
    }
    masks.add(all);
    return masks;
  }

  private static ChangedSet changedSet(CompiledStreamTable compiled, long mask) {
    Set<List<String>> changed = new HashSet<>();
    for (int i = 0; i < compiled.sources().size(); i++) {
      if ((mask & (1L << i)) != 0) {
        changed.add(compiled.sources().get(i).name());
      }
    }
    return ChangedSet.of(changed);
  }

  /**
   * The session form's steps cut into pieces as the program's are, or null when they do not cut alike (then the
   * program has no session form): the same marks in the same places, since only table names and the first line of a
   * step differ.
   */
  private static List<String> sessionPieces(SessionProgramPrinter.SessionProgram session, List<Long> pieceMasks,
      int pieces) {
    List<String> sessionSql = new ArrayList<>();
    List<Long> sessionMasks = new ArrayList<>();
    for (String step : session.steps()) {
      List<DeltaTermMarks.Piece> cut = DeltaTermMarks.pieces(step);
      if (cut.size() > 1) {
        cut.forEach(piece -> {
          sessionSql.add(piece.sql());
          sessionMasks.add(piece.requires());
        });
      }
    }
    return sessionSql.size() == pieces && sessionMasks.equals(pieceMasks) ? sessionSql : null;
  }

  /** Whether equal values of {@code column}'s type always print alike: see {@link StoredColumn#PRINTS_ALIKE_TYPES}. */
  private static boolean printsAlikeWhenEqual(PgColumn column) {
    // numeric with a scale (numeric(15,2)) stores every value at that scale: 1.00 and 1.00 only
    return StoredColumn.PRINTS_ALIKE_TYPES.contains(column.baseTypeOid()) || (column.baseTypeOid() == 1700L && column.baseTypmod() >= 0);
  }

  private static List<ChangeTablePrinter.SourceColumn> sourceColumns(CompiledStreamTable.Source source) {
    Set<String> read = Set.copyOf(source.readColumns());
    List<ChangeTablePrinter.SourceColumn> columns = new ArrayList<>();
    for (PgColumn column : source.table().columns()) {
      // typed as the base type, as the buffer stores what it captures: a column not read stands as a typed
      // NULL, which a domain that rejects NULL would refuse
      columns.add(new ChangeTablePrinter.SourceColumn(column.name(), column.baseTypeName(), read.contains(column.name()),
          column.baseTypeEquality(), !printsAlikeWhenEqual(column)));
    }
    return columns;
  }

  /**
   * Stores {@code program} for the sources in {@code mask}: its steps, each marked one cut into pieces, and for each
   * step the bit of the state table whose change table it creates ({@code stateChangeTables}: the statement's first
   * line → the bit; 0 for the others), by which the refresh knows which terms to leave out when that comes out empty.
   */
  private static void insertProgram(Connection c, long id, long mask, RefreshProgram program,
      Map<String, Long> stateChangeTables, Optional<SessionProgramPrinter.SessionProgram> session) throws SQLException {
    List<String> kinds = new ArrayList<>();
    List<String> sql = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    List<Integer> pieceSteps = new ArrayList<>();
    List<Long> pieceMasks = new ArrayList<>();
    List<String> pieceSql = new ArrayList<>();
    List<Long> stateBits = new ArrayList<>();
    for (RefreshStep step : program.steps()) {
      stateBits.add(step instanceof RefreshStep.Statement
          ? stateChangeTables.getOrDefault(step.sql().split("\n", 2)[0], 0L) : 0L);
      List<DeltaTermMarks.Piece> pieces = DeltaTermMarks.pieces(step.sql());
      if (pieces.size() > 1) {
        for (DeltaTermMarks.Piece piece : pieces) {
          pieceSteps.add(kinds.size() + 1); // the step's place, from 1 as in PL/pgSQL's arrays
          pieceMasks.add(piece.requires());
          pieceSql.add(piece.sql());
        }
      }
      kinds.add(switch (step) {
        case RefreshStep.Statement s -> "statement";
        case RefreshStep.Check check -> "check";
        case RefreshStep.Figures f -> "figures";
      });
      sql.add(step.sql());
      failures.add(step instanceof RefreshStep.Check check ? check.failure() : "");
    }
    try (PreparedStatement ps = c.prepareStatement(RefreshInstallSql.INSERT_PROGRAM)) {
      ps.setLong(1, id);
      ps.setLong(2, mask);
      ps.setArray(3, c.createArrayOf("text", kinds.toArray()));
      ps.setArray(4, c.createArrayOf("text", sql.toArray()));
      ps.setArray(5, c.createArrayOf("text", failures.toArray()));
      boolean cut = !pieceSteps.isEmpty();
      ps.setArray(6, cut ? c.createArrayOf("int4", pieceSteps.toArray()) : null);
      ps.setArray(7, cut ? c.createArrayOf("int8", pieceMasks.toArray()) : null);
      ps.setArray(8, cut ? c.createArrayOf("text", pieceSql.toArray()) : null);
      ps.setArray(9, stateBits.stream().anyMatch(b -> b != 0) ? c.createArrayOf("int8", stateBits.toArray()) : null);
      List<String> sessionPieces = session.map(form -> sessionPieces(form, pieceMasks, pieceSql.size())).orElse(null);
      boolean withSession = session.isPresent() && sessionPieces != null;
      ps.setArray(10, withSession ? c.createArrayOf("text", session.get().tables().toArray()) : null);
      ps.setArray(11, withSession ? c.createArrayOf("text", session.get().setup().toArray()) : null);
      ps.setArray(12, withSession ? c.createArrayOf("text", session.get().steps().toArray()) : null);
      ps.setArray(13, withSession && cut ? c.createArrayOf("text", sessionPieces.toArray()) : null);
      ps.setArray(14, withSession ? c.createArrayOf("text", session.get().empty().toArray()) : null);
      ps.executeUpdate();
    }
  }
}
