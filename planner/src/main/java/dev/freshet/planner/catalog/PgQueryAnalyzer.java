package dev.freshet.planner.catalog;

import dev.freshet.planner.InvalidQueryException;
import dev.freshet.planner.QueryText;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.parse.LongIdentifiers;
import dev.freshet.planner.sql.Quoting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Describes a defining query as PostgreSQL itself reads it, without Calcite: PostgreSQL validates it,
 * names and types its columns, and lists every relation it reads (through views, down to their base
 * tables) and every function it calls that is not immutable. A FULL stream table needs nothing more:
 * it is stored as written and recomputed by PostgreSQL, so every query PostgreSQL accepts can be one.
 *
 * <p>How: the query becomes a temporary view inside a savepoint (or a transaction of its own) that is
 * always rolled back. The view's columns are the query's; its rewrite rule's dependencies
 * ({@code pg_depend}) are the relations it reads; its stored query tree names each function it calls
 * ({@code :funcid}, {@code :opfuncid}, {@code :aggfnoid}, {@code :winfnoid}), including the built-in ones
 * that {@code pg_depend} leaves out.
 */
public final class PgQueryAnalyzer {

  /** A column of the query's result, with PostgreSQL's name and type ({@code format_type}). */
  public record Column(String name, String type) {
  }

  /** A relation the query reads, directly or through a view. */
  public record Relation(long oid, String schema, String name, char relkind) {
    /** Ordinary and partitioned tables carry change capture. */
    public boolean capturable() {
      return relkind == 'r' || relkind == 'p';
    }

    public List<String> qualifiedName() {
      return List.of(schema, name);
    }
  }

  /**
   * A function the query (or a view it reads) runs whose result may change without any source change, named as
   * the query wrote it: a call ({@code now()}, {@code current_date}), an operator ({@code timestamp with time
   * zone - interval}, for {@code now() - interval '1 hour'}) or a cast ({@code timestamp with time zone to
   * date}, for {@code at::date}), never by the function that implements the operator or cast
   * ({@code timestamptz_mi_interval()}), which the query does not name.
   */
  public record UnstableFunction(Use use, String name, char volatility) {

    /** How the query runs the function. */
    public enum Use { CALL, OPERATOR, CAST, IMPLICIT_CAST, CLOCK_LITERAL }

    /** {@code calls now() (stable)}, {@code uses the operator timestamp with time zone - interval (stable)}. */
    public String describe() {
      String what = switch (use) {
        case CALL -> "calls " + name;
        case OPERATOR -> "uses the operator " + name;
        case CAST -> "casts " + name;
        case IMPLICIT_CAST -> "casts " + name + " implicitly";
        case CLOCK_LITERAL -> "reads " + name + ", the clock";
      };
      return what + " (" + (volatility == 'v' ? "volatile" : "stable") + ")";
    }
  }

  /**
   * A string constant PostgreSQL reads as the clock ({@code 'today'} read as a date: {@link
   * dev.freshet.planner.admission.ClockLiterals}), found by PostgreSQL's own reading of the query: in a cast, a
   * comparison, a {@code CASE}, a {@code VALUES} list, {@code date 'today'}.
   *
   * @param text the constant as written, quotes included
   * @param type the type PostgreSQL reads it as ({@code date}, {@code timestamp with time zone})
   */
  public record ClockLiteral(String text, String type, SourcePosition position) {
  }

  /**
   * What PostgreSQL makes of a query.
   *
   * @param relations every relation read, views included (their base tables are listed too)
   * @param unstableFunctions calls whose result may change between two refreshes with the sources unchanged
   * @param definition the query as PostgreSQL prints it back ({@code pg_get_viewdef}): two texts with the
   *     same definition are the same query (its stars written out, every name resolved)
   */
  public record Analysis(List<Column> columns, List<Relation> relations, List<UnstableFunction> unstableFunctions,
      String definition, List<ClockLiteral> clockLiterals) {
    public Analysis {
      columns = List.copyOf(columns);
      relations = List.copyOf(relations);
      unstableFunctions = List.copyOf(unstableFunctions);
      clockLiterals = List.copyOf(clockLiterals);
    }

    /** Whether both describe the same query, wherever its constants stand in the text. */
    public boolean sameQuery(Analysis other) {
      return columns.equals(other.columns) && relations.equals(other.relations)
          && unstableFunctions.equals(other.unstableFunctions) && definition.equals(other.definition);
    }

    public List<String> columnNames() {
      return columns.stream().map(Column::name).toList();
    }
  }

