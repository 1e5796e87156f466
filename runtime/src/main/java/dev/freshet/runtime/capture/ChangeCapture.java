package dev.freshet.runtime.capture;

import dev.freshet.codegen.ddl.CaptureCatalogSql;
import dev.freshet.codegen.ddl.CaptureEvent;
import dev.freshet.codegen.ddl.CapturePrinter;
import dev.freshet.codegen.ddl.TableDdlPrinter;
import dev.freshet.codegen.ddl.CapturedColumn;
import dev.freshet.codegen.ddl.SourceAttribute;
import dev.freshet.codegen.program.RefreshSessionSql;
import dev.freshet.planner.sql.Quoting;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Installs, widens, cleans and removes change capture on source tables (DESIGN.md §3): one change
 * buffer per source, shared by every stream table that reads it, filled by statement-level triggers.
 *
 * <p>Every method works inside the caller's transaction (the connection must not be in auto-commit
 * mode, except for {@link #find}) and never commits. Those that change anything take a
 * transaction-level advisory lock keyed on the source's relation id, so ensuring, cleaning and
 * releasing one source are serialized until the holder's transaction ends. Locks are taken in one
 * order: the source table (when DDL on it or its triggers is needed), then the advisory lock. After
 * the lock each reads the catalog with the snapshot of a later statement: in {@code READ COMMITTED}
 * a fresh one, which sees what the lock's previous holder committed; in {@code REPEATABLE READ} the
 * transaction's, which may predate it. Call them in {@code READ COMMITTED} when others may run them
 * concurrently.
 *
 * <p>The catalog (see {@code dev.freshet.runtime.catalog.CatalogMigrations}) must be migrated.
 */
public final class ChangeCapture {

  /** High word of the per-source advisory lock keys ("FRCP"); the low word is the relation id. */
  private static final long LOCK_CLASS = 0x46524350_00000000L;

  private ChangeCapture() {
  }

  /**
   * Makes sure {@code sourceSchema.sourceTable} is captured with at least {@code columns} (plus its
   * primary key): creates the buffer, functions and triggers if absent, widens the buffer and
   * rewrites the functions if it lacks a column, recreates a missing trigger or function, and records
   * the buffer in {@code freshet.change_buffers}. Never removes a column.
   *
   * <p>Whenever it changes anything it first locks the source in {@code SHARE ROW EXCLUSIVE} mode
   * until the transaction ends (writes wait, reads do not), so no write to the source is captured by
   * the old definition after it commits. Rows buffered before have NULL in added columns: the new consumer's first snapshot must
   * be taken after this returns (in {@code READ COMMITTED}, any later statement's).
   *
   * @param sourceSchema the source's schema, exactly (case-sensitive, unquoted)
   * @param sourceTable the source's name, exactly
   * @param columns the source columns a consumer needs; may be empty
   * @throws IllegalArgumentException if the source does not exist, is not an ordinary or partitioned
   *     table, is temporary or a system or Freshet table, or lacks a requested column
   */
  public static ChangeBuffer ensure(Connection c, String sourceSchema, String sourceTable, Collection<String> columns)
      throws SQLException {
    requireTransaction(c, "ensure");
    String source = Quoting.qualified(sourceSchema, sourceTable);
    long relid = resolve(c, sourceSchema, sourceTable, source);
    reconcile(c, relid);
    // Lock order: the source, then the per-source advisory lock (as callers that lock their sources
    // first do). A first look without the lock decides whether the source must be locked at all.
    boolean sourceLocked = false;
    if (!plan(c, relid, sourceSchema, sourceTable, columns).ddl().isEmpty()) {
      lockSource(c, List.of(sourceSchema, sourceTable));
      sourceLocked = true;
    }
    lock(c, relid);
    Plan plan = plan(c, relid, sourceSchema, sourceTable, columns);
    if (!plan.ddl().isEmpty()) {
      if (!sourceLocked) {
        lockSource(c, List.of(sourceSchema, sourceTable));
      }
      execute(c, plan.ddl());
    }
    // after the triggers it sets for replica mode are there (ENABLE ... TRIGGER needs them created)
    execute(c, replicaDdl(c, relid));
    String bufferTable = CapturePrinter.bufferTable(relid);
    List<String> capturedAfter = plan.captured();
    ChangeBuffer buffer = new ChangeBuffer(relid, sourceSchema, sourceTable, bufferTable, capturedAfter);
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.UPSERT_BUFFER)) {
      s.setLong(1, relid);
      s.setString(2, sourceSchema);
      s.setString(3, sourceTable);
      s.setString(4, bufferTable);
      s.setArray(5, c.createArrayOf("text", capturedAfter.toArray()));
      s.executeUpdate();
    }
    // a new buffer's: an older one's are recorded by reconcile, which compares them with the catalog first
    recordRelated(c, relid, CaptureCatalogSql.RECORD_RELATED_IF_UNSET);
    if (plan.layout().isPresent()) {
      recordLayout(c, relid, plan.layout().get());
    }
    return buffer;
  }

  /** Records in {@code freshet.change_buffers} the layout the capture functions were just written for. */
  private static void recordLayout(Connection c, long relid, Layout layout) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.RECORD_LAYOUT)) {
      s.setString(1, CapturePrinter.attnumArray(layout.attnums()));
      s.setString(2, layout.text());
      s.setLong(3, relid);
      s.executeUpdate();
    }
  }

  /** The layout capture functions are written for: the captured columns' numbers, and {@link CapturePrinter#layout}. */
  private record Layout(List<Integer> attnums, String text) {
    static Layout of(List<String> captured, List<SourceAttribute> source) {
      List<Integer> attnums = CapturePrinter.capturedAttnums(captured, source);
      return new Layout(attnums, CapturePrinter.layout(attnums, source));
    }
  }

  /**
   * Whether the source's columns were renamed, dropped or retyped since its capture was set up (or its
   * guard view was dropped, or no layout is recorded for it): then {@link #reconcile} must run before a
   * refresh reads the buffer. Reads the catalog only.
   */
  public static boolean needsReconcile(Connection c, long relid) throws SQLException {
    return !needingReconcile(c, List.of(relid)).isEmpty();
  }

  /** Those of the sources {@code relids} that {@link #needsReconcile}, in one query. */
  public static Set<Long> needingReconcile(Connection c, Collection<Long> relids) throws SQLException {
    Set<Long> needing = new LinkedHashSet<>();
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.NEEDING_RECONCILE)) {
      s.setArray(1, c.createArrayOf("bigint", relids.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          needing.add(rs.getLong(1));
        }
      }
    }
    return needing;
  }

  /**
   * Brings capture in line with the source after DDL on its columns. The capture functions read source
   * columns by position, so after a rename they kept capturing the right values, but the buffer's columns
   * still carry the old names, which the stream tables' queries now use for other columns (or not at
   * all): the buffer's columns are renamed to the source's current names (each captured column is known by
   * its column number, recorded since catalog V15, else by its position in the guard view, whose columns
   * kept the old names). After a captured column was dropped or changed type, the buffer drops the columns
   * the source no longer has and takes the new types. The guard view and the functions are written anew for
   * the new layout, which is recorded. The functions went on capturing rows meanwhile (CapturePrinter
   * #createFunctions: each captured column still there with its type where it is now, NULL for one dropped
   * or retyped; a rename changes nothing they read), so no marker is written: only the stream tables whose
   * program or query reads a captured column renamed, dropped or retyped, or every one when no stream
   * table's program reads it (captured for the primary key), are marked to recompute in full once
   * ({@code rebuild_step} 'recompute', as {@code freshet.capture_ddl_columns} decides, catalog V27): their
   * queries may now mean other columns, or values of other types. A TRUNCATE marker makes every stream table
   * reading the source recompute when the functions wrote markers instead of rows: the guard view was gone
   * (capture is then rebuilt by name), or they were written by an older Freshet and the layout changed, or
   * capture was set up before catalog V15. A table related to the source (a partition or inheritance child
   * at any level, or an ancestor) without the marker trigger (created, attached or inheriting since capture
   * was set up) gets it, with the same marker: it may have been written uncaptured.
   *
   * <p>Locks the source (writes wait) and the source's advisory lock when it changes anything; the
   * caller's transaction must commit before a refresh takes its snapshot, so that the marker (or the marks)
   * is in the refresh's window.
   *
   * @return whether anything was changed
   */
  public static boolean reconcile(Connection c, long relid) throws SQLException {
    requireTransaction(c, "reconcile");
    if (!needsReconcile(c, relid)) {
      return false;
    }
    Optional<List<String>> sourceName = relationName(c, relid);
    if (sourceName.isEmpty()) {
      return false;
    }
    String sourceSchema = sourceName.get().get(0);
    String sourceTable = sourceName.get().get(1);
    lockSource(c, List.of(sourceSchema, sourceTable));
    lock(c, relid);
    if (!needsReconcile(c, relid)) {
      return false;
    }
    List<String> ddl = new ArrayList<>();
    boolean marker = false;
    // why the marker below makes the consumers recompute, as their refreshes will say (catalog V17)
    List<String> reasons = new ArrayList<>();
    String label = Quoting.qualified(sourceSchema, sourceTable);
    List<SourceAttribute> attributes = sourceAttributes(c, relid);
    List<String> order = attributes.stream().map(SourceAttribute::name).toList();
    boolean guarded = guardExists(c, relid);
    List<String> guardColumns = guarded
        ? names(c, CaptureCatalogSql.GUARD_COLUMNS, s -> s.setString(1, guardName(relid))) : List.of();
    List<String> captured = bufferColumns(c, CapturePrinter.bufferTable(relid)).stream()
        .filter(name -> !CapturePrinter.BUFFER_COLUMNS.contains(name)).toList();
    // The column numbers the capture functions were written for, by buffer column (catalog V15; capture
    // set up before has none recorded) and whether the source's columns are still laid out so.
    Map<String, Integer> recordedAttnums = new HashMap<>();
    Optional<String> recordedLayout = recordedLayout(c, relid, recordedAttnums);
    boolean layoutChanged = recordedLayout.isPresent() && !recordedLayout.get().equals(CapturePrinter.layout(
        captured.stream().filter(recordedAttnums::containsKey).map(recordedAttnums::get).toList(), attributes));
    List<String> capturedAfter = captured;
    // Functions that follow DDL on the source's columns (CapturePrinter.FOLLOWS_DDL_MARK) went on capturing
    // rows after a drop or a type change: each captured column still there with its type where it is now, NULL
    // for one dropped or retyped. Then only the stream tables that read such a column recompute, as after a
    // rename of a captured column (which any function follows). Older functions wrote markers instead.
    boolean followsDdl = followsDdl(c, relid);
    // why each captured column changed, by its recorded number, and which of them each reader must recompute
    // for (catalog V27: freshet.capture_ddl_columns), read before the new layout is recorded
    Map<Integer, String> changedColumns = new LinkedHashMap<>();
    Map<Long, List<Integer>> readersToRecompute = recordedLayout.isPresent()
        ? readersToRecompute(c, relid) : Map.of();
    boolean retyped = false;
    boolean rewritten = false;
    if (!guarded || guardColumns.size() > order.size() || !guardColumns.equals(order.subList(0, guardColumns.size()))
        || recordedLayout.isEmpty() || layoutChanged) {
      // Each captured column's source column is known by its number when it was recorded; else (capture
      // set up by an older Freshet, whose guard view refused drops) by its position in the guard view if
      // the functions read by position (older ones named columns, and their guard listed only those).
      List<String> guard = guarded && readsByPosition(c, relid) ? guardColumns : List.of();
      capturedAfter = new ArrayList<>();
      // Each captured column's name now, or null when the source no longer has it (dropped): the buffer
      // drops it, and the marker below makes every stream table reading the source recompute, which
      // fails, naming the column, for those whose query reads it.
      List<String> now = new ArrayList<>();
      for (String column : captured) {
        String name;
        if (recordedAttnums.containsKey(column)) {
          int attnum = recordedAttnums.get(column);
          // a column dropped and added again under its name is captured anew (the marker below recomputes)
          name = attributes.stream().filter(a -> a.attnum() == attnum).map(SourceAttribute::name).findFirst()
              .orElse(column);
        } else {
          int position = guard.indexOf(column);
          name = position >= 0 && position < order.size() ? order.get(position) : column;
        }
        now.add(name != null && order.contains(name) ? name : null);
        if (name != null && order.contains(name)) {
          capturedAfter.add(name);
        }
      }
      for (int i = 0; i < captured.size(); i++) {
        if (now.get(i) == null) {
          ddl.add(CapturePrinter.dropBufferColumn(relid, captured.get(i)));
          reasons.add("column " + Quoting.identifier(captured.get(i)) + " of " + label + " was dropped (ALTER TABLE)");
        }
        Integer attnum = recordedAttnums.get(captured.get(i));
        if (attnum != null) {
          Optional<SourceAttribute> nowAttribute = attributes.stream().filter(a -> a.attnum() == attnum).findFirst();
          String entry = nowAttribute.map(a -> CapturePrinter.capturedEntryList(List.of(attnum), attributes).get(0))
              .orElse(null);
          String column = "column " + Quoting.identifier(captured.get(i)) + " of " + label;
          if (nowAttribute.isEmpty()) {
            changedColumns.put(attnum, column + (now.get(i) == null ? " was dropped (ALTER TABLE)"
                : " was dropped and added again (ALTER TABLE)"));
          } else if (!nowAttribute.get().name().equals(captured.get(i))) {
            changedColumns.put(attnum, column + " was renamed to " + Quoting.identifier(nowAttribute.get().name())
                + " (ALTER TABLE)");
          } else if (!List.of(recordedLayout.orElse("").split(",")).contains(entry)) {
            changedColumns.put(attnum, column + " changed type (ALTER TABLE)");
          }
        }
      }
      // A column whose type (or collation) changed is captured anew with its new type; the marker below
      // makes its old values irrelevant.
      Map<String, CapturedColumn> bufferTypes = bufferColumnTypes(c, relid);
      Map<String, CapturedColumn> sourceColumns = sourceColumns(c, relid);
      for (int i = 0; i < captured.size(); i++) {
        CapturedColumn current = now.get(i) == null ? null : sourceColumns.get(now.get(i));
        CapturedColumn buffered = bufferTypes.get(captured.get(i));
        if (current != null && (buffered == null || !current.type().equals(buffered.type())
            || !current.collation().equals(buffered.collation()))) {
          ddl.add(CapturePrinter.dropBufferColumn(relid, captured.get(i)));
          ddl.add(CapturePrinter.addColumns(relid, List.of(new CapturedColumn(captured.get(i), current.type(),
              current.collation()))));
          retyped = true;
          reasons.add("column " + Quoting.identifier(now.get(i)) + " of " + label + " changed type (ALTER TABLE)");
        }
      }
      // Through temporary names, so that swapped names (a <-> b) do not collide.
      for (int i = 0; i < captured.size(); i++) {
        if (now.get(i) != null && !captured.get(i).equals(now.get(i))) {
          ddl.add(CapturePrinter.renameBufferColumn(relid, captured.get(i), "__freshet_renaming_" + i));
          reasons.add("column " + Quoting.identifier(captured.get(i)) + " of " + label + " was renamed to "
              + Quoting.identifier(now.get(i)) + " (ALTER TABLE)");
        }
      }
      for (int i = 0; i < captured.size(); i++) {
        if (now.get(i) != null && !captured.get(i).equals(now.get(i))) {
          ddl.add(CapturePrinter.renameBufferColumn(relid, "__freshet_renaming_" + i, now.get(i)));
        }
      }
      ddl.addAll(CapturePrinter.createGuard(relid, sourceSchema, sourceTable,
          CapturePrinter.guardedColumns(capturedAfter, order)));
      ddl.addAll(CapturePrinter.createFunctions(relid, capturedAfter, attributes));
      rewritten = true;
      // Without the guard view, or with a layout changed under functions that do not follow DDL, the functions
      // wrote markers instead of rows: every reader recomputes in full. So does capture set up before catalog
      // V15 (no layout recorded) after a captured column was renamed, dropped or retyped. Otherwise the rows
      // were captured: only the readers of a captured column renamed, dropped or retyped recompute (below).
      marker = !guarded || (layoutChanged && !followsDdl)
          || (recordedLayout.isEmpty() && (retyped || !captured.equals(capturedAfter)));
      if (marker && reasons.isEmpty()) {
        reasons.add(guarded ? "columns of " + label + " were dropped or changed type (ALTER TABLE)"
            : "change capture of " + label + " was set up again (its guard view was gone)");
      }
    }
    // A partition or child detached, no longer inheriting or dropped took its rows out of the source with no write
    // to capture: recompute in full once. One that still exists, and a former ancestor, lose the marker trigger, so
    // that their writes no longer make the source's readers recompute (catalog V44).
    List<LostTable> lostTables = lostRelated(c, relid);
    List<List<String>> markerTriggers = lostTables.isEmpty() ? List.of() : markerTriggers(c, relid);
    for (LostTable lost : lostTables) {
      for (List<String> trigger : markerTriggers) {
        if (lost.name().isPresent() && lost.name().get().equals(trigger.subList(0, 2))) {
          ddl.add(CapturePrinter.dropMarkerTrigger(trigger.get(2), trigger.get(0), trigger.get(1)));
        }
      }
      if (lost.descendant()) {
        marker = true;
        reasons.add(lost.name().map(name -> Quoting.qualified(name) + " is no longer a partition or child of " + label
                + " (DETACH PARTITION or NO INHERIT)")
            .orElse("a partition or child of " + label + " (relation id " + lost.relid() + ") was dropped")
            + ": its rows left it uncaptured");
      }
    }
    // A related table without the marker trigger (a partition or child created or attached since,
    // or a new ancestor) may have been written uncaptured: install the trigger, recompute in full once.
    for (List<String> related : relatedWithoutMarker(c, relid)) {
      ddl.add(CapturePrinter.createMarkerTrigger(relid, related.get(0), related.get(1)));
      marker = true;
      reasons.add(Quoting.qualified(related) + " became a partition, child or parent of " + label
          + " (it may have been written without capture)");
    }
    // Capture set up before catalog V44 did not see writes under session_replication_role = replica: when a
    // logical replication subscription writes the source, such writes may have been missed, so recompute once.
    if (!replicaFunctionExists(c, relid) && subscribed(c, relid)) {
      marker = true;
      reasons.add("capture of " + label + " now sees the writes of logical replication (catalog V44)");
    }
    // A capture trigger dropped (DROP TRIGGER) let the writes since go uncaptured: created again, recompute once. One
    // renamed still captures: found by its function, it is not created twice (each write would be captured twice).
    Map<CaptureEvent, List<String>> triggers = captureTriggers(c, relid);
    for (CaptureEvent event : CaptureEvent.values()) {
      if (!triggers.containsKey(event)) {
        ddl.add(CapturePrinter.createTrigger(relid, sourceSchema, sourceTable, event));
        marker = true;
        reasons.add("trigger " + Quoting.identifier(event.triggerName()) + " of " + label + " was dropped (DROP "
            + "TRIGGER): writes made without it were not captured");
      }
    }
    // A replica trigger enabled as by default is the mark ENABLE TRIGGER ALL (or USER) leaves, the end of a bulk load
    // with triggers disabled: what was written meanwhile, or under replica mode since, was not captured.
    if (replicaPlan(c, relid).enabledAnew()) {
      marker = true;
      reasons.add("the triggers of " + label + " were enabled anew (ALTER TABLE ... ENABLE TRIGGER ALL or USER): "
          + "writes made while they were disabled, or under replica mode, were not captured");
    }
    if (marker) {
      ddl.add(CapturePrinter.truncateMarker(relid));
    }
    execute(c, ddl);
    execute(c, replicaDdl(c, relid)); // after the triggers it sets for replica mode are there
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.UPSERT_BUFFER)) {
      s.setLong(1, relid);
      s.setString(2, sourceSchema);
      s.setString(3, sourceTable);
      s.setString(4, CapturePrinter.bufferTable(relid));
      s.setArray(5, c.createArrayOf("text", capturedAfter.toArray()));
      s.executeUpdate();
    }
    recordRelated(c, relid, CaptureCatalogSql.RECORD_RELATED);
    if (rewritten) {
      recordLayout(c, relid, Layout.of(capturedAfter, attributes));
    }
    if (marker) {
      recordMarker(c, relid, String.join("; ", reasons));
    } else {
      for (Map.Entry<Long, List<Integer>> reader : readersToRecompute.entrySet()) {
        List<String> why = reader.getValue().stream().map(attnum -> changedColumns.getOrDefault(attnum,
            "columns of " + label + " were renamed, dropped or changed type (ALTER TABLE)")).distinct().toList();
        if (!why.isEmpty()) {
          markRecompute(c, reader.getKey(), String.join("; ", why));
        }
      }
    }
    return true;
  }

  /** The readers of the source and, for each, the recorded numbers of the captured columns it must recompute for. */
  private static Map<Long, List<Integer>> readersToRecompute(Connection c, long relid) throws SQLException {
    Map<Long, List<Integer>> readers = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.READERS_TO_RECOMPUTE)) {
      s.setLong(1, relid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Array array = rs.getArray(2);
          List<Integer> attnums = new ArrayList<>();
          if (array != null) {
            for (Object attnum : (Object[]) array.getArray()) {
              attnums.add(((Number) attnum).intValue());
            }
            array.free();
          }
          readers.put(rs.getLong(1), attnums);
        }
      }
    }
    return readers;
  }

  private static void markRecompute(Connection c, long streamTableId, String reason) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.MARK_RECOMPUTE)) {
      s.setString(1, reason);
      s.setLong(2, streamTableId);
      s.executeUpdate();
    }
  }

  /** Why the marker this transaction wrote into the source's buffer makes its consumers recompute (catalog V17). */
  private static void recordMarker(Connection c, long relid, String reason) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.RECORD_MARKER)) {
      s.setString(1, reason);
      s.setLong(2, relid);
      s.executeUpdate();
    }
  }

  /**
   * The layout recorded for the source's capture functions, and into {@code attnums} the column number
   * of each captured column; empty when none is recorded (capture set up before catalog V15).
   */
  private static Optional<String> recordedLayout(Connection c, long relid, Map<String, Integer> attnums)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.RECORDED_LAYOUT)) {
      s.setLong(1, relid);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next() || rs.getString(3) == null || rs.getArray(2) == null) {
          return Optional.empty();
        }
        List<String> names = strings(rs.getArray(1));
        Array array = rs.getArray(2);
        Object[] numbers;
        try {
          numbers = (Object[]) array.getArray();
        } finally {
          array.free();
        }
        if (numbers.length != names.size()) {
          return Optional.empty();
        }
        for (int i = 0; i < names.size(); i++) {
          attnums.put(names.get(i), ((Number) numbers[i]).intValue());
        }
        return Optional.of(rs.getString(3));
      }
    }
  }

  /** The source's columns (dropped ones left out) in order, as PostgreSQL numbers and types them. */
  private static List<SourceAttribute> sourceAttributes(Connection c, long relid) throws SQLException {
    List<SourceAttribute> attributes = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.SOURCE_ATTRIBUTES)) {
      s.setLong(1, relid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          attributes.add(new SourceAttribute(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getInt(4), rs.getLong(5)));
        }
      }
    }
    return attributes;
  }

  /**
   * What capture under {@code session_replication_role = replica} lacks (catalog V44, {@link
   * CaptureCatalogSql#REPLICA_MISSING}): the replica function when it is not there, the replica trigger on each table
   * holding the source's rows without one, {@code ENABLE REPLICA} for one enabled otherwise, {@code ENABLE ALWAYS}
   * for each TRUNCATE or marker trigger enabled as by default; on the tables this role owns (or is a member of the
   * owner of): {@code ALTER TABLE … ENABLE … TRIGGER} needs that, where creating a trigger needs only the TRIGGER
   * privilege. Run after the triggers are created.
   */
  private static List<String> replicaDdl(Connection c, long relid) throws SQLException {
    return replicaPlan(c, relid).ddl();
  }

  /**
   * {@link #replicaDdl}, and whether a replica trigger was found enabled as by default or always: the mark of {@code
   * ENABLE TRIGGER ALL} or {@code USER}.
   */
  private record ReplicaPlan(List<String> ddl, boolean enabledAnew) {
  }

  private static ReplicaPlan replicaPlan(Connection c, long relid) throws SQLException {
    List<String> ddl = new ArrayList<>();
    boolean enabledAnew = false;
    if (!replicaFunctionExists(c, relid)) {
      ddl.addAll(CapturePrinter.createReplicaFunction(relid));
    }
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.REPLICA_MISSING)) {
      s.setLong(1, relid);
      s.setLong(2, relid);
      s.setString(3, CaptureCatalogSql.replicaFunctionSignature(relid));
      s.setString(4, CaptureCatalogSql.replicaFunctionSignature(relid));
      s.setString(5, CaptureCatalogSql.truncateFunctionSignature(relid));
      s.setLong(6, relid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          enabledAnew |= rs.getString(4).equals("replica");
          ddl.addAll(switch (rs.getString(4)) {
            case "create" -> CapturePrinter.createReplicaTrigger(relid, rs.getString(1), rs.getString(2));
            case "replica" -> List.of(CapturePrinter.enableReplica(rs.getString(3), rs.getString(1), rs.getString(2)));
            default -> List.of(CapturePrinter.enableAlways(rs.getString(3), rs.getString(1), rs.getString(2)));
          });
        }
      }
    }
    return new ReplicaPlan(ddl, enabledAnew);
  }

  private static boolean replicaFunctionExists(Connection c, long relid) throws SQLException {
    return functionCount(c, List.of(CapturePrinter.replicaFunctionName(relid))) == 1;
  }

  /** Whether a logical replication subscription writes the source or a partition or child of it. */
  private static boolean subscribed(Connection c, long relid) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.SUBSCRIBED)) {
      s.setLong(1, relid);
      s.setLong(2, relid);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * The triggers calling the source's TRUNCATE function on other tables, related or no longer, and its replica
   * function on any table ({@link CaptureCatalogSql#MARKER_TRIGGERS}): each table's schema and name, and the
   * trigger's name.
   */
  private static List<List<String>> markerTriggers(Connection c, long relid) throws SQLException {
    List<List<String>> triggers = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.MARKER_TRIGGERS)) {
      s.setString(1, CapturePrinter.functionName(relid, CaptureEvent.TRUNCATE));
      s.setLong(2, relid);
      s.setString(3, CapturePrinter.replicaFunctionName(relid));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          triggers.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    return triggers;
  }

  /** Records the tables related to the source as they are now ({@link CaptureCatalogSql#RECORD_RELATED}). */
  private static void recordRelated(Connection c, long relid, String sql) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, relid);
      s.executeUpdate();
    }
  }

  /**
   * A table recorded as related to the source that is no longer so: its schema and name, empty when it was dropped;
   * whether it was a partition or child (else an ancestor).
   */
  private record LostTable(long relid, Optional<List<String>> name, boolean descendant) {
  }

  /** The recorded descendants, then ancestors, of the source that are no longer so ({@link CaptureCatalogSql#LOST_RELATED}). */
  private static List<LostTable> lostRelated(Connection c, long relid) throws SQLException {
    List<LostTable> lost = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.LOST_RELATED)) {
      s.setLong(1, relid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Optional<List<String>> name = rs.getString(3) == null ? Optional.empty()
              : Optional.of(List.of(rs.getString(2), rs.getString(3)));
          lost.add(new LostTable(rs.getLong(1), name, rs.getBoolean(4)));
        }
      }
    }
    return lost;
  }

  /**
   * Schema and name of each table related to the source (its partitions and inheritance children at
   * any level, its ancestors) that lacks the source's marker trigger.
   */
  private static List<List<String>> relatedWithoutMarker(Connection c, long relid) throws SQLException {
    List<List<String>> missing = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.RELATED_TABLES)) {
      s.setLong(1, relid);
      s.setString(2, CaptureCatalogSql.truncateFunctionSignature(relid));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (!rs.getBoolean(3)) {
            missing.add(List.of(rs.getString(1), rs.getString(2)));
          }
        }
      }
    }
    return missing;
  }

  private static boolean readsByPosition(Connection c, long relid) throws SQLException {
    return insertFunctionHolds(c, relid, CapturePrinter.BY_POSITION_MARK);
  }

  /** Whether the source's capture functions follow DDL on its columns (see reconcile). */
  private static boolean followsDdl(Connection c, long relid) throws SQLException {
    return insertFunctionHolds(c, relid, CapturePrinter.FOLLOWS_DDL_MARK);
  }

  /** Whether the source's INSERT capture function holds {@code mark}: which Freshet wrote it, and how. */
  private static boolean insertFunctionHolds(Connection c, long relid, String mark) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CapturePrinter.FUNCTION_HOLDS)) {
      s.setString(1, CapturePrinter.functionName(relid, CaptureEvent.INSERT));
      s.setString(2, "%" + mark + "%");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static String guardName(long relid) {
    return CapturePrinter.guardView(relid);
  }

  private static boolean guardExists(Connection c, long relid) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.GUARD_EXISTS)) {
      s.setString(1, guardName(relid));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * What a source's capture will hold ({@code captured}) and the DDL that gets it there; {@code layout}
   * when that DDL writes the capture functions anew (for that layout).
   */
  private record Plan(List<String> captured, List<String> ddl, Optional<Layout> layout) {
  }

  private static Plan plan(Connection c, long relid, String sourceSchema, String sourceTable,
      Collection<String> columns) throws SQLException {
    String source = Quoting.qualified(sourceSchema, sourceTable);
    Map<String, CapturedColumn> sourceColumns = sourceColumns(c, relid);
    List<String> missing = columns.stream().filter(name -> !sourceColumns.containsKey(name)).distinct().toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(source + " has no column " + String.join(", ",
          missing.stream().map(Quoting::identifier).toList()));
    }
    List<String> buffered = bufferColumns(c, CapturePrinter.bufferTable(relid));
    boolean bufferExists = !buffered.isEmpty();
    List<String> captured = buffered.stream().filter(name -> !CapturePrinter.BUFFER_COLUMNS.contains(name)).toList();
    List<String> gone = captured.stream().filter(name -> !sourceColumns.containsKey(name)).toList();
    if (!gone.isEmpty()) {
      throw new IllegalStateException("change buffer " + CapturePrinter.qualifiedBufferTable(relid) + " captures "
          + String.join(", ", gone.stream().map(Quoting::identifier).toList()) + ", which " + source
          + " no longer has: the source's columns were dropped or renamed under its stream tables");
    }

    Set<String> wanted = new LinkedHashSet<>(columns);
    wanted.addAll(primaryKey(c, relid));
    List<CapturedColumn> added = sourceColumns.values().stream()
        .filter(column -> wanted.contains(column.name()) && !captured.contains(column.name()))
        .toList();
    List<String> capturedAfter = Stream.concat(captured.stream(), added.stream().map(CapturedColumn::name)).toList();

    List<String> ddl = new ArrayList<>();
    if (!bufferExists) {
      ddl.addAll(CapturePrinter.createBuffer(relid, sourceSchema, sourceTable, added));
    } else if (!added.isEmpty()) {
      ddl.add(CapturePrinter.addColumns(relid, added));
    }
    Optional<Layout> layout = Optional.empty();
    if (!bufferExists || !added.isEmpty() || !functionsExist(c, relid)) {
      if (bufferExists && !guardExists(c, relid)) {
        // the guard is rebuilt here, so reconcile will not see it was gone: mark as it would (see there)
        ddl.add(CapturePrinter.truncateMarker(relid));
      }
      List<String> order = List.copyOf(sourceColumns.keySet());
      List<SourceAttribute> attributes = sourceAttributes(c, relid);
      ddl.addAll(CapturePrinter.createGuard(relid, sourceSchema, sourceTable,
          CapturePrinter.guardedColumns(capturedAfter, order)));
      ddl.addAll(CapturePrinter.createFunctions(relid, capturedAfter, attributes));
      layout = Optional.of(Layout.of(capturedAfter, attributes));
    }
    Map<CaptureEvent, List<String>> triggers = captureTriggers(c, relid);
    for (CaptureEvent event : CaptureEvent.values()) {
      if (!triggers.containsKey(event)) {
        ddl.add(CapturePrinter.createTrigger(relid, sourceSchema, sourceTable, event));
      }
    }
    for (List<String> related : relatedWithoutMarker(c, relid)) { // a new buffer: see reconcile otherwise
      ddl.add(CapturePrinter.createMarkerTrigger(relid, related.get(0), related.get(1)));
    }
    return new Plan(capturedAfter, ddl, layout);
  }

  /**
   * Blocks writes to the source (not reads) until the transaction ends. {@code ONLY}: a statement on a
   * partition or inheritance child fires that table's statement triggers, not the parent's.
   */
  private static void lockSource(Connection c, List<String> source) throws SQLException {
    execute(c, List.of(TableDdlPrinter.lock(List.of(source), TableDdlPrinter.LockMode.SHARE_ROW_EXCLUSIVE, true)));
  }

  /** The change buffer recorded for the source with relation id {@code relid}, if any. */
  public static Optional<ChangeBuffer> find(Connection c, long relid) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.FIND_BUFFER)) {
      s.setLong(1, relid);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new ChangeBuffer(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
            strings(rs.getArray(5))));
      }
    }
  }

  /**
   * Removes capture from the source with relation id {@code relid} (its triggers, functions, buffer
   * and {@code freshet.change_buffers} row) if no row of {@code freshet.stream_table_sources} names it
   * any more. Works after the source was dropped too.
   *
   * @return whether anything was removed; false when the source is still read, or was not captured
   */
  public static boolean releaseIfUnused(Connection c, long relid) throws SQLException {
    requireTransaction(c, "releaseIfUnused");
    if (inUse(c, relid)) {
      return false;
    }
    // Lock order as in ensure: the source (if it still exists), then the advisory lock; then look again.
    Optional<List<String>> sourceName = relationName(c, relid);
    if (sourceName.isPresent() && hasCaptureTriggers(c, relid)) {
      lockSource(c, sourceName.get());
    }
    lock(c, relid);
    if (inUse(c, relid)) {
      return false;
    }
    boolean recorded = find(c, relid).isPresent();
    boolean bufferExists = !bufferColumns(c, CapturePrinter.bufferTable(relid)).isEmpty();
    boolean triggered = hasCaptureTriggers(c, relid);
    if (!recorded && !bufferExists && !triggered && !functionsExist(c, relid)) {
      return false;
    }
    List<String> ddl = new ArrayList<>();
    if (triggered && sourceName.isPresent()) {
      ddl.addAll(CapturePrinter.dropTriggers(sourceName.get().get(0), sourceName.get().get(1)));
      // one renamed by a user, which the function it calls would otherwise keep from being dropped
      for (List<String> names : captureTriggers(c, relid).values()) {
        for (String name : names) {
          if (Stream.of(CaptureEvent.values()).noneMatch(e -> e.triggerName().equals(name))) {
            ddl.add(CapturePrinter.dropMarkerTrigger(name, sourceName.get().get(0), sourceName.get().get(1)));
          }
        }
      }
    }
    // Marker triggers of related tables (also of tables related no longer) call the TRUNCATE function.
    for (List<String> trigger : markerTriggers(c, relid)) {
      ddl.add(CapturePrinter.dropMarkerTrigger(trigger.get(2), trigger.get(0), trigger.get(1)));
    }
    ddl.addAll(CapturePrinter.dropFunctionsAndBuffer(relid));
    try {
      execute(c, ddl);
    } catch (SQLException e) {
      if (!"42501".equals(e.getSQLState()) || sourceName.isEmpty()) {
        throw e;
      }
      // TRIGGER lets a role create triggers on a table, not drop them: PostgreSQL's "must be owner of
      // relation t" would not say why dropping a stream table touches the user's table
      String source = Quoting.qualified(sourceName.get());
      throw new SQLException("cannot remove the change capture of " + source + " (" + e.getMessage() + "): the "
          + "last stream table reading a table takes its capture triggers with it, and only the table's owner or "
          + "a member of its role may drop them; nothing was dropped. Run this as the owner of " + source
          + ", or let the role that runs Freshet own it (ALTER TABLE " + source + " OWNER TO …)", "42501", e);
    }
    try (PreparedStatement s = c.prepareStatement(CapturePrinter.FORGET_BUFFER)) {
      s.setLong(1, relid);
      s.executeUpdate();
    }
    return true;
  }

  /**
   * Deletes the buffered changes of the source with relation id {@code relid} that every consumer
   * has applied: those whose {@code __xid} is visible in the stored {@code last_snapshot} of every
   * stream table that reads the source. A consumer not yet populated (NULL snapshot) keeps all rows.
   *
   * @return the number of rows deleted; 0 when the source has no buffer
   */
  public static long cleanup(Connection c, long relid) throws SQLException {
    requireTransaction(c, "cleanup");
    lock(c, relid);
    if (bufferColumns(c, CapturePrinter.bufferTable(relid)).isEmpty()) {
      return 0;
    }
    String horizon;
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.CLEANUP_HORIZON)) {
      s.setLong(1, relid);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        horizon = rs.getString(1);
      }
    }
    if (horizon == null) {
      return 0; // no consumer has read anything yet
    }
    try (Statement s = c.createStatement()) {
      s.execute(RefreshSessionSql.NO_JIT);
    }
    try (PreparedStatement s = c.prepareStatement(CapturePrinter.cleanup(relid))) {
      s.setString(1, horizon);
      s.setString(2, horizon);
      s.setLong(3, relid);
      s.setLong(4, relid);
      return s.executeLargeUpdate();
    }
  }

  private static boolean inUse(Connection c, long relid) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.SOURCE_IN_USE)) {
      s.setLong(1, relid);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Schema and name of the table with relation id {@code relid}, if it still exists. */
  public static Optional<List<String>> relationName(Connection c, long relid) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.RELATION_NAME)) {
      s.setLong(1, relid);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(List.of(rs.getString(1), rs.getString(2))) : Optional.empty();
      }
    }
  }

  /** The advisory lock key of a source: "FRCP" in the high word, the relation id in the low. */
  static long lockKey(long relid) {
    return LOCK_CLASS | relid;
  }

  private static void lock(Connection c, long relid) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(RefreshSessionSql.WAIT_FOR_KEY_LOCK)) {
      s.setLong(1, lockKey(relid));
      s.execute();
    }
  }

  private static long resolve(Connection c, String schema, String table, String source) throws SQLException {
    long relid;
    String relkind;
    String persistence;
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.RESOLVE_SOURCE)) {
      s.setString(1, schema);
      s.setString(2, table);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("table " + source + " does not exist (names are exact and "
              + "case-sensitive)");
        }
        relid = rs.getLong(1);
        relkind = rs.getString(2);
        persistence = rs.getString(3);
      }
    }
    if (persistence.equals("t")) {
      throw new IllegalArgumentException(source + " is a temporary table, which only its own session sees; "
          + "it cannot be a source");
    }
    if (schema.startsWith("pg_") || schema.equals("information_schema")) {
      throw new IllegalArgumentException(source + " is a system catalog; Freshet cannot capture its changes");
    }
    if (schema.equals("freshet") || schema.equals(CapturePrinter.CHANGES_SCHEMA)) {
      throw new IllegalArgumentException(source + " belongs to Freshet's own catalog and cannot be a source");
    }
    String kind = switch (relkind) {
      case "r", "p" -> null;
      case "v" -> "a view";
      case "m" -> "a materialized view";
      case "f" -> "a foreign table";
      case "S" -> "a sequence";
      case "i", "I" -> "an index";
      case "c" -> "a composite type";
      case "t" -> "a TOAST table";
      default -> "a relation of kind '" + relkind + "'";
    };
    if (kind != null) {
      throw new IllegalArgumentException(source + " is " + kind + "; Freshet captures changes only of ordinary "
          + "and partitioned tables, so it cannot be a source");
    }
    return relid;
  }

  /** The source's columns by name, in column order, with the types a buffer gives them. */
  private static Map<String, CapturedColumn> sourceColumns(Connection c, long relid) throws SQLException {
    Map<String, CapturedColumn> columns = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.SOURCE_COLUMNS)) {
      s.setLong(1, relid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String collationSchema = rs.getString(3);
          List<String> collation = collationSchema == null ? List.of() : List.of(collationSchema, rs.getString(4));
          columns.put(name, new CapturedColumn(name, rs.getString(2), collation));
        }
      }
    }
    return columns;
  }

  private static List<String> primaryKey(Connection c, long relid) throws SQLException {
    return names(c, CaptureCatalogSql.PRIMARY_KEY, s -> s.setLong(1, relid));
  }

  /** The buffer's columns with their types and collations, as {@link #sourceColumns} gives a source's. */
  private static Map<String, CapturedColumn> bufferColumnTypes(Connection c, long relid) throws SQLException {
    Map<String, CapturedColumn> types = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.BUFFER_COLUMN_TYPES)) {
      s.setString(1, CapturePrinter.bufferTable(relid));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String collationSchema = rs.getString(3);
          List<String> collation = collationSchema == null ? List.of() : List.of(collationSchema, rs.getString(4));
          types.put(rs.getString(1), new CapturedColumn(rs.getString(1), rs.getString(2), collation));
        }
      }
    }
    return types;
  }

  /** All columns of the buffer table, its own first; empty when it does not exist. */
  private static List<String> bufferColumns(Connection c, String bufferTable) throws SQLException {
    return names(c, CaptureCatalogSql.BUFFER_TABLE_COLUMNS, s -> s.setString(1, bufferTable));
  }

  private static boolean hasCaptureTriggers(Connection c, long relid) throws SQLException {
    return !captureTriggers(c, relid).isEmpty();
  }

  /**
   * The triggers on the source that call each of its capture functions, by event, whatever their names: a user may
   * rename one, which goes on capturing (events without a trigger are absent).
   */
  private static Map<CaptureEvent, List<String>> captureTriggers(Connection c, long relid) throws SQLException {
    Map<String, CaptureEvent> byFunction = new HashMap<>();
    for (CaptureEvent event : CaptureEvent.values()) {
      byFunction.put(CapturePrinter.functionName(relid, event), event);
    }
    Map<CaptureEvent, List<String>> triggers = new java.util.EnumMap<>(CaptureEvent.class);
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.CAPTURE_TRIGGERS)) {
      s.setLong(1, relid);
      s.setArray(2, c.createArrayOf("text", byFunction.keySet().toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          triggers.computeIfAbsent(byFunction.get(rs.getString(2)), e -> new ArrayList<>()).add(rs.getString(1));
        }
      }
    }
    return triggers;
  }

  private static boolean functionsExist(Connection c, long relid) throws SQLException {
    return functionCount(c, Stream.of(CaptureEvent.values())
        .map(event -> CapturePrinter.functionName(relid, event)).toList()) == CaptureEvent.values().length;
  }

  /** How many of the functions {@code names} (without arguments) schema freshet_changes holds. */
  private static int functionCount(Connection c, List<String> names) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CaptureCatalogSql.CAPTURE_FUNCTION_COUNT)) {
      s.setArray(1, c.createArrayOf("text", names.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  private static List<String> names(Connection c, String sql, Binder binder) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  private static List<String> strings(Array array) throws SQLException {
    try {
      return List.of((String[]) array.getArray());
    } finally {
      array.free();
    }
  }

  private static void execute(Connection c, List<String> statements) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static void requireTransaction(Connection c, String method) throws SQLException {
    if (c.getAutoCommit()) {
      throw new IllegalStateException("ChangeCapture." + method + " runs inside the caller's transaction: "
          + "turn auto-commit off first");
    }
  }
}
