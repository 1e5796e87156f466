package dev.freshet.tpch.cli;

import dev.freshet.runtime.cli.ConnectionOptions;
import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.runtime.cli.UsageException;
import dev.freshet.runtime.jdbc.DatabaseErrors;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTableVerifier;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tpch.TpchLoader;
import dev.freshet.tpch.TpchRefresh;
import dev.freshet.tpch.bench.MaintenanceRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code freshet soak}: the service under load and under SIGKILL. Writers on several connections run the
 * TPC-H refresh functions in small transactions (and some transactions they roll back) while a real
 * {@code freshet service} process refreshes the TPC-H stream tables every second; the service is killed
 * ({@code kill -9}) and started again during the run. At the end every stream table must equal its query,
 * no refresh lock may be left, and the service's memory is reported per process over time.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = {"Run freshet service for a while over the TPC-H stream tables, with concurrent writers "
        + "(RF1/RF2/RF3 in small transactions on several connections, some rolled back), kill -9 the service "
        + "and start it again along the way, then check that every stream table equals its query "
        + "(verify), that no refresh lock is left, and how the service's memory moved. Loads TPC-H into "
        + "schema public first (replacing it), in an embedded PostgreSQL unless --jdbc-url or FRESHET_JDBC_URL "
        + "names a database (PG* variables are not followed). A long run, never part of the test suite; see "
        + "docs/operations.md."},
    footer = {"", "Examples:",
        "  freshet soak                        10 minutes, 3 writers, 2 kills, SF 0.01",
        "  freshet soak --minutes 2 --kills 1  a short run"})