  private static final AtomicLong PROBES = new AtomicLong();

  private static final String COLUMNS = """
      SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
      FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = ?::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""";

  // The views reached from the probe (itself included), each through its rewrite rule's dependencies.
  private static final String REACHED = """
      WITH RECURSIVE reached (oid) AS (
        SELECT ?::pg_catalog.oid
        UNION
        SELECT d.refobjid
        FROM reached
        JOIN pg_catalog.pg_class v ON v.oid = reached.oid AND v.relkind = 'v'
        JOIN pg_catalog.pg_rewrite r ON r.ev_class = v.oid
        JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid
          AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid <> v.oid
      )""";

  private static final String RELATIONS = REACHED + """

      SELECT c.oid::pg_catalog.int8, n.nspname, c.relname, c.relkind::pg_catalog.text
      FROM reached
      JOIN pg_catalog.pg_class c ON c.oid = reached.oid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid <> ?::pg_catalog.oid
      ORDER BY c.oid""";

  // Functions run by the query trees of the probe and of the views it reads, unless immutable, each as the query
  // wrote it (its use: 0 a call, 1 an operator, 2 a cast, 3 an implicit cast): a call by the function's
  // name (with no brackets for one written in SQL's syntax without arguments); an operator (:opno, with the function that implements it, :opfuncid) by its name and operand types;
  // a cast (a function call of :funcformat 1 or 2) by its types; and SQL value functions (CURRENT_DATE,
  // CURRENT_USER… before PostgreSQL 16) by their operation code.
  private static final String UNSTABLE = REACHED + """

      , trees (tree) AS (
        SELECT r.ev_action::pg_catalog.text
        FROM reached
        JOIN pg_catalog.pg_class v ON v.oid = reached.oid AND v.relkind = 'v'
        JOIN pg_catalog.pg_rewrite r ON r.ev_class = v.oid
      ),
      runs (function, use, operator, sql_syntax) AS (
        SELECT m[1]::pg_catalog.oid, CASE m[2] WHEN '1' THEN 2 WHEN '2' THEN 3 ELSE 0 END, NULL::pg_catalog.oid,
          m[2] = '3'
        FROM trees CROSS JOIN LATERAL pg_catalog.regexp_matches(trees.tree,
          ':funcid (\\d+) :funcresulttype \\d+ :funcretset \\w+ :funcvariadic \\w+ :funcformat (\\d+)', 'g') AS m
        UNION ALL
        SELECT coalesce(m[1], m[2])::pg_catalog.oid, 0, NULL, false
        FROM trees CROSS JOIN LATERAL pg_catalog.regexp_matches(trees.tree,
          ':(?:aggfnoid|winfnoid) (\\d+)|:funcid (\\d+)(?!\\d| :funcresulttype)', 'g') AS m
        UNION ALL
        SELECT m[2]::pg_catalog.oid, 1, m[1]::pg_catalog.oid, false
        FROM trees CROSS JOIN LATERAL pg_catalog.regexp_matches(trees.tree, ':opno (\\d+) :opfuncid (\\d+)', 'g') AS m
      )
      SELECT DISTINCT runs.use,
             CASE WHEN runs.use = 1 THEN
                    CASE WHEN o.oprleft = 0 THEN '' ELSE pg_catalog.format_type(o.oprleft, NULL) || ' ' END
                    || o.oprname || ' ' || pg_catalog.format_type(o.oprright, NULL)
                  WHEN runs.use IN (2, 3) THEN
                    pg_catalog.format_type(p.proargtypes[0], NULL) || ' to ' || pg_catalog.format_type(p.prorettype, NULL)
                  -- CURRENT_USER, SESSION_USER... (PostgreSQL 16 and later): a function written without brackets
                  WHEN runs.sql_syntax AND p.pronargs = 0 THEN p.proname::pg_catalog.text
                  WHEN n.nspname = 'pg_catalog' THEN p.proname || '()'
                  ELSE pg_catalog.format('%I.%I()', n.nspname, p.proname) END,
             p.provolatile::pg_catalog.text
      FROM runs
      JOIN pg_catalog.pg_proc p ON p.oid = runs.function
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      LEFT JOIN pg_catalog.pg_operator o ON o.oid = runs.operator
      WHERE p.provolatile <> 'i'
      UNION
      -- a cast of text to a date or time type by its input function (CoerceViaIO: s::date), which reads 'today'
      SELECT DISTINCT 2, 'text to ' || pg_catalog.format_type(t.oid, NULL), p.provolatile::pg_catalog.text
      FROM trees
      CROSS JOIN LATERAL pg_catalog.regexp_matches(trees.tree,
        ':resulttype (\\d+) :resultcollid \\d+ :coerceformat', 'g') AS m
      JOIN pg_catalog.pg_type t ON t.oid = m[1]::pg_catalog.oid
      LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
      JOIN pg_catalog.pg_proc p ON p.oid = t.typinput
      WHERE p.provolatile <> 'i' AND (t.typcategory = 'D' OR e.typcategory = 'D')
      UNION
      SELECT DISTINCT 0, 'SQL value function ' || m[1], 's'
      FROM trees
      CROSS JOIN LATERAL pg_catalog.regexp_matches(trees.tree, '\\{SQLVALUEFUNCTION :op (\\d+)', 'g') AS m
      ORDER BY 1, 2""";

