package dev.freshet.tpch.bench;

import dev.freshet.runtime.scheduler.RefreshScheduler;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tpch.TpchQueries;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code freshet bench --overhead}: what a refresh of a tiny window costs beyond the statement that refreshes, per
 * path a user refreshes by: {@link StreamTables#refresh} (the command line), a pass of {@link RefreshScheduler#runDue}
 * with only this stream table due ({@code freshet service}) and {@code CALL freshet.refresh} (for reference:
 * everything inside PostgreSQL). Each is timed with nothing in its window and after a one-row change of a source (an
 * UPDATE of one row, outside the timing), in one long-lived JVM and session, through a connection that counts the
 * statements sent (commits included) and times the one that refreshes (since catalog V31 the command line's and the
 * service's are one CALL too). A fourth path is {@code CALL freshet.refresh} as the first statement of a session
 * opened for it (untimed), as pg_cron runs each job and every {@code freshet refresh} command connects: what
 * PostgreSQL's per-session caches cost a refresh (the functions compiled, the catalog read, the plans made). The
 * paths take turns, so all see the same server and caches.
 */
public final class RefreshOverhead {

  /** The paths measured. */
  public static final List<String> PATHS = List.of("refresh (command line)", "service pass", "CALL freshet.refresh",
      "CALL, a new session's first");

  /** Opens a new session to the database measured, for the path of a session's first CALL. */
  @FunctionalInterface
  public interface Sessions {
    Connection open() throws SQLException;
  }

  /** One measured refresh: wall-clock time, the refreshing statement's time (0 when not seen), statements. */
  public record Sample(long nanos, long windowNanos, int statements, List<String> sql) {
  }

  /** Per path and window kind ("empty", "one row"), the samples, in the order taken. */
  public record Result(int query, Map<String, List<Sample>> samples) {
  }

  private RefreshOverhead() {
  }

  /** Measures stream table {@code qNN} of each query, {@code rounds} times per path and window kind. */
  public static List<Result> measure(Connection c, Sessions sessions, List<Integer> queries, int rounds,
      Consumer<String> progress) throws SQLException {
    List<Result> results = new ArrayList<>();
    Recorder recorder = new Recorder();
    Connection counted = recorder.wrap(c);
    for (int q : queries) {
      String name = TpchQueries.name(q);
      String change = oneRowChange(q);
      progress.accept("measuring " + name + ": " + rounds + " rounds of " + PATHS.size()
          + " paths x (empty window, one-row change)");
      // warm-up, not measured: the exact programs of this change installed, plans cached
      for (int i = 0; i < 3; i++) {
        execute(c, change);
        StreamTables.refresh(c, name);
        StreamTables.refresh(c, name);
      }
      StreamTables.alter(c, name, Optional.empty(), Optional.of("1s"), Optional.empty());
      Map<String, List<Sample>> samples = new LinkedHashMap<>();
      try {
        OffsetDateTime due = OffsetDateTime.now().plusYears(1); // every scheduled stream table is due then
        for (int r = 0; r < rounds; r++) {
          for (int p = 0; p < PATHS.size(); p++) {
            int path = (p + r) % PATHS.size(); // the paths take turns going first
            for (String window : List.of("empty", "one row")) {
              if (window.equals("one row")) {
                execute(c, change);
              }
              Connection session = path == 3 ? sessions.open() : null; // opened and closed outside the timing
              try {
                Connection via = session == null ? counted : recorder.wrap(session);
                recorder.start();
                long start = System.nanoTime();
                switch (path) {
                  case 0 -> StreamTables.refresh(counted, name);
                  case 1 -> {
                    for (RefreshScheduler.Attempt a : RefreshScheduler.runDue(counted, due, attempt -> { })) {
                      if (a.error() != null) {
                        throw new IllegalStateException("the service's refresh of " + name + " failed", a.error());
                      }
                    }
                  }
                  default -> {
                    try (CallableStatement s = via.prepareCall("CALL freshet.refresh(?)")) {
                      s.setString(1, name);
                      s.execute();
                    }
                  }
                }
                long nanos = System.nanoTime() - start;
                samples.computeIfAbsent(PATHS.get(path) + "|" + window, k -> new ArrayList<>())
                    .add(recorder.stop(nanos));
              } finally {
                if (session != null) {
                  session.close();
                }
              }
            }
          }
        }
      } finally {
        StreamTables.alter(c, name, Optional.empty(), Optional.of(""), Optional.empty());
      }
      results.add(new Result(q, samples));
    }
    return results;
  }

  /**
   * An UPDATE of one row of a table the query reads, of a column it reads where one is at hand: lineitem's
   * l_quantity (one up, then one down at the next call), else partsupp's ps_supplycost, else customer's
   * c_acctbal.
   */
  static String oneRowChange(int query) {
    String sql = TpchQueries.get(query).sql().toLowerCase(java.util.Locale.ROOT);
    String[] target = sql.contains("lineitem") ? new String[] {"lineitem", "l_quantity"}
        : sql.contains("partsupp") ? new String[] {"partsupp", "ps_supplycost"}
        : new String[] {"customer", "c_acctbal"};
    // ctid of the first row; the sign flips with the value's parity so that the table does not drift
    return "UPDATE " + target[0] + " SET " + target[1] + " = " + target[1] + " + CASE WHEN " + target[1]
        + "::bigint % 2 = 0 THEN 1 ELSE -1 END WHERE ctid = (SELECT ctid FROM " + target[0] + " LIMIT 1)";
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * The statements that do the refresh itself, whichever a path sends: the procedure of the command line and the
   * service (catalog V31), {@code CALL freshet.refresh}, or {@code refresh_window} (a command line's own steps, when
   * the procedure leaves the refresh to them).
   */
  private static final List<String> REFRESH_STATEMENTS = List.of("freshet.refresh_from_client(",
      "CALL freshet.refresh(", "freshet.refresh_window(");

  /**
   * Counts and times what goes through a connection: every statement executed, every commit and rollback; and the
   * statements that refresh ({@link #REFRESH_STATEMENTS}) apart.
   */
  static final class Recorder {
    private boolean on;
    private int statements;
    private long windowNanos;
    private final List<String> sql = new ArrayList<>();

    void start() {
      on = true;
      statements = 0;
      windowNanos = 0;
      sql.clear();
    }

    Sample stop(long nanos) {
      on = false;
      return new Sample(nanos, windowNanos, statements, List.copyOf(sql));
    }

    private void record(String text, long nanos) {
      if (!on) {
        return;
      }
      statements++;
      String first = text.strip().lines().findFirst().orElse("");
      sql.add(first);
      if (REFRESH_STATEMENTS.stream().anyMatch(text::contains)) {
        windowNanos += nanos;
      }
    }

    Connection wrap(Connection c) {
      return (Connection) Proxy.newProxyInstance(RefreshOverhead.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, m, args) -> {
            String name = m.getName();
            if (name.equals("commit") || name.equals("rollback") && (args == null || args.length == 0)) {
              return timed(name.toUpperCase(java.util.Locale.ROOT), () -> invoke(m, c, args));
            }
            Object result = invoke(m, c, args);
            if (result instanceof Statement s) {
              String prepared = args != null && args.length > 0 && args[0] instanceof String t ? t : null;
              Class<?> type = s instanceof CallableStatement ? CallableStatement.class
                  : s instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
              return Proxy.newProxyInstance(RefreshOverhead.class.getClassLoader(), new Class<?>[] {type},
                  statementHandler(s, prepared));
            }
            return result;
          });
    }

    private InvocationHandler statementHandler(Statement s, String prepared) {
      return (proxy, m, args) -> {
        if (m.getName().startsWith("execute")) {
          String text = args != null && args.length > 0 && args[0] instanceof String t ? t : prepared;
          return timed(text == null ? "?" : text, () -> invoke(m, s, args));
        }
        return invoke(m, s, args);
      };
    }

    private interface Call {
      Object run() throws Throwable;
    }

    private Object timed(String text, Call call) throws Throwable {
      long start = System.nanoTime();
      try {
        return call.run();
      } finally {
        record(text, System.nanoTime() - start);
      }
    }

    private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
      try {
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
