package dev.freshet.tests.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real PgBouncer (Debian's package, installed by {@code src/test/scripts/install-pgbouncer} when missing)
 * in front of the test server, in <em>transaction</em> mode, and harsher than a busy pool: after every
 * transaction it runs {@code DISCARD ALL} on the server connection ({@code server_reset_query_always}), so
 * whatever a client leaves in its session between transactions — a session advisory lock, a {@code SET},
 * a named prepared statement — is gone by its next transaction, as it would be on another server
 * connection. pgjdbc's startup parameter {@code extra_float_digits} is ignored, as PgBouncer's docs advise
 * for JDBC clients.
 */
public final class PgBouncer implements AutoCloseable {

  private static final Pattern URL = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]*)(?:\\?(.*))?$");

  private final Process process;
  private final int port;
  private final List<String> log = new ArrayList<>();

  private PgBouncer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts PgBouncer for the server of {@code jdbcUrl} (a test database's URL: its host, port, user and
   * password are the server connections'); configuration, log and pid file in {@code directory}.
   */
  public static PgBouncer start(String jdbcUrl, Path directory) throws IOException, InterruptedException {
    Matcher m = URL.matcher(jdbcUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a jdbc:postgresql://host:port/db URL: " + jdbcUrl);
    }
    String host = m.group(1).equals("localhost") ? "127.0.0.1" : m.group(1);
    String serverPort = m.group(2) == null ? "5432" : m.group(2);
    String user = "postgres";
    String password = null;
    if (m.group(4) != null) {
      for (String parameter : m.group(4).split("&")) {
        String[] kv = parameter.split("=", 2);
        if (kv[0].equals("user")) {
          user = kv[1];
        } else if (kv[0].equals("password")) {
          password = kv[1];
        }
      }
    }
    String binary = install();
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // run as root (CI), PgBouncer must switch to another user, who then writes the log and pid file here
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
    Path ini = directory.resolve("pgbouncer.ini");
    Files.writeString(ini, """
        [databases]
        * = host=%s port=%s user=%s%s

        [pgbouncer]
        listen_addr = 127.0.0.1
        listen_port = %d
        unix_socket_dir =
        pidfile = %s
        auth_type = any
        pool_mode = transaction
        default_pool_size = 2
        server_reset_query = DISCARD ALL
        server_reset_query_always = 1
        ignore_startup_parameters = extra_float_digits
        """.formatted(host, serverPort, user, password == null ? "" : " password=" + password, port,
        directory.resolve("pgbouncer.pid")), StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>(List.of(binary));
    if (root) {
      command.addAll(List.of("-u", "nobody"));
    }
    command.add(ini.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    PgBouncer bouncer = new PgBouncer(process, port);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "pgbouncer-log");
    reader.setDaemon(true);
    reader.start();
    // ready when it says so (it logs "process up" once it listens)
    while (true) {
      String line = lines.poll(30, TimeUnit.SECONDS);
      if (line == null) {
        bouncer.close();
        throw new IllegalStateException("PgBouncer did not start within 30 s; it printed:\n"
            + String.join("\n", bouncer.log));
      }
      bouncer.log.add(line);
      if (line.contains("process up")) {
        return bouncer;
      }
    }
  }

  private static String install() throws IOException, InterruptedException {
    for (String candidate : List.of("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    Process install = new ProcessBuilder("src/test/scripts/install-pgbouncer").redirectErrorStream(true).start();
    String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (install.waitFor() != 0 || !Files.isExecutable(Path.of("/usr/sbin/pgbouncer"))) {
      throw new IllegalStateException("these tests need PgBouncer, and installing Debian's pgbouncer package "
          + "failed (tests/src/test/scripts/install-pgbouncer):\n" + output);
    }
    return "/usr/sbin/pgbouncer";
  }

  /** A JDBC URL of database {@code database} through this PgBouncer. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=freshet_via_pgbouncer";
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
