package dev.freshet.tests.harness;

import dev.freshet.tpch.TpchLoader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Creates one database per test class (dropped after it), optionally cloned from a TPC-H template
 * database that is loaded once per JVM: {@code CREATE DATABASE ... TEMPLATE} copies files, which is
 * far faster than generating and loading again.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Set<String> TEMPLATES = new HashSet<>();
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Class<?> testClass = context.getRequiredTestClass();
    PostgresTest settings = testClass.getAnnotation(PostgresTest.class);
    double sf = settings == null ? 0 : settings.tpch();
    PostgresServer server = PostgresServer.get();
    String name = "t_" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "_"
        + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = server.connectMaintenance(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + quote(name));
      if (sf > 0) {
        s.execute("CREATE DATABASE " + quote(name) + " TEMPLATE " + quote(template(server, sf)));
      } else {
        s.execute("CREATE DATABASE " + quote(name));
      }
    }
    context.getStore(NS).put(TestDatabase.class, new TestDatabase(name, server.jdbcUrl(name)));
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    TestDatabase db = context.getStore(NS).remove(TestDatabase.class, TestDatabase.class);
    if (db != null) {
      try (Connection c = PostgresServer.get().connectMaintenance(); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + quote(db.name()) + " WITH (FORCE)");
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestDatabase db = findDatabase(context);
    if (db == null) {
      throw new IllegalStateException("no test database: annotate the class with @PostgresTest");
    }
    return db;
  }

  private static TestDatabase findDatabase(ExtensionContext context) {
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      TestDatabase db = c.getStore(NS).get(TestDatabase.class, TestDatabase.class);
      if (db != null) {
        return db;
      }
    }
    return null;
  }

  /** The template database holding TPC-H at {@code sf}, loaded on first use in this JVM. */
  private static synchronized String template(PostgresServer server, double sf) throws SQLException {
    String name = "tpl_tpch_" + String.valueOf(sf).replace('.', '_') + "_" + ProcessHandle.current().pid();
    if (TEMPLATES.add(name)) {
      try (Connection c = server.connectMaintenance(); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + quote(name));
        s.execute("CREATE DATABASE " + quote(name));
      }
      try (Connection c = java.sql.DriverManager.getConnection(server.jdbcUrl(name))) {
        TpchLoader.load(c, "public", sf, line -> { });
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(server, name)));
    }
    return name;
  }

  private static void dropQuietly(PostgresServer server, String name) {
    try (Connection c = server.connectMaintenance(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
    } catch (SQLException ignored) {
      // The server may already be stopping; an embedded one is discarded anyway.
    }
  }

  /** Test databases have generated names; still quoted, as all identifiers are. */
  private static String quote(String name) {
    return dev.freshet.planner.sql.Quoting.identifier(name);
  }
}
