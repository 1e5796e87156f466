package dev.freshet.tests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The release artifact, {@code freshet-VERSION.jar} (built by {@code ./mvnw -B package}, module dist), runs
 * the command line with {@code java -jar} in a process of its own against a real database, and carries
 * the embedded PostgreSQL of one platform only.
 */
@PostgresTest
class ReleaseJarTest {

  private static Path jar() {
    String property = System.getProperty("freshet.release.jar");
    assertNotNull(property, "freshet.release.jar is set by the tests module's pom");
    Path jar = Path.of(property);
    assertTrue(Files.isRegularFile(jar), () -> "no release jar at " + jar + ": './mvnw -B package' builds it");
    return jar;
  }

  private record Run(int exitCode, String output) {
  }

  private static Run run(String... args) throws IOException, InterruptedException {
    return run(List.of(), args);
  }

  private static Run run(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "freshet did not exit: " + output);
    return new Run(process.exitValue(), output);
  }

  @Test
  void javaDashJarRunsTheCommandLineAgainstAnExistingDatabase(TestDatabase db) throws Exception {
    Run version = run("--version");
    assertEquals(0, version.exitCode(), version.output());
    assertTrue(version.output().contains("0.1.0"), version.output());

    Run create = run("create", "release_st", "--query", "SELECT 1 AS one", "--jdbc-url", db.jdbcUrl());
    assertEquals(0, create.exitCode(), create.output());
    Run list = run("list", "--jdbc-url", db.jdbcUrl());
    assertEquals(0, list.exitCode(), list.output());
    assertTrue(list.output().contains("release_st"), list.output());
  }

  /** Elsewhere (macOS simulated: the binaries are chosen by os.name) demo says what to do instead. */
  @Test
  void withoutBinariesForThePlatformDemoAsksForADatabase() throws Exception {
    Run demo = run(List.of("-Dos.name=Mac OS X"), "demo");
    assertEquals(4, demo.exitCode(), demo.output());
    assertTrue(demo.output().startsWith("error: cannot start the embedded PostgreSQL: this build of Freshet carries no "
        + "PostgreSQL binaries for Mac OS X") && demo.output().contains("give --jdbc-url"), demo.output());
    assertFalse(demo.output().contains("maven dependency"), demo.output());
  }

  /**
   * The jar starts with a launcher compiled for Java 8 (class file version 52), so that a JVM older than 21
   * loads it and is refused in one line instead of an UnsupportedClassVersionError (unit-tested in dist); and
   * it is the only jar the build leaves in dist/target, the one to run.
   */
  @Test
  void theJarStartsWithALauncherOlderJavasCanLoadAndIsTheOnlyJar() throws IOException {
    try (ZipFile zip = new ZipFile(jar().toFile())) {
      String manifest = new String(zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF")).readAllBytes(),
          StandardCharsets.UTF_8);
      assertTrue(manifest.contains("Main-Class: dev.freshet.dist.FreshetLauncher"), manifest);
      byte[] launcher = zip.getInputStream(zip.getEntry("dev/freshet/dist/FreshetLauncher.class")).readAllBytes();
      assertEquals(52, ((launcher[6] & 0xff) << 8) | (launcher[7] & 0xff), "class file major version");
    }
    try (var files = Files.list(jar().getParent())) {
      assertEquals(List.of(jar().getFileName().toString()), files.map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".jar")).toList());
    }
  }

  @Test
  void theJarCarriesTheEmbeddedPostgresOfOnePlatform() throws IOException {
    try (ZipFile zip = new ZipFile(jar().toFile())) {
      List<String> binaries = zip.stream().map(e -> e.getName()).filter(n -> n.startsWith("postgres-")
          && n.endsWith(".txz")).toList();
      assertEquals(List.of("postgres-linux-x86_64.txz"), binaries);
      assertFalse(zip.stream().anyMatch(e -> e.getName().contains("darwin")), "no macOS binaries");
    }
  }
}
