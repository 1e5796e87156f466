package dev.freshet.tpch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a benchmark ran on, for its report: CPUs, memory, JDK, PostgreSQL and the settings that matter. */
public final class Machine {

  private Machine() {
  }

  /** One line per fact; the CPU model and memory come from /proc where it exists (Linux). */
  public static List<String> describe(Connection c) throws SQLException {
    String cpu = procLine(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    String memory = procLine(Path.of("/proc/meminfo"), "MemTotal")
        .map(Machine::gigabytes).orElse("unknown memory");
    return List.of(
        String.format(Locale.ROOT, "machine: %d CPUs (%s), %s", Runtime.getRuntime().availableProcessors(),
            cpu, memory),
        "JDK: " + System.getProperty("java.vm.name") + " " + Runtime.version(),
        "PostgreSQL: " + scalar(c, "SHOW server_version") + " (shared_buffers " + scalar(c, "SHOW shared_buffers")
            + ", work_mem " + scalar(c, "SHOW work_mem") + ", max_parallel_workers_per_gather "
            + scalar(c, "SHOW max_parallel_workers_per_gather") + ", jit " + scalar(c, "SHOW jit") + ")");
  }

  private static Optional<String> procLine(Path file, String key) {
    try {
      return Files.readAllLines(file).stream()
          .filter(l -> l.startsWith(key))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code "24589876 kB"} → {@code "23.5 GiB RAM"}. */
  private static String gigabytes(String memTotal) {
    try {
      long kb = Long.parseLong(memTotal.replace("kB", "").strip());
      return String.format(Locale.ROOT, "%.1f GiB RAM", kb / 1024.0 / 1024.0);
    } catch (NumberFormatException e) {
      return memTotal;
    }
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
