package dev.freshet.runtime.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What {@code freshet service} answers to a supervisor's probes over HTTP ({@code --health-port}), with the
 * JDK's own server: {@code /readyz} is 200 while it is connected to a primary whose catalog it can use and
 * its last pass completed, else 503 with the reason (reconnecting, a standby, a catalog to migrate);
 * {@code /livez} is 200 unless its loop has not come round for {@link #STALLED} (a refresh may legitimately
 * take minutes; an hour means it is stuck). Bodies are one line of text.
 */
final class ServiceHealth implements AutoCloseable {

  /** How long the loop may go without coming round before /livez fails. */
  static final Duration STALLED = Duration.ofHours(1);

  private final HttpServer server;
  private volatile String notReady = "starting";
  private volatile long lastBeat = System.nanoTime();

  private ServiceHealth(HttpServer server) {
    this.server = server;
  }

  /** No probes (no --health-port): the loop reports to nobody. */
  static ServiceHealth none() {
    return new ServiceHealth(null);
  }

  /** Serves the probes on {@code port} (0: any free port) of every interface. */
  static ServiceHealth start(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    ServiceHealth health = new ServiceHealth(server);
    server.createContext("/readyz", exchange -> {
      String reason = health.notReady;
      respond(exchange, reason == null ? 200 : 503, reason == null ? "ready" : "not ready: " + reason);
    });
    server.createContext("/livez", exchange -> {
      Duration since = Duration.ofNanos(System.nanoTime() - health.lastBeat);
      boolean stalled = since.compareTo(STALLED) > 0;
      respond(exchange, stalled ? 503 : 200, (stalled ? "stalled: " : "alive: ") + "the service's loop came round "
          + since.toSeconds() + " s ago");
    });
    server.setExecutor(null);
    server.start();
    return health;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The loop came round. */
  void beat() {
    lastBeat = System.nanoTime();
  }

  /** Connected, and the last pass completed. */
  void ready() {
    notReady = null;
    beat();
  }

  /** Not refreshing, because of {@code reason}. */
  void notReady(String reason) {
    notReady = reason;
    beat();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
  }
}
