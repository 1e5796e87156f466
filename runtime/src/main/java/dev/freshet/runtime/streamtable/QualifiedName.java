package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.program.SystemCatalogSql;
import dev.freshet.planner.sql.Quoting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/** A table's schema and name, exactly as PostgreSQL spells them. */
public record QualifiedName(String schema, String name) {

  public QualifiedName {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
  }

  /**
   * Parses a name as PostgreSQL would ({@code parse_ident}: unquoted parts fold to lower case,
   * {@code "Quoted"} parts are exact); an unqualified name goes to the first schema of the search path.
   */
  public static QualifiedName parse(Connection c, String text) throws SQLException {
    List<String> parts;
    try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.PARSE_NAME)) {
      ps.setString(1, text);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        parts = List.of((String[]) rs.getArray(1).getArray());
        String current = rs.getString(2);
        if (parts.size() == 1) {
          if (current == null) {
            throw new StreamTableException("no schema to put " + text + " in: the search_path is empty; "
                + "qualify the name, e.g. public." + text);
          }
          return checked(text, new QualifiedName(current, parts.get(0)));
        }
      }
    } catch (SQLException e) {
      if ("22023".equals(e.getSQLState()) || "42602".equals(e.getSQLState())) {
        throw new StreamTableException(invalid(text));
      }
      throw e;
    }
    if (parts.size() != 2) {
      throw new StreamTableException("a stream table name is NAME or SCHEMA.NAME; got " + text);
    }
    return checked(text, new QualifiedName(parts.get(0), parts.get(1)));
  }

  /**
   * Why {@code text} is no name, and how to write it, in one line: the text as given, and the name quoted as SQL
   * quotes it, inside single quotes for the shell ({@code x y} → {@code '"x y"'}). PostgreSQL's own words
   * ({@code string is not a valid identifier: "x y"}) named the text a second time and said nothing of quoting.
   */
  static String invalid(String text) {
    return "not a valid table name: '" + text + "'; write it as in SQL (NAME or SCHEMA.NAME), a part with spaces, "
        + "capitals or other characters in double quotes, the whole in single quotes for the shell: "
        + suggestion(text).map(s -> "'" + s + "'").orElse("e.g. '\"Sales Dept\".\"Region Revenue\"'");
  }

  /**
   * {@code text} quoted as a name, when it reads as one or two parts ({@code Sales Dept.x} → {@code "Sales
   * Dept"."x"}); empty when it holds quotes already, an empty part or more than two, or a single quote (which
   * the shell would need written otherwise).
   */
  private static java.util.Optional<String> suggestion(String text) {
    if (text.indexOf('"') >= 0 || text.indexOf('\'') >= 0 || text.indexOf('\0') >= 0) {
      return java.util.Optional.empty();
    }
    List<String> parts = List.of(text.split("\\.", -1));
    if (parts.size() > 2 || parts.stream().anyMatch(String::isBlank)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Quoting.qualified(parts.stream().map(String::strip).toList()));
  }

  /** PostgreSQL's longest identifier, in bytes (NAMEDATALEN - 1); it cuts longer ones short. */
  public static final int MAX_IDENTIFIER_BYTES = 63;

  /**
   * A name PostgreSQL would cut short is refused rather than stored: the table created would not have
   * the name Freshet records (PostgreSQL only notices the truncation).
   */
  private static QualifiedName checked(String text, QualifiedName name) {
    for (String part : name.parts()) {
      int bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > MAX_IDENTIFIER_BYTES) {
        throw new StreamTableException("name too long: " + text + " (" + Quoting.identifier(part) + " has " + bytes
            + " bytes; PostgreSQL keeps identifiers to " + MAX_IDENTIFIER_BYTES + " bytes); choose a shorter name");
      }
    }
    return name;
  }

  public List<String> parts() {
    return List.of(schema, name);
  }

  /** Quoted for SQL. */
  public String sql() {
    return Quoting.qualified(schema, name);
  }

  /** For messages: quoted as PostgreSQL would. */
  @Override
  public String toString() {
    return sql();
  }
}
