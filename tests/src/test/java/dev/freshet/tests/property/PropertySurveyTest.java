package dev.freshet.tests.property;

import java.sql.Connection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;

/**
 * A triage tool, off unless {@code -Dfreshet.property.survey=N}: runs N generated scenarios without
 * stopping at the first failure, groups failures by {@link Counterexample#signature()}, shrinks one
 * of each (greedily, with jqwik's shrinkables) and prints each as a script. Seed:
 * {@code -Dfreshet.property.seed} (default 1).
 */
class PropertySurveyTest {

  static final String SURVEY = "freshet.property.survey";
  static final String REPLAY = "freshet.property.replay";

  /**
   * {@code -Dfreshet.property.replay=FILE[,FILE...]}: replays printed scripts, logs how each ends, and
   * fails if any fails.
   */
  @Example
  void replayFiles() throws Exception {
    String files = System.getProperty(REPLAY);
    if (files == null || files.isBlank()) {
      return;
    }
    int failed = 0;
    try (PropertyDatabase db = PropertyDatabase.create("replay"); Connection c = db.connect()) {
      for (String file : files.split(",")) {
        String script = java.nio.file.Files.readString(java.nio.file.Path.of(file.strip()));
        try {
          log("[freshet replay] " + file + ": " + Replay.run(c, script));
        } catch (Counterexample e) {
          failed++;
          java.io.StringWriter trace = new java.io.StringWriter();
          if (e.getCause() != null && !(e.getCause() instanceof java.sql.SQLException)) {
            e.getCause().printStackTrace(new java.io.PrintWriter(trace));
          }
          log("[freshet replay] " + file + ": " + e.signature() + "\n" + e.getMessage() + "\n" + trace);
        }
      }
    }
    if (failed > 0) {
      throw new AssertionError(failed + " scripts failed; see target/property-survey.log");
    }
  }

  @Example
  void survey() throws Exception {
    String n = System.getProperty(SURVEY);
    if (n == null || n.isBlank()) {
      return;
    }
    long seed = Long.parseLong(System.getProperty(PropertySettings.SEED, "1"));
    Coverage.reset();
    Map<String, Shrinkable<Scenario>> failures = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (PropertyDatabase db = PropertyDatabase.create("survey"); Connection c = db.connect()) {
      RandomGenerator<Scenario> generator = Generators.scenarios().generator(1000);
      Random random = new Random(seed);
      for (int i = 0; i < Integer.parseInt(n.strip()); i++) {
        Shrinkable<Scenario> sample = generator.next(random);
        long start = System.nanoTime();
        Optional<Counterexample> failure = failure(c, sample.value());
        log(String.format("%4d %6d ms %s %s", i, (System.nanoTime() - start) / 1_000_000,
            sample.value().query().shape(), failure.map(Counterexample::signature).orElse("ok")));
        if (failure.isPresent()) {
          String signature = failure.get().signature();
          counts.merge(signature, 1, Integer::sum);
          failures.merge(signature, sample,
              (a, b) -> a.value().script().length() <= b.value().script().length() ? a : b);
        }
      }
      log("[freshet survey] seed " + seed + ", " + n + " scenarios\n" + Coverage.report());
      for (Map.Entry<String, Shrinkable<Scenario>> e : failures.entrySet()) {
        Shrinkable<Scenario> shrunk = shrink(c, e.getValue(), e.getKey(), 40);
        log("[freshet survey] " + counts.get(e.getKey()) + " x " + e.getKey() + "\n" + shrunk.value().script());
      }
    }
  }

  /** Appends to target/property-survey.log (surefire keeps test output until the test ends). */
  static void log(String line) throws java.io.IOException {
    System.out.println(line);
    java.nio.file.Files.writeString(java.nio.file.Path.of("target", "property-survey.log"), line + "\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  /** The counterexample a scenario yields, if any (refusals are recorded, not failures). */
  static Optional<Counterexample> failure(Connection c, Scenario s) throws Exception {
    try {
      return run(c, s);
    } catch (java.sql.SQLException | RuntimeException e) {
      // not a Counterexample: the harness itself failed; report it as one so the survey goes on
      return Optional.of(new Counterexample.CreateFailed("harness error: " + e, e));
    }
  }

  private static Optional<Counterexample> run(Connection c, Scenario s) throws Exception {
    try {
      Replay.Result r = Replay.run(c, s.script());
      if (r.refusal().isPresent()) {
        Coverage.refused(s, r.refusal().get());
        log("[freshet survey] refused: " + r.refusal().get() + "\n" + s.script()); // the data, to triage it
      } else {
        Coverage.accepted(s, r);
      }
      return Optional.empty();
    } catch (Counterexample e) {
      return Optional.of(e);
    }
  }

  /** Greedy shrinking: take the first smaller candidate that fails the same way, until none does. */
  static Shrinkable<Scenario> shrink(Connection c, Shrinkable<Scenario> failing, String signature, int maxSeconds)
      throws Exception {
    Shrinkable<Scenario> current = failing;
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      boolean smaller = false;
      Iterator<Shrinkable<Scenario>> candidates = current.shrink().limit(100).iterator();
      while (candidates.hasNext() && System.nanoTime() < deadline) {
        Shrinkable<Scenario> candidate = candidates.next();
        Optional<Counterexample> f = failure(c, candidate.value());
        if (f.isPresent() && f.get().signature().equals(signature)) {
          current = candidate;
          smaller = true;
          break;
        }
      }
      if (!smaller) {
        break;
      }
    }
    return current;
  }
}
