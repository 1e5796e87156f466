package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JDBC URLs of other databases and login roles on the test server, for tests with real roles. */
final class RoleConnections {

  private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]+/)[^?]*(\\?.*)?");

  private RoleConnections() {
  }

  /**
   * {@code url} pointed at database {@code db}: as {@code user} with {@code password} when a user is given
   * (acting as {@code role} when that is given too: {@code options=-c role=…}), else as the URL's own user.
   */
  static String url(String url, String db, String user, String password, String role) {
    Matcher m = URL.matcher(url);
    assertTrue(m.matches(), url);
    if (user == null) {
      return m.group(1) + db + (m.group(2) == null ? "" : m.group(2));
    }
    return m.group(1) + db + "?user=" + user + "&password=" + password
        + (role == null ? "" : "&options=-c%20role%3D" + role);
  }

  /** Runs {@code statements} on a connection of its own to {@code url}. */
  static void sql(String url, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }
}
