package dev.freshet.runtime.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A password file as libpq reads one ({@code passfile=} of a connection string; the JDBC driver reads
 * {@code PGPASSFILE} and {@code ~/.pgpass} itself, but takes no file per connection): lines
 * {@code hostname:port:database:username:password}, the first whose four fields match wins, {@code *} matching
 * anything; a backslash takes the next character as it is ({@code \:}, {@code \\}); lines starting with
 * {@code #} are comments. A file that cannot be read gives no password, as in libpq.
 */
final class PasswordFile {

  private PasswordFile() {
  }

  /** The password {@code file} holds for this host, port, database and user, if any. */
  static Optional<String> lookup(Path file, String host, String port, String database, String user) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    List<String> wanted = List.of(host, port, database, user);
    for (String line : lines) {
      if (line.startsWith("#")) {
        continue;
      }
      List<String> fields = fields(line);
      if (fields.size() < 5) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < 4 && matches; i++) {
        matches = fields.get(i).equals("*") || fields.get(i).equals(wanted.get(i));
      }
      if (matches) {
        return Optional.of(fields.get(4));
      }
    }
    return Optional.empty();
  }

  /** The line's fields, unescaped; the fifth (the password) runs to the end of the line. */
  private static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == '\\' && i + 1 < line.length()) {
        field.append(line.charAt(++i));
      } else if (ch == ':' && fields.size() < 4) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(ch);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
