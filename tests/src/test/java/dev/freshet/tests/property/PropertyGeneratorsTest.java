package dev.freshet.tests.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Example;

/**
 * The generators alone, without a database: with a fixed seed, 300 scenarios cover every construct
 * and every generated kind of change, and each scenario's script is well formed. Fast, so a broken
 * generator shows up before the property runs.
 */
class PropertyGeneratorsTest {

  static final int SAMPLES = Integer.getInteger("freshet.property.samples", 300);

  @Example
  void generatedScenariosCoverEveryConstructAndChange() {
    RandomGenerator<Scenario> generator = Generators.scenarios().generator(1000);
    Random random = new Random(20261124L);
    Map<Construct, Integer> constructs = new EnumMap<>(Construct.class);
    Map<Change, Integer> changes = new EnumMap<>(Change.class);
    for (int i = 0; i < SAMPLES; i++) {
      Scenario s = generator.next(random).value();
      s.constructs().forEach(c -> constructs.merge(c, 1, Integer::sum));
      s.changes().forEach(c -> changes.merge(c, 1, Integer::sum));
      String script = s.script();
      assertEquals(1, script.lines().filter(l -> l.startsWith(Replay.CREATE)).count(), script);
      assertTrue(script.strip().endsWith(Replay.REFRESH + Scenario.STREAM_TABLE), script);
    }
    StringBuilder report = new StringBuilder();
    for (Construct c : Construct.values()) {
      report.append(String.format("%-32s %4d%n", c, constructs.getOrDefault(c, 0)));
    }
    for (Change c : Change.values()) {
      report.append(String.format("%-32s %4d%n", c, changes.getOrDefault(c, 0)));
    }
    System.out.println(report);
    for (Construct c : Construct.values()) {
      if (Generators.NOT_GENERATED.contains(c)) {
        assertEquals(0, constructs.getOrDefault(c, 0), () -> c + " must not be generated:\n" + report);
      } else {
        assertTrue(constructs.getOrDefault(c, 0) >= 3, () -> c + " rarely generated:\n" + report);
      }
    }
    for (Change c : Change.values()) {
      // observed while replaying, never generated
      if (c != Change.FAILED_STATEMENT && c != Change.REFRESH_AFTER_TRUNCATE && c != Change.PROGRAM_PUT_TOGETHER) {
        assertTrue(changes.getOrDefault(c, 0) >= 3, () -> c + " rarely generated:\n" + report);
      }
    }
  }
}
