package dev.freshet.tests.harness;

import dev.freshet.runtime.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one PostgreSQL server of a test JVM, chosen once, in order: the server named by
 * {@code FRESHET_TEST_JDBC_URL} (or {@code -Dfreshet.test.jdbc.url}); else an embedded PostgreSQL
 * started from the Maven dependency; else a Testcontainers container when a Docker engine is
 * available. Startup is paid once per JVM; tests get their own databases from it.
 */
public final class PostgresServer {

  public static final String URL_VARIABLE = "FRESHET_TEST_JDBC_URL";

  private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^?]*)(\\?.*)?$");

  private static PostgresServer instance;

  private final String baseUrl;
  private final String query;
  private final String maintenanceDatabase;
  private final String description;

  private PostgresServer(String url, String description) {
    Matcher m = URL.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException(URL_VARIABLE + " must look like "
          + "jdbc:postgresql://host:port/database?user=...&password=..., got " + url);
    }
    this.baseUrl = m.group(1);
    this.maintenanceDatabase = m.group(2).isEmpty() ? "postgres" : m.group(2);
    this.query = m.group(3) == null ? "" : m.group(3);
    this.description = description;
  }

  public static synchronized PostgresServer get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  private static PostgresServer start() {
    String url = System.getProperty("freshet.test.jdbc.url", System.getenv(URL_VARIABLE));
    if (url != null && !url.isBlank()) {
      return new PostgresServer(url, "external server from " + URL_VARIABLE);
    }
    Exception embeddedFailure;
    try {
      EmbeddedPostgres embedded = EmbeddedPostgres.start(EmbeddedPostgres.Options.ephemeral());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException ignored) {
          // JVM exit; the temporary cluster is removed with it.
        }
      }, "freshet-test-postgres-stop"));
      return new PostgresServer(embedded.jdbcUrl("postgres"), "embedded PostgreSQL on port " + embedded.port());
    } catch (IOException | RuntimeException e) {
      embeddedFailure = e;
    }
    if (org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
      var container = new org.testcontainers.postgresql.PostgreSQLContainer(
          "postgres:" + System.getProperty("freshet.pg.major", "17"));
      container.start();
      String jdbc = container.getJdbcUrl() + (container.getJdbcUrl().contains("?") ? "&" : "?")
          + "user=" + container.getUsername() + "&password=" + container.getPassword();
      return new PostgresServer(jdbc, "Testcontainers " + container.getDockerImageName());
    }
    throw new IllegalStateException("no PostgreSQL for tests: " + URL_VARIABLE + " is not set, the "
        + "embedded server failed (" + embeddedFailure + ") and no Docker engine is available",
        embeddedFailure);
  }

  /** A JDBC URL for {@code database} on this server, with the same credentials. */
  public String jdbcUrl(String database) {
    return baseUrl + database + query;
  }

  public Connection connectMaintenance() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(maintenanceDatabase));
  }

  public String description() {
    return description;
  }
}
