package dev.freshet.runtime.catalog;

import dev.freshet.codegen.ddl.CaptureCatalogSql;
import dev.freshet.codegen.program.CatalogVersionSql;
import dev.freshet.codegen.program.RefreshInstallSql;
import dev.freshet.codegen.program.RefreshSessionSql;

import dev.freshet.runtime.jdbc.Transactions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Creates and upgrades Freshet's catalog (schemas {@code freshet} and {@code freshet_changes}) with
 * versioned SQL migrations, {@code V<n>__<description>.sql} resources next to this class, applied in
 * the order of {@link #RESOURCES}; the step that reaches {@link #LATEST} also installs the refresh functions
 * as this version runs them ({@code R__refresh_functions.sql}), kept there once instead of copied into
 * every migration that changes one.
 *
 * <p>Each pending migration runs in its own {@code READ COMMITTED} transaction that first takes a
 * transaction-level advisory lock with a fixed key, then reads the version again, applies the
 * migration and records it in {@code freshet.schema_version}. Two processes migrating one database
 * at once therefore apply each migration exactly once; the later one finds the work done.
 *
 * <p>The version is read from the catalog tables by query ({@code pg_class}), never by resolving the
 * name {@code freshet.schema_version} first: a session that looked the name up before another
 * session created it may still hold a cached "does not exist" until it processes invalidations.
 */
public final class CatalogMigrations {

  /** The migrations, in order; the n-th must be {@code V<n>__…}. Append only, never edit a released one. */
  private static final List<String> RESOURCES = List.of("V1__catalog.sql", "V2__stream_table_search_path.sql",
      "V3__state_tables.sql", "V4__refresh_in_postgres.sql", "V5__direct_write_guard.sql",
      "V6__jsonb_identity.sql", "V7__suspension.sql",
      "V8__history_retention.sql",
      "V9__keep_suspension.sql", "V10__change_times.sql", "V11__refresh_choice_and_ownership.sql",
      "V12__empty_window_fixed_cost.sql", "V13__drop_detection.sql",
      "V14__hashed_change_tables.sql", "V15__source_ddl.sql", "V16__window_probes.sql",
      "V17__refresh_reasons.sql", "V18__type_and_policy_ddl.sql", "V19__session_settings.sql",
      "V20__type_ddl_without_event_trigger.sql", "V21__source_rename_refused.sql",
      "V22__refresh_without_jit.sql", "V23__join_order_trials.sql", "V24__alter_history_and_schedule_units.sql",
      "V25__query_read_columns.sql", "V26__source_column_ddl_named.sql",
      "V27__unread_column_ddl.sql", "V28__join_order_per_statement.sql",
      "V29__delta_term_pieces.sql", "V30__large_change_tables_unindexed.sql",
      "V31__refresh_in_one_call.sql", "V32__auto_override.sql", "V33__single_kind_windows_unconsolidated.sql",
      "V34__small_windows_as_printed.sql", "V35__empty_state_changes_pruned.sql",
      "V36__source_bits_once.sql", "V37__session_programs.sql", "V38__groups_fill_factor.sql", "V39__plan_revision.sql",
      "V40__checks_in_one_query.sql", "V41__shared_windows.sql",
      "V42__refresh_from_sql_goes_on.sql", "V43__join_order_decided_sooner.sql",
      "V44__related_tables_recorded.sql", "V45__uncaptured_writes_seen.sql");

  private static final List<Migration> MIGRATIONS = parse(RESOURCES);

  /**
   * The refresh functions as this version runs them ({@code CREATE OR REPLACE}), applied in the
   * transaction of the step that brings a catalog to {@link #LATEST}: the migrations keep the tables, this
   * script each function's one current text. Changing it needs a new migration step all the same, so that
   * older catalogs are upgraded and get it.
   */
  private static final String FUNCTIONS = "R__refresh_functions.sql";

  /** The catalog version this Freshet creates and understands. */
  public static final int LATEST = MIGRATIONS.size();

  /** Advisory lock key: "FRMG" in the high word, so it cannot meet the per-source capture locks ("FRCP"). */
  private static final long LOCK_KEY = 0x46524D47_00000000L;

  private CatalogMigrations() {
  }

  /** One migration: its version, its description (from the file name) and its SQL resource. */
  record Migration(int version, String description, String resource) {

    private static final Pattern NAME = Pattern.compile("V([1-9][0-9]*)__([A-Za-z0-9_]+)\\.sql");

    static Migration of(String resource) {
      Matcher m = NAME.matcher(resource);
      if (!m.matches()) {
        throw new IllegalStateException("migration resource " + resource + " is not named V<n>__<description>.sql");
      }
      return new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), resource);
    }

    String sql() {
      return read(resource);
    }

    static String read(String resource) {
      try (InputStream in = CatalogMigrations.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("migration resource " + resource + " is missing from the class path");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read migration " + resource, e);
      }
    }
  }

  private static List<Migration> parse(List<String> resources) {
    List<Migration> migrations = resources.stream().map(Migration::of).toList();
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalStateException("migration " + migrations.get(i).resource() + " is listed at position "
            + (i + 1) + "; versions must be 1, 2, 3, … in list order");
      }
    }
    return migrations;
  }

  /** A migration as a user sees it: the version it brings the catalog to, and what it is for. */
  public record Step(int version, String description) {
  }

  /** Told of each migration as it is committed, with the time it took. */
  @FunctionalInterface
  public interface Progress {
    void applied(Step step, long millis);
  }

  /**
   * The catalog version of the database {@code c} is connected to, which must be {@link #LATEST} or 0 (no
   * catalog yet: the caller decides whether to create one).
   *
   * @throws CatalogTooOldException if an older Freshet created it ({@code freshet migrate} upgrades it)
   * @throws CatalogTooNewException if a newer Freshet did
   */
  public static int require(Connection c) throws SQLException {
    int current = readVersion(c);
    refuseIfNewer(current);
    if (current > 0 && current < LATEST) {
      throw new CatalogTooOldException(current, LATEST);
    }
    return current;
  }

  /** The migrations {@link #migrate} would apply to the database {@code c} is connected to, in order. */
  public static List<Step> pending(Connection c) throws SQLException {
    int current = readVersion(c);
    refuseIfNewer(current);
    return MIGRATIONS.subList(current, LATEST).stream().map(m -> new Step(m.version(), m.description())).toList();
  }

  /** {@link #migrate(Connection)}, telling {@code progress} of each migration it applies. */
  public static int migrate(Connection c, Progress progress) throws SQLException {
    return migrate(c, LATEST, progress);
  }

  /**
   * Brings the catalog to {@link #LATEST} and returns that version. A no-op when it is already there.
   *
   * <p>Call it outside any transaction: it commits each migration itself. The connection's
   * auto-commit mode and isolation level are restored afterwards.
   *
   * @throws CatalogTooNewException if the database was migrated by a newer Freshet
   * @throws IllegalStateException if the connection has a transaction in progress
   */
  public static int migrate(Connection c) throws SQLException {
    return migrate(c, LATEST);
  }

  /** Applies the migrations up to {@code target} (for tests of upgrade paths); never downgrades. */
  static int migrate(Connection c, int target) throws SQLException {
    return migrate(c, target, (step, millis) -> { });
  }

  private static int migrate(Connection c, int target, Progress progress) throws SQLException {
    if (target < 0 || target > LATEST) {
      throw new IllegalArgumentException("target version " + target + " is not between 0 and " + LATEST);
    }
    requireNoTransaction(c);
    boolean autoCommit = c.getAutoCommit();
    try {
      // A committed read of the version after the lock must see what the lock's previous holder
      // committed; REPEATABLE READ would keep the snapshot taken before waiting. Every transaction says
      // so itself (no session setting: a pooler in transaction mode would not keep it).
      Transactions.begin(c, Connection.TRANSACTION_READ_COMMITTED);
      try {
        int current = readVersion(c);
        c.commit();
        refuseIfNewer(current);
        while (current < target) {
          Transactions.setIsolation(c, Connection.TRANSACTION_READ_COMMITTED);
          try (PreparedStatement lock = c.prepareStatement(RefreshSessionSql.WAIT_FOR_KEY_LOCK)) {
            lock.setLong(1, LOCK_KEY);
            lock.execute();
          }
          current = readVersion(c);
          refuseIfNewer(current);
          Migration applied = null;
          long start = System.nanoTime();
          if (current < target) {
            applied = MIGRATIONS.get(current);
            apply(c, applied);
            current = applied.version();
            if (current == LATEST) {
              applyFunctions(c);
              updateReconcileChecks(c);
            }
          }
          c.commit();
          if (applied != null) {
            progress.applied(new Step(applied.version(), applied.description()),
                (System.nanoTime() - start) / 1_000_000);
          }
        }
        return current;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * The catalog version of the database {@code c} is connected to: 0 when Freshet's catalog does not
   * exist. Runs in the caller's transaction, if any.
   */
  public static int currentVersion(Connection c) throws SQLException {
    return readVersion(c);
  }

  private static int readVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(CatalogVersionSql.VERSION_TABLE_EXISTS)) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return 0;
        }
      }
      try (ResultSet rs = s.executeQuery(CatalogVersionSql.MAX_VERSION)) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void apply(Connection c, Migration migration) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(migration.sql());
    } catch (SQLException e) {
      throw new SQLException("catalog migration " + migration.resource() + " failed: "
          + dev.freshet.runtime.jdbc.DatabaseErrors.message(e),
          e.getSQLState(), e);
    }
    try (PreparedStatement record = c.prepareStatement(CatalogVersionSql.RECORD_VERSION)) {
      record.setInt(1, migration.version());
      record.setString(2, migration.description());
      record.executeUpdate();
    }
  }

  private static void applyFunctions(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(Migration.read(FUNCTIONS));
    } catch (SQLException e) {
      throw new SQLException("catalog functions " + FUNCTIONS + " failed: "
          + dev.freshet.runtime.jdbc.DatabaseErrors.message(e), e.getSQLState(), e);
    }
  }

  /**
   * Every installed stream table's capture check, printed by this version: a stream table keeps the text it was
   * installed with, and a step that changes what it must check (V44: partitions and children removed) would otherwise
   * reach only those that are reinstalled ({@code freshet migrate} reinstalls the DIFFERENTIAL ones' programs).
   */
  private static void updateReconcileChecks(Connection c) throws SQLException {
    String check = CaptureCatalogSql.needingReconcileArray();
    try (PreparedStatement s = c.prepareStatement(RefreshInstallSql.UPDATE_RECONCILE_CHECKS)) {
      s.setString(1, check);
      s.setString(2, check);
      s.executeUpdate();
    }
  }

  private static void refuseIfNewer(int current) throws CatalogTooNewException {
    if (current > LATEST) {
      throw new CatalogTooNewException(current, LATEST);
    }
  }

  private static void requireNoTransaction(Connection c) throws SQLException {
    if (c.isWrapperFor(BaseConnection.class)
        && c.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
      throw new IllegalStateException("catalog migrations commit their own transactions: call migrate "
          + "outside any transaction (commit or roll back first)");
    }
  }
}
