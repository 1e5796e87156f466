package dev.freshet.tests.harness;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection that records what goes through it to the server: the text of every statement executed (its first
 * line) and every commit and rollback, so that a test can say how many round trips a call of Freshet's took.
 */
public final class CountingConnection {

  private final Connection connection;
  private final List<String> sent = new ArrayList<>();

  public CountingConnection(Connection target) {
    this.connection = (Connection) Proxy.newProxyInstance(CountingConnection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, m, args) -> {
          String name = m.getName();
          if (name.equals("commit") || name.equals("rollback") && (args == null || args.length == 0)) {
            sent.add(name.toUpperCase(java.util.Locale.ROOT));
          }
          Object result = invoke(m, target, args);
          if (result instanceof Statement s) {
            String prepared = args != null && args.length > 0 && args[0] instanceof String t ? t : null;
            Class<?> type = s instanceof CallableStatement ? CallableStatement.class
                : s instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
            return Proxy.newProxyInstance(CountingConnection.class.getClassLoader(), new Class<?>[] {type},
                (p, sm, sargs) -> {
                  if (sm.getName().startsWith("execute")) {
                    String text = sargs != null && sargs.length > 0 && sargs[0] instanceof String t ? t : prepared;
                    sent.add(text == null ? "?" : text.strip().lines().findFirst().orElse(""));
                  }
                  return invoke(sm, s, sargs);
                });
          }
          return result;
        });
  }

  /** The connection to hand to the code under test. */
  public Connection connection() {
    return connection;
  }

  /** What was sent since the last {@link #clear}, in order: statements' first lines, COMMIT and ROLLBACK. */
  public List<String> sent() {
    return List.copyOf(sent);
  }

  public void clear() {
    sent.clear();
  }

  private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
