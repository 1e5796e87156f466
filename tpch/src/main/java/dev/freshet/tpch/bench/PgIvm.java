package dev.freshet.tpch.bench;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.UserException;
import dev.freshet.runtime.oracle.BagComparison;
import dev.freshet.tpch.TpchQueries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * pg_ivm (github.com/sraoss/pg_ivm), the peer {@code freshet bench --pg-ivm} measures Freshet against: an
 * extension that maintains a materialized view (an IMMV) inside every writing transaction, by triggers on its
 * sources. This class checks it is there, creates an IMMV per TPC-H query ({@code ivm_qNN}, the query without
 * its final ORDER BY, which IMMVs do not take), switches its maintenance off and on, and compares each IMMV with
 * its query.
 *
 * <p>Off means its triggers disabled by name ({@code ALTER TABLE … DISABLE TRIGGER "IVM_trigger_…"}): they are
 * internal triggers, which PostgreSQL lets only a superuser disable, so the peer needs a superuser. An IMMV whose
 * triggers were off while its sources changed is stale; the benchmark only does that when it puts the rows back
 * before switching them on again.
 */
public final class PgIvm {

  /** The final ORDER BY of a TPC-H query (none of them has a parenthesis or quote after it). */
  private static final Pattern FINAL_ORDER_BY = Pattern.compile("(?is)\\s+order\\s+by\\s+[^()']*$");

  private PgIvm() {
  }

  /**
   * Refuses, naming the fix, unless pg_ivm can be used on this connection: the extension installed on the
   * server, the role a superuser; creates the extension in this database when the server has it but the
   * database does not, and loads the library into this session (as {@code session_preload_libraries} would).
   * Returns the extension's version.
   */
  public static String require(Connection c) throws SQLException {
    String server = scalar(c, "SELECT current_setting('server_version')");
    Optional<String> available = optional(c, "SELECT default_version FROM pg_available_extensions "
        + "WHERE name = 'pg_ivm'");
    if (available.isEmpty()) {
      throw new UserException(ExitCode.REFUSED, "--pg-ivm: the extension pg_ivm is not installed on this server "
          + "(PostgreSQL " + server + "): build and install it from https://github.com/sraoss/pg_ivm "
          + "('make install' with the server's pg_config; Debian: postgresql-server-dev-"
          + server.replaceAll("\\..*", "") + "), then run again, or leave out --pg-ivm. The embedded PostgreSQL "
          + "has no pg_ivm: name a server that has it with --jdbc-url");
    }
    if (!Boolean.parseBoolean(scalar(c, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"))) {
      throw new UserException(ExitCode.REFUSED, "--pg-ivm switches pg_ivm's maintenance off and on by disabling "
          + "its internal triggers, which PostgreSQL allows only a superuser: connect as one (--jdbc-url with "
          + "user=postgres), or leave out --pg-ivm");
    }
    try (Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_ivm");
      // pg_ivm asks to be preloaded (shared_ or session_preload_libraries); loading it now has the same effect
      s.execute("LOAD 'pg_ivm'");
    }
    return scalar(c, "SELECT extversion FROM pg_extension WHERE extname = 'pg_ivm'");
  }

  /** {@code ivm_q05}: the IMMV of query 5. */
  public static String name(int query) {
    return "ivm_" + TpchQueries.name(query);
  }

  /** The query as an IMMV takes it: the TPC-H text without its final ORDER BY. */
  public static String immvQuery(int query) {
    return FINAL_ORDER_BY.matcher(TpchQueries.get(query).sql()).replaceFirst("");
  }

  /**
   * Creates the IMMV of {@code query} (populated: as long as the query takes), dropping one of the same name
   * an earlier run left; returns why pg_ivm refused it, if it did.
   */
  public static Optional<String> create(Connection c, int query) throws SQLException {
    drop(c, query);
    try (PreparedStatement ps = c.prepareStatement("SELECT pgivm.create_immv(?, ?)")) {
      ps.setString(1, Quoting.qualified("public", name(query)));
      ps.setString(2, immvQuery(query));
      ps.executeQuery().close();
      return Optional.empty();
    } catch (SQLException e) {
      return Optional.of(MaintenanceRun.firstLine(e));
    }
  }

  /** Drops the IMMV of {@code query} if it exists (and is an IMMV: a table of that name of the user's stays). */
  public static void drop(Connection c, int query) throws SQLException {
    String table = Quoting.qualified("public", name(query));
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM pgivm.pg_ivm_immv WHERE immvrelid = to_regclass(?)")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return;
        }
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + table);
    }
  }

  /** Enables or disables every pg_ivm trigger in the database: its in-transaction maintenance on or off. */
  public static void maintain(Connection c, boolean on) throws SQLException {
    List<String> statements = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT n.nspname, r.relname, t.tgname
        FROM pg_trigger t
        JOIN pg_proc p ON p.oid = t.tgfoid
        JOIN pg_namespace pn ON pn.oid = p.pronamespace
        JOIN pg_class r ON r.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = r.relnamespace
        WHERE pn.nspname = 'pgivm'
        ORDER BY 1, 2, 3""")) {
      while (rs.next()) {
        statements.add("ALTER TABLE " + Quoting.qualified(rs.getString(1), rs.getString(2))
            + (on ? " ENABLE" : " DISABLE") + " TRIGGER " + Quoting.identifier(rs.getString(3)));
      }
    }
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /**
   * The IMMV of {@code query} against the query run now, as a multiset over the query's columns (the IMMV's
   * hidden {@code __ivm_*} counters left out).
   */
  public static BagComparison.Result verify(Connection c, int query) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT attname FROM pg_attribute
        WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_\\_ivm\\_%'
        ORDER BY attnum""")) {
      ps.setString(1, Quoting.qualified("public", name(query)));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(Quoting.identifier(rs.getString(1)));
        }
      }
    }
    return BagComparison.compare(c, immvQuery(query), "SELECT " + String.join(", ", columns) + " FROM "
        + Quoting.qualified("public", name(query)));
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    return optional(c, sql).orElseThrow(() -> new SQLException("no row: " + sql));
  }

  private static Optional<String> optional(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
    }
  }
}