public final class SoakCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--sf", paramLabel = "SF", defaultValue = "0.01",
      description = "TPC-H scale factor to load (default: ${DEFAULT-VALUE}).")
  double scaleFactor;

  @Option(names = "--minutes", paramLabel = "N", defaultValue = "10",
      description = "How long the writers and the service run (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(names = "--writers", paramLabel = "N", defaultValue = "3",
      description = "Concurrent writing connections (default: ${DEFAULT-VALUE}).")
  int writers;

  @Option(names = "--kills", paramLabel = "N", defaultValue = "2",
      description = "Times the service is killed with SIGKILL and started again, evenly spread (default: "
          + "${DEFAULT-VALUE}).")
  int kills;

  @Option(names = "--batch", paramLabel = "ROWS", defaultValue = "5",
      description = "Orders per RF1/RF2 transaction, rows per RF3 statement (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "" + TpchRefresh.DEFAULT_SEED,
      description = "Seed of the writers' choices (default: ${DEFAULT-VALUE}).")
  long seed;

  private static final Pattern REFRESH_LINE = Pattern.compile(".*\"q\\d\\d\"\\s+(DIFFERENTIAL|FULL)\\s+\\+.*");

  /** What the writers did. */
  private final LongAdder[] committed = {new LongAdder(), new LongAdder(), new LongAdder()};
  private final LongAdder rolledBack = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final Map<String, String> writerErrors = new ConcurrentHashMap<>();
  private final LongAdder serviceRefreshes = new LongAdder();
  private final LongAdder serviceFailures = new LongAdder();
  private final List<String> serviceFailureLines = java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!(minutes > 0) || writers < 1 || kills < 0 || batch < 1 || !(scaleFactor > 0) || scaleFactor > 100) {
      throw new UsageException("--minutes must be positive, --writers and --batch at least 1, "
          + "--kills at least 0, --sf between 0 and 100");
    }
    try (Connection c = connection.connectNamedOrStartEmbedded(out)) {
      MaintenanceRun.refuseForeignReaders(c, "public");
      MaintenanceRun.dropEarlierStreamTables(c);
      out.printf(Locale.ROOT, "Loading TPC-H SF %s into schema \"public\"...%n", scaleFactor);
      out.flush();
      TpchLoader.load(c, "public", scaleFactor, TpchLoader.IfExists.REPLACE, line -> { });
      MaintenanceRun run = new MaintenanceRun(c, MaintenanceRun.IN_SCOPE, new TpchRefresh("public", seed, batch),
          line -> { });
      List<String> names = new ArrayList<>();
      for (MaintenanceRun.Created created : run.createStreamTables()) {
        if (created.error().isPresent()) {
          out.printf(Locale.ROOT, "  %s not created: %s%n", created.name(), created.error().get());
          continue;
        }
        StreamTables.alter(c, created.name(), Optional.empty(), Optional.of("1s"), Optional.empty());
        names.add(created.name());
      }
      out.printf(Locale.ROOT, "Created %d stream tables (refreshed every second by the service): %s%n",
          names.size(), String.join(" ", names));
      java.time.OffsetDateTime soakStart = now(c);

      Path logs = Files.createTempDirectory("freshet-soak-");
      Duration length = Duration.ofMillis((long) (minutes * 60_000));
      long startNanos = System.nanoTime();
      long endNanos = startNanos + length.toNanos();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> writerThreads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        Thread t = new Thread(() -> write(writer, stop), "soak-writer-" + w);
        t.setDaemon(true);
        t.start();
        writerThreads.add(t);
      }
      out.printf(Locale.ROOT, "%d writers, the service, %d kill%s over %s; service output in %s%n", writers,
          kills, kills == 1 ? "" : "s", length, logs);
      out.printf(Locale.ROOT, "%7s  %9s %9s %9s %11s %9s  %10s %8s  %9s%n", "elapsed", "RF1", "RF2", "RF3",
          "rolled back", "conflicts", "refreshes", "failed", "heap MB");
      out.flush();

      List<ServiceRun> services = new ArrayList<>();
      ServiceRun service = ServiceRun.start(logs, services.size() + 1, connection.childArguments(), this);
      services.add(service);
      int killed = 0;
      long nextReport = startNanos + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < endNanos) {
        long nextKill = killed < kills ? startNanos + length.toNanos() * (killed + 1) / (kills + 1) : Long.MAX_VALUE;
        long wake = Math.min(Math.min(nextReport, nextKill), endNanos);
        Thread.sleep(Math.max(1, (wake - System.nanoTime()) / 1_000_000));
        long now = System.nanoTime();
        if (now >= nextKill) {
          service.kill();
          killed++;
          out.printf(Locale.ROOT, "%7s  killed the service (pid %d) with SIGKILL; starting another%n",
              elapsed(now - startNanos), service.pid());
          out.flush();
          service = ServiceRun.start(logs, services.size() + 1, connection.childArguments(), this);
          services.add(service);
        }
        if (now >= nextReport) {
          service.sampleMemory();
          out.printf(Locale.ROOT, "%7s  %9d %9d %9d %11d %9d  %10d %8d  %9s%n", elapsed(now - startNanos),
              committed[0].sum(), committed[1].sum(), committed[2].sum(), rolledBack.sum(), conflicts.sum(),
              serviceRefreshes.sum(), serviceFailures.sum(), service.lastHeapMb().map(Object::toString).orElse("-"));
          out.flush();
          nextReport = now + Duration.ofSeconds(30).toNanos();
        }
      }
      stop.set(true);
      for (Thread t : writerThreads) {
        t.join();
      }
      service.sampleMemory();
      service.stop(); // SIGTERM: the last one ends as a supervisor would end it
      out.printf(Locale.ROOT, "%7s  writers stopped; service stopped%n", elapsed(System.nanoTime() - startNanos));

      return report(c, out, names, services, soakStart);
    }
  }

  private int report(Connection c, PrintWriter out, List<String> names, List<ServiceRun> services,
      java.time.OffsetDateTime soakStart) throws SQLException {
    out.println();
    out.println("Service processes, sampled every 30 s: heap in use after a full GC (a leak grows it), and "
        + "resident memory (the JVM grows it towards -Xmx256m either way):");
    for (ServiceRun s : services) {
      out.printf(Locale.ROOT, "  #%d pid %d, %s%n    heap MB: %s%n    RSS MB:  %s%n", s.number(), s.pid(), s.ending(),
          joined(s.heap()), joined(s.rss()));
    }
    long locks = scalarLong(c, "SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory' "
        + "AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())");
    out.println();
    out.printf(Locale.ROOT, "Advisory locks left after the service stopped: %d%n", locks);
    out.println("Each stream table: its refreshes during the run (by the services), failed ones, status, then a "
        + "last refresh for what the writers did after the last pass, and verify:");
    out.printf(Locale.ROOT, "  %-5s %10s %7s %-10s %-9s %s%n", "name", "refreshes", "failed", "status", "catch-up",
        "verify");
    int problems = locks == 0 ? 0 : 1;
    for (StoredStreamTable st : StreamTables.inRefreshOrder(c)) {
      if (!names.contains(st.name().name())) {
        continue;
      }
      long[] history = history(c, st.id(), soakStart);
      String catchUp;
      try {
        catchUp = StreamTables.refresh(c, st.name().sql()).modeUsed().name().substring(0, 4);
      } catch (SQLException | RuntimeException e) {
        catchUp = "FAILED";
        problems++;
        out.printf(Locale.ROOT, "  %s: the last refresh failed: %s%n", st.name(), DatabaseErrors.message(e));
      }
      StreamTableVerifier.Verification v = StreamTableVerifier.verify(c, st.name().sql());
      if (!v.ok() || !"ACTIVE".equals(st.status())) {
        problems++;
      }
      out.printf(Locale.ROOT, "  %-5s %10d %7d %-10s %-9s %s%n", st.name().name(), history[0], history[1], st.status(),
          catchUp, v.ok() ? "equal" : "DIFFERENT: " + v.summary());
    }
    out.println();
    out.printf(Locale.ROOT, "Writers: %d RF1, %d RF2, %d RF3 transactions committed, %d rolled back, %d conflicts "
        + "(deadlocks, serialization failures, keys moved by a concurrent RF3: rolled back by PostgreSQL)%s%n", committed[0].sum(), committed[1].sum(),
        committed[2].sum(), rolledBack.sum(), conflicts.sum(), writerErrors.isEmpty() ? "" : "; errors: "
        + writerErrors);
    out.printf(Locale.ROOT, "Service: %d refreshes, %d failed%s%n", serviceRefreshes.sum(), serviceFailures.sum(),
        serviceFailureLines.isEmpty() ? "" : "; first failures:\n    "
            + String.join("\n    ", serviceFailureLines.subList(0, Math.min(5, serviceFailureLines.size()))));
    out.println(problems == 0 ? "Soak passed: every stream table equals its query." : "Soak FAILED: " + problems
        + " problem" + (problems == 1 ? "" : "s") + " above.");
    out.flush();
    return problems == 0 ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
  }

  /** One writer: RF1, RF2, RF3 or a transaction it rolls back, at random, until {@code stop}. */
  private void write(int writer, AtomicBoolean stop) {
    Random random = new Random(seed * 31 + writer);
    TpchRefresh refresh = new TpchRefresh("public", seed + 1000L * (writer + 1), batch);
    try (Connection c = connection.connectNamedOrStartEmbedded(new PrintWriter(PrintWriter.nullWriter()))) {
      while (!stop.get()) {
        int pick = random.nextInt(10);
        try {
          switch (pick) {
            case 0, 1, 2 -> refresh.rf1(c);
            case 3, 4, 5 -> refresh.rf2(c);
            case 6, 7, 8 -> refresh.rf3(c);
            default -> rollBack(c, random);
          }
          if (pick < 9) {
            committed[pick / 3].increment();
          } else {
            rolledBack.increment();
          }
        } catch (SQLException e) {
          String state = String.valueOf(e.getSQLState());
          // deadlocks, serialization failures, and a key a concurrent RF3 moved away (RF1 inserting line
          // items of a part-supplier offer it read before): PostgreSQL rolls the transaction back
          if (state.equals("40P01") || state.equals("40001") || state.equals("55P03") || state.equals("23503")) {
            conflicts.increment();
          } else {
            writerErrors.putIfAbsent(state, DatabaseErrors.message(e));
            if (c.isClosed() || !c.isValid(5)) {
              return;
            }
          }
        }
      }
    } catch (SQLException e) {
      writerErrors.putIfAbsent("connect", DatabaseErrors.message(e));
    }
  }

  /** Changes that are never committed: capture writes them to the buffers, no refresh may apply them. */
  private static void rollBack(Connection c, Random random) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      long key = 1 + random.nextInt(1000);
      s.executeUpdate("UPDATE lineitem SET l_quantity = l_quantity + 1 WHERE l_orderkey IN (SELECT o_orderkey "
          + "FROM orders ORDER BY o_orderkey OFFSET " + key + " LIMIT 3)");
      s.executeUpdate("DELETE FROM partsupp WHERE ps_partkey = " + key + " AND NOT EXISTS (SELECT FROM lineitem "
          + "WHERE l_partkey = ps_partkey AND l_suppkey = ps_suppkey)");
      s.executeUpdate("UPDATE customer SET c_acctbal = c_acctbal + 1 WHERE c_custkey = " + key);
    } finally {
      c.rollback();
      c.setAutoCommit(true);
    }
  }

  private static long[] history(Connection c, long id, java.time.OffsetDateTime since) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE error IS NULL), "
        + "count(*) FILTER (WHERE error IS NOT NULL) FROM freshet.refresh_history "
        + "WHERE stream_table_id = ? AND started_at >= ?")) {
      ps.setLong(1, id);
      ps.setObject(2, since);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private static java.time.OffsetDateTime now(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getObject(1, java.time.OffsetDateTime.class);
    }
  }

  private static long scalarLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String joined(List<Long> samples) {
    synchronized (samples) {
      return samples.isEmpty() ? "no sample" : String.join(" ", samples.stream().map(Object::toString).toList());
    }
  }

  private static String elapsed(long nanos) {
    long seconds = nanos / 1_000_000_000L;
    return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }

  /** Counts the service's refresh and failure lines as it prints them. */
  void serviceLine(String line) {
    if (line.contains(" FAILED (")) {
      serviceFailures.increment();
      if (serviceFailureLines.size() < 20) {
        serviceFailureLines.add(line);
      }
    } else if (REFRESH_LINE.matcher(line).matches()) {
      serviceRefreshes.increment();
    }
  }

  /** One {@code freshet service} process of the run. */
  private static final class ServiceRun {
    private final int number;
    private final Process process;
    private final List<Long> rss = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> heap = java.util.Collections.synchronizedList(new ArrayList<>());
    private String ending = "running";

    private ServiceRun(int number, Process process) {
      this.number = number;
      this.process = process;
    }

    static ServiceRun start(Path logs, int number, List<String> connectionArguments, SoakCommand soak)
        throws IOException {
      List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-Xmx256m", "-cp", System.getProperty("java.class.path"), FreshetCli.class.getName(), "service",
          "--poll", "1s"));
      command.addAll(connectionArguments);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      ServiceRun run = new ServiceRun(number, process);
      Path log = logs.resolve("service-" + number + ".log");
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)); PrintWriter w = new PrintWriter(Files.newBufferedWriter(log), true)) {
          for (String line; (line = r.readLine()) != null; ) {
            w.println(line);
            soak.serviceLine(line);
          }
        } catch (IOException ignored) {
          // the process is gone
        }
      }, "soak-service-" + number);
      reader.setDaemon(true);
      reader.start();
      return run;
    }

    int number() {
      return number;
    }

    long pid() {
      return process.pid();
    }

    List<Long> rss() {
      return rss;
    }

    String ending() {
      return ending;
    }


    /**
     * The heap the service still uses after a full garbage collection (what would grow if it leaked), in MB,
     * through the JDK's {@code jcmd} ({@code GC.run}, then {@code GC.heap_info}); and its resident set size
     * from /proc (Linux), in MB, which a JVM grows towards its maximum heap whether it leaks or not.
     */
    void sampleMemory() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
          if (line.startsWith("VmRSS:")) {
            rss.add(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // not Linux, or the process ended
      }
      try {
        jcmd("GC.run");
        java.util.regex.Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
        if (used.find()) {
          heap.add(Long.parseLong(used.group(1)) / 1024);
        }
      } catch (IOException | RuntimeException ignored) {
        // no jcmd beside this JVM, or the process ended
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
      Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
      Process p = new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(process.pid()), command)
          .redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return text;
    }

    List<Long> heap() {
      return heap;
    }

    Optional<Long> lastHeapMb() {
      return heap.isEmpty() ? Optional.empty() : Optional.of(heap.get(heap.size() - 1));
    }

    void kill() throws InterruptedException {
      sampleMemory();
      process.destroyForcibly(); // SIGKILL
      process.waitFor();
      ending = "killed (SIGKILL)";
    }

    void stop() throws InterruptedException {
      process.destroy(); // SIGTERM
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        ending = "did not stop on SIGTERM within 30 s; killed";
      } else {
        ending = "stopped (SIGTERM) at the end";
      }
    }
  }
}
