package dev.freshet.runtime.cli;

import dev.freshet.codegen.program.RefreshSessionSql;
import java.net.URLDecoder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The database a command connects to, named as psql users name it: a JDBC URL, a libpq URI
 * ({@code postgresql://user:secret@host:5432/db?sslmode=require}, also {@code postgres://}), a libpq connection
 * string ({@code host=localhost port=5432 dbname=shop user=me}, {@link ConnInfo}; also psql's {@code -h}, {@code -U}
 * and {@code -d} as keywords), or libpq's environment variables ({@code PGHOST}, {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER},
 * {@code PGPASSWORD}, {@code PGSSLMODE}, {@code PGOPTIONS}, {@code PGTZ}; the JDBC driver reads {@code PGPASSFILE} /
 * {@code ~/.pgpass} itself). As in libpq, the variables are defaults for what the URL does not say.
 *
 * @param jdbcUrl what the driver is given
 * @param properties user, password, sslmode and options from the environment (the URL's own values win)
 * @param timeZone the session's TimeZone from {@code PGTZ}, set once connected: the driver sends the JVM's
 *     zone at startup, after {@code options}, so it cannot be given there
 */
public record ConnectionTarget(String jdbcUrl, Properties properties, Optional<String> timeZone) {

  /** The libpq variables that name a server; any of them set means "connect as psql would". */
  static final List<String> SERVER_VARIABLES = List.of("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER");

  /**
   * The target for {@code url} (from {@code --jdbc-url} or {@code FRESHET_JDBC_URL}; blank: none) and the
   * environment {@code env}; empty when neither names a server.
   *
   * @throws UserException on a URL that is neither JDBC nor libpq, or a Unix-socket PGHOST
   */
  public static Optional<ConnectionTarget> resolve(String url, Map<String, String> env) {
    Properties defaults = defaults(env);
    if (url != null && !url.isBlank()) {
      String text = url.strip();
      if (text.startsWith("jdbc:postgresql:")) {
        return Optional.of(new ConnectionTarget(text, defaults, timeZone(env)));
      }
      if (text.startsWith("postgresql://") || text.startsWith("postgres://")) {
        return Optional.of(fromUri(text, defaults, env));
      }
      if (ConnInfo.looksLikeOne(text) && !text.matches("(?s)[A-Za-z][A-Za-z0-9+.-]*:.*")) {
        return Optional.of(fromKeywords(ConnInfo.parse(text), defaults, env));
      }
      throw new UserException(ExitCode.USAGE, "not a PostgreSQL URL: " + text + " (use jdbc:postgresql://HOST[:PORT]/DB, "
          + "postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DB or a connection string, 'host=HOST port=PORT dbname=DB "
          + "user=USER')");
    }
    if (SERVER_VARIABLES.stream().noneMatch(v -> present(env.get(v)))) {
      return Optional.empty();
    }
    String host = first(env.get("PGHOSTADDR"), env.get("PGHOST"), "localhost");
    if (host.startsWith("/")) {
      throw new UserException(ExitCode.USAGE, "PGHOST=" + host + " names a Unix socket directory, which the JDBC driver "
          + "cannot use: set PGHOST=localhost (or the server's host name), or give --jdbc-url");
    }
    String user = first(env.get("PGUSER"), System.getProperty("user.name"), "postgres");
    String database = first(env.get("PGDATABASE"), user, "postgres");
    String port = first(env.get("PGPORT"), "5432", "5432");
    put(defaults, "user", user);
    return Optional.of(new ConnectionTarget("jdbc:postgresql://" + hostPart(host) + ":" + port + "/"
        + encodePath(database), defaults, timeZone(env)));
  }

  /**
   * The target psql's options name, {@code -h}, {@code -U} and {@code -d} given as libpq's keywords {@code host},
   * {@code user} and {@code dbname} ({@code keywords}, not empty): as a connection string of those, the
   * environment filling in the rest ({@code PGPORT}, {@code PGPASSWORD}, ...).
   */
  public static ConnectionTarget fromOptions(Map<String, String> keywords, Map<String, String> env) {
    return fromKeywords(keywords, defaults(env), env);
  }

  /**
   * {@link #resolve} for the commands that keep an embedded server as their default and replace tables in the
   * database they use (demo, bench, soak): only a database named to Freshet ({@code --jdbc-url} or
   * {@code FRESHET_JDBC_URL}) counts, not libpq's variables, which name the user's own database for psql.
   */
  public static Optional<ConnectionTarget> resolveNamed(String url, Map<String, String> env) {
    return url == null || url.isBlank() ? Optional.empty() : resolve(url, env);
  }

  /** What libpq's variables give every connection: user, password, sslmode and options. */
  private static Properties defaults(Map<String, String> env) {
    Properties defaults = new Properties();
    put(defaults, "user", env.get("PGUSER"));
    put(defaults, "password", env.get("PGPASSWORD"));
    put(defaults, "sslmode", env.get("PGSSLMODE"));
    put(defaults, "options", env.get("PGOPTIONS")); // e.g. -c role=team (docs/operations.md)
    return defaults;
  }

  /** libpq's values of sslmode, which the driver takes too. */
  private static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca",
      "verify-full");

  /**
   * A connection string's keywords ({@link ConnInfo#KEYWORDS}) as JDBC: the hosts (or {@code hostaddr}, the
   * address libpq connects to) with their ports in the URL, one port for all or one per host as in libpq; the
   * database in the URL; the rest as the driver's properties. As in libpq, {@code PGHOST}, {@code PGPORT},
   * {@code PGDATABASE} and the {@code defaults} stand for what the keywords leave out; {@code passfile} is read
   * for a password given nowhere else.
   *
   * @throws UserException on a value libpq refuses too (a port, an sslmode, a timeout), or a Unix socket host
   */
  private static ConnectionTarget fromKeywords(Map<String, String> keywords, Properties defaults,
      Map<String, String> env) {
    Properties properties = new Properties();
    properties.putAll(defaults);
    String hostKeyword = present(keywords.get("hostaddr")) ? "hostaddr" : "host";
    String hostText = present(keywords.get(hostKeyword)) ? keywords.get(hostKeyword)
        : first(env.get("PGHOSTADDR"), env.get("PGHOST"), "localhost");
    List<String> hosts = List.of(hostText.split(",", -1));
    String portText = first(keywords.get("port"), env.get("PGPORT"), "5432");
    List<String> ports = List.of(portText.split(",", -1));
    if (ports.size() != 1 && ports.size() != hosts.size()) {
      throw new UserException(ExitCode.USAGE, "could not match " + ports.size() + " port numbers to " + hosts.size()
          + " hosts");
    }
    List<String> addresses = new java.util.ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i).strip();
      if (host.startsWith("/") || host.startsWith("@")) {
        throw new UserException(ExitCode.USAGE, hostKeyword + "=" + host + " names a Unix socket directory, which the "
            + "JDBC driver cannot use: give " + hostKeyword + "=localhost (or the server's host name)");
      }
      String port = ports.get(ports.size() == 1 ? 0 : i).strip();
      port = port.isEmpty() ? "5432" : port;
      if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw new UserException(ExitCode.USAGE, "invalid port number: \"" + port + "\"");
      }
      addresses.add(hostPart(host.isEmpty() ? "localhost" : host) + ":" + port);
    }
    put(properties, "user", keywords.get("user"));
    String user = first(properties.getProperty("user"), System.getProperty("user.name"), "postgres");
    properties.setProperty("user", user);
    String database = first(keywords.get("dbname"), env.get("PGDATABASE"), user);
    put(properties, "password", keywords.get("password"));
    if (!present(properties.getProperty("password")) && present(keywords.get("passfile"))) {
      PasswordFile.lookup(java.nio.file.Path.of(keywords.get("passfile")), hosts.get(0).strip(),
          addresses.get(0).substring(addresses.get(0).lastIndexOf(':') + 1), database, user)
          .ifPresent(password -> properties.setProperty("password", password));
    }
    String sslmode = keywords.get("sslmode");
    if (sslmode != null) {
      if (!SSL_MODES.contains(sslmode)) {
        throw new UserException(ExitCode.USAGE, "invalid sslmode value: \"" + sslmode + "\"");
      }
      properties.setProperty("sslmode", sslmode);
    }
    put(properties, "options", keywords.get("options"));
    put(properties, "ApplicationName", keywords.get("application_name"));
    String timeout = keywords.get("connect_timeout");
    if (present(timeout)) {
      if (!timeout.strip().matches("-?[0-9]{1,9}")) {
        throw new UserException(ExitCode.USAGE, "invalid integer value \"" + timeout
            + "\" for connection option \"connect_timeout\"");
      }
      // libpq waits forever for 0 or less, as the driver does for 0
      properties.setProperty("connectTimeout", String.valueOf(Math.max(0, Integer.parseInt(timeout.strip()))));
    }
    return new ConnectionTarget("jdbc:postgresql://" + String.join(",", addresses) + "/" + encodePath(database),
        properties, timeZone(env));
  }

  /**
   * {@code postgresql://[user[:password]@][host][:port][,host2[:port2]…][/db][?k=v&…]} as JDBC; as in libpq,
   * {@code PGHOST}, {@code PGPORT} and {@code PGDATABASE} stand for a host, port or database it leaves out.
   */
  private static ConnectionTarget fromUri(String uri, Properties defaults, Map<String, String> env) {
    String rest = uri.substring(uri.indexOf("://") + 3);
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String database = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      database = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
    }
    Properties properties = new Properties();
    properties.putAll(defaults);
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      put(properties, "user", decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo));
      if (colon >= 0) {
        put(properties, "password", decode(userInfo.substring(colon + 1)));
      }
    }
    String envHost = env.get("PGHOST");
    String hosts = !rest.isEmpty() ? rest : present(envHost) && !envHost.startsWith("/") ? hostPart(envHost) : "localhost";
    String envPort = env.get("PGPORT");
    if (present(envPort)) {
      List<String> withPorts = new java.util.ArrayList<>();
      for (String host : hosts.split(",", -1)) {
        String afterAddress = host.startsWith("[") ? host.substring(host.indexOf(']') + 1) : host;
        withPorts.add(afterAddress.contains(":") ? host : host + ":" + envPort.strip());
      }
      hosts = String.join(",", withPorts);
    }
    if (database.isEmpty()) {
      database = first(env.get("PGDATABASE"), properties.getProperty("user"), "postgres");
    } else {
      database = decode(database);
    }
    return new ConnectionTarget("jdbc:postgresql://" + hosts + "/" + encodePath(database)
        + (query.isEmpty() ? "" : "?" + query), properties, timeZone(env));
  }

  /**
   * Connects with {@link #properties} and {@code extra} (the target's own win), then gives the session the time
   * zone {@code PGTZ} names, as libpq does: a stream table created so computes its values in that zone.
   *
   * @throws UserException when the server does not know the zone
   */
  public Connection connect(Properties extra) throws SQLException {
    Properties all = new Properties();
    all.putAll(extra);
    all.putAll(properties);
    Connection c = DriverManager.getConnection(jdbcUrl, all);
    if (timeZone.isPresent()) {
      try (PreparedStatement ps = c.prepareStatement(RefreshSessionSql.SET_SESSION_SETTING)) {
        ps.setString(1, "TimeZone");
        ps.setString(2, timeZone.get());
        ps.execute();
      } catch (SQLException e) {
        c.close();
        // the server's words say no more ('invalid value for parameter "TimeZone"'), nor its SQLSTATE
        throw new UserException(ExitCode.USAGE, "PGTZ=" + timeZone.get() + " is not a time zone PostgreSQL knows "
            + "(use a name from pg_timezone_names, such as Europe/Paris, or unset PGTZ)");
      }
    }
    return c;
  }

  private static Optional<String> timeZone(Map<String, String> env) {
    return Optional.ofNullable(env.get("PGTZ")).filter(ConnectionTarget::present);
  }

  /** A description for messages, without the password. */
  public String describe() {
    String user = properties.getProperty("user");
    return jdbcUrl.replaceAll("password=[^&]*", "password=…") + (user == null ? "" : " as " + user);
  }

  private static String hostPart(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host; // an IPv6 address
  }

  private static String encodePath(String database) {
    return java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  private static String first(String... candidates) {
    for (String candidate : candidates) {
      if (present(candidate)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("no value");
  }

  private static void put(Properties properties, String key, String value) {
    if (present(value)) {
      properties.setProperty(key, value);
    }
  }
}
