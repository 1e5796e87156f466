package dev.freshet.tests.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A database of its own for one test class, on the JVM's {@link PostgresServer}. */
public final class TestDatabase {
  private final String name;
  private final String jdbcUrl;

  TestDatabase(String name, String jdbcUrl) {
    this.name = name;
    this.jdbcUrl = jdbcUrl;
  }

  public String name() {
    return name;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl);
  }

  /** Runs each statement in its own autocommit transaction. */
  public void execute(String... statements) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** All rows of {@code sql}, each as a list of column values (JDBC objects). */
  public List<List<Object>> query(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /** The single value of a one-row, one-column query. */
  public Object scalar(String sql) throws SQLException {
    List<List<Object>> rows = query(sql);
    if (rows.size() != 1 || rows.get(0).size() != 1) {
      throw new IllegalStateException("expected one value from " + sql + ", got " + rows);
    }
    return rows.get(0).get(0);
  }
}