  /**
   * PostgreSQL 15's SQLValueFunctionOp, in order: what {@code {SQLVALUEFUNCTION :op N}} stands for, named in
   * lower case as PostgreSQL names functions ({@code now()}).
   */
  private static final List<String> SQL_VALUE_FUNCTIONS = List.of("current_date", "current_time",
      "current_time(n)", "current_timestamp", "current_timestamp(n)", "localtime", "localtime(n)",
      "localtimestamp", "localtimestamp(n)", "current_role", "current_user", "user", "session_user",
      "current_catalog", "current_schema");

  private PgQueryAnalyzer() {
  }

  /**
   * Has PostgreSQL read {@code sql} and describes it. Leaves the connection's transaction state as it
   * was: inside a transaction, works in a savepoint; in auto-commit mode, in a transaction of its own.
   *
   * @param searchPath where unqualified names resolve (set for the analysis only); empty for the session's
   * @throws InvalidQueryException with PostgreSQL's message and position if PostgreSQL refuses it
   */
  public static Analysis analyze(Connection c, String sql, List<String> searchPath) throws SQLException {
    QueryText.requireOneQuery(sql);
    boolean autoCommit = c.getAutoCommit();
    Savepoint savepoint = null;
    if (autoCommit) {
      c.setAutoCommit(false);
    } else {
      savepoint = c.setSavepoint();
    }
    try {
      if (!searchPath.isEmpty()) {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('search_path', "
            + "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(p), ', ') FROM pg_catalog.unnest(?::pg_catalog.text[]) p), "
            + "true)")) {
          s.setArray(1, c.createArrayOf("text", searchPath.toArray()));
          s.execute();
        }
      }
      return analyzeInTransaction(c, sql);
    } finally {
      if (autoCommit) {
        c.rollback();
        c.setAutoCommit(true);
      } else {
        c.rollback(savepoint);
      }
    }
  }

  private static Analysis analyzeInTransaction(Connection c, String sql) throws SQLException {
    String probe = "freshet_query_probe_" + PROBES.incrementAndGet();
    String prefix = "CREATE TEMPORARY VIEW " + probe + " AS\n";
    try (Statement s = c.createStatement()) {
      // The text goes to PostgreSQL as written: pgjdbc's escape processing ({fn …}, {d '…'}) would read it
      // first and report an unterminated quote in its own words, about the probe's text
      s.setEscapeProcessing(false);
      s.execute(prefix + QueryText.firstStatement(sql)); // one statement, whatever the text holds
    } catch (PSQLException e) {
      throw invalid(sql, prefix, e);
    }
    long oid;
    try (PreparedStatement s = c.prepareStatement("SELECT ('pg_temp.' || ?)::pg_catalog.regclass::pg_catalog.oid::pg_catalog.int8")) {
      s.setString(1, probe);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        oid = rs.getLong(1);
      }
    }
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(COLUMNS)) {
      s.setLong(1, oid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.add(new Column(rs.getString(1), rs.getString(2)));
        }
      }
    }
    List<Relation> relations = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(RELATIONS)) {
      s.setLong(1, oid);
      s.setLong(2, oid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          relations.add(new Relation(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4).charAt(0)));
        }
      }
    }
    List<UnstableFunction> unstable = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(UNSTABLE)) {
      s.setLong(1, oid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          unstable.add(new UnstableFunction(UnstableFunction.Use.values()[rs.getInt(1)],
              sqlValueFunctionName(rs.getString(2)), rs.getString(3).charAt(0)));
        }
      }
    }
    String definition;
    try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.pg_get_viewdef(?::pg_catalog.oid)")) {
      s.setLong(1, oid);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        definition = rs.getString(1);
      }
    }
    List<ClockLiteral> clockLiterals = clockLiterals(c, sql, prefix, probe);
    for (ClockLiteral literal : clockLiterals) {
      unstable.add(new UnstableFunction(UnstableFunction.Use.CLOCK_LITERAL, literal.text() + " as " + literal.type(),
          's'));
    }
    return new Analysis(columns, relations, unstable, definition, clockLiterals);
  }

  /** PostgreSQL's words when its date and time input does not read a text: the type is named. */
  private static final java.util.regex.Pattern DATE_TIME_INPUT =
      java.util.regex.Pattern.compile("^invalid input syntax for type ([a-z ]+): ");

  /**
   * The string constants of {@code sql} that PostgreSQL reads as the clock. Those holding a clock word are
   * candidates; PostgreSQL reads the query again (as another temporary view, in a savepoint rolled back) with the
   * clock words of the candidates replaced by as many {@code x}, which no date or time input reads: where it
   * then fails with its date or time input's error, at a candidate, that candidate is read as a date or time, and
   * is restored for the next reading. A query without such a constant costs no reading.
   */
  private static List<ClockLiteral> clockLiterals(Connection c, String sql, String prefix, String probe)
      throws SQLException {
    String text = QueryText.firstStatement(sql);
    List<int[]> candidates = new ArrayList<>(QueryText.stringConstants(text).stream()
        .filter(t -> dev.freshet.planner.admission.ClockLiterals.clockWord(text.substring(t[0], t[1])).isPresent())
        .toList());
    List<ClockLiteral> found = new ArrayList<>();
    String viewPrefix = prefix.replace(probe, probe + "_clock");
    while (!candidates.isEmpty()) {
      StringBuilder masked = new StringBuilder(text);
      for (int[] t : candidates) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z]+").matcher(text).region(t[0], t[1]);
        while (m.find()) {
          if (dev.freshet.planner.admission.ClockLiterals.WORDS.contains(m.group().toLowerCase(java.util.Locale.ROOT))) {
            masked.replace(m.start(), m.end(), "x".repeat(m.end() - m.start()));
          }
        }
      }
      Savepoint before = c.setSavepoint();
      try (Statement s = c.createStatement()) {
        s.setEscapeProcessing(false);
        s.execute(viewPrefix + masked);
        break; // none of the remaining candidates is read as a date or time
      } catch (PSQLException e) {
        ServerErrorMessage server = e.getServerErrorMessage();
        int at = server == null ? -1 : server.getPosition() - viewPrefix.length() - 1;
        int[] hit = candidates.stream().filter(t -> t[0] <= at && at < t[1]).findFirst().orElse(null);
        if (hit == null) { // not about a candidate: every one left is taken as read as a date or time
          for (int[] t : candidates) {
            found.add(clockLiteral(sql, text, t, "a date or time"));
          }
          break;
        }
        candidates.remove(hit);
        java.util.regex.Matcher m = DATE_TIME_INPUT.matcher(String.valueOf(server.getMessage()));
        if (("22007".equals(e.getSQLState()) || "22008".equals(e.getSQLState())) && m.find()) {
          found.add(clockLiteral(sql, text, hit, m.group(1)));
        }
      } finally {
        c.rollback(before);
      }
    }
    found.sort(java.util.Comparator.comparing(l -> l.position().startOffset(sql)));
    return found;
  }

  private static ClockLiteral clockLiteral(String sql, String text, int[] token, String type) {
    int offset = sql.indexOf(text);
    SourcePosition start = QueryText.positionOf(sql, offset + token[0]);
    SourcePosition end = QueryText.positionOf(sql, offset + token[1] - 1);
    return new ClockLiteral(text.substring(token[0], token[1]), type,
        new SourcePosition(start.line(), start.column(), end.line(), end.column()));
  }

  private static String sqlValueFunctionName(String name) {
    String prefix = "SQL value function ";
    if (!name.startsWith(prefix)) {
      return name;
    }
    int op = Integer.parseInt(name.substring(prefix.length()));
    return op < SQL_VALUE_FUNCTIONS.size() ? SQL_VALUE_FUNCTIONS.get(op) : name;
  }

  /** PostgreSQL's refusal as an {@link InvalidQueryException} positioned in the user's text. */
  private static InvalidQueryException invalid(String sql, String prefix, PSQLException e) {
    int prefixLength = prefix.length();
    ServerErrorMessage server = e.getServerErrorMessage();
    String message = server != null && server.getMessage() != null ? server.getMessage()
        // the driver's own words, should it read the text first, would quote the probe's statement
        : String.valueOf(e.getMessage()).replace(prefix + sql, "the query");
    int writing = QueryText.dataModifyingWith(sql);
    if ("0A000".equals(e.getSQLState()) && writing >= 0) {
      // PostgreSQL's words are about the probe ("views must not contain data-modifying statements in WITH")
      int end = writing;
      while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
        end++;
      }
      String statement = sql.substring(writing, end).toUpperCase(java.util.Locale.ROOT);
      SourcePosition at = QueryText.positionOf(sql, writing);
      return new InvalidQueryException("a defining query cannot modify data, and this one has a WITH query that "
          + "runs " + statement + ": a stream table's query is run again at every recompute and only reads; "
          + "run the " + statement + " as a statement of its own", sql,
          new SourcePosition(at.line(), at.column(), at.line(), at.column() + end - writing - 1), false, e);
    }
    if ("42701".equals(e.getSQLState())) { // duplicate column: a valid SELECT, but not a table
      // two names longer than PostgreSQL keeps that begin alike: it cut both to the same 63 bytes
      Map<String, QueryText.Identifier> firstCutTo = new HashMap<>();
      for (QueryText.Identifier id : QueryText.identifiers(sql)) {
        String cut = LongIdentifiers.truncate(id.name());
        if (cut.equals(id.name())) {
          continue;
        }
        QueryText.Identifier first = firstCutTo.putIfAbsent(cut, id);
        if (first != null && !first.name().equals(id.name())) {
          SourcePosition at = QueryText.positionOf(sql, id.start());
          SourcePosition end = QueryText.positionOf(sql, id.end() - 1);
          return new InvalidQueryException("the names " + Quoting.identifier(first.name()) + " and "
              + Quoting.identifier(id.name()) + " are both " + Quoting.identifier(cut) + " to PostgreSQL, which keeps the first " + LongIdentifiers.MAX_BYTES + " bytes of a name, "
              + "so the query has two columns of that name; give them names that differ in their first "
              + LongIdentifiers.MAX_BYTES + " bytes", sql, new SourcePosition(at.line(), at.column(), end.line(),
                  end.column()), false, e);
        }
      }
      message += "; a stream table needs distinct column names: alias one of them (… AS other_name)";
    } else if (server != null && server.getHint() != null) {
      message += "\n  hint: " + server.getHint();
    }
    SourcePosition position = SourcePosition.UNKNOWN;
    if (server != null && server.getPosition() > prefixLength) {
      position = QueryText.positionOf(sql, server.getPosition() - prefixLength - 1);
    }
    return new InvalidQueryException(message, sql, position, "42601".equals(e.getSQLState()), e);
  }
}
