package dev.freshet.tests.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A supervisor's probe of {@code freshet service --health-port}: {@code GET http://127.0.0.1:port/path}. */
final class HealthProbe {

  private HealthProbe() {
  }

  /** The port from the service's line {@code … health probes on port N: /readyz and /livez}. */
  static int port(String line) {
    return Integer.parseInt(line.replaceAll(".*health probes on port (\\d+):.*", "$1"));
  }

  /** The status code and body, as {@code 503 not ready: …}. */
  static String get(int port, String path) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body().strip();
  }
}
