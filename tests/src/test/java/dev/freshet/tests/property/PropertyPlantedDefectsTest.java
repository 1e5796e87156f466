package dev.freshet.tests.property;

import dev.freshet.planner.FaultInjection;
import dev.freshet.planner.FaultInjection.Fault;
import java.sql.Connection;
import java.util.Collections;
import java.util.Set;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A suite that cannot fail proves nothing: with a known defect planted ({@link FaultInjection}), the
 * differential property must find a counterexample within the CI budget (fixed seed, at most 200
 * tries), then shrink it for at most {@link ExpectCounterexample#SHRINK_SECONDS} s
 * ({@link GreedyShrinking}; not jqwik's BOUNDED mode, which leaves its shrinking thread running, with
 * the fault planted, after its deadline). A counterexample counts only if the same scenario passes
 * with the defect removed, so a real bug elsewhere cannot stand in for the planted one.
 */
class PropertyPlantedDefectsTest {

  private static PropertyDatabase database;
  private static Connection connection;

  @BeforeContainer
  static void openDatabase() throws Exception {
    database = PropertyDatabase.create("planted");
    connection = database.connect();
  }

  @AfterContainer
  static void dropDatabase() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Provide
  Arbitrary<Scenario> joins() {
    return Generators.scenarios().filter(s -> !Collections.disjoint(s.constructs(),
        Set.of(Construct.JOIN_2, Construct.JOIN_3)));
  }

  @Provide
  Arbitrary<Scenario> extrema() {
    return Generators.scenarios().filter(s -> !Collections.disjoint(s.constructs(),
        Set.of(Construct.MIN, Construct.MAX)));
  }

  @Property(tries = 200, seed = "20261124", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  @AddLifecycleHook(ExpectCounterexample.class)
  void joinWithoutPreStateIsFound(@ForAll("joins") Scenario scenario) throws Exception {
    checkWith(Fault.JOIN_WITHOUT_PRE_STATE, scenario);
  }

  @Property(tries = 200, seed = "20261124", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  @AddLifecycleHook(ExpectCounterexample.class)
  void extremumWithoutRescanIsFound(@ForAll("extrema") Scenario scenario) throws Exception {
    checkWith(Fault.EXTREMUM_WITHOUT_RESCAN, scenario);
  }

  /** Fails iff the scenario fails with {@code fault} planted and passes without it. */
  private static void checkWith(Fault fault, Scenario scenario) throws Exception {
    Counterexample withFault = null;
    // Replay creates a fresh stream table, so nothing compiled before the fault was planted is reused.
    try (AutoCloseable planted = FaultInjection.plant(fault)) {
      Replay.run(connection, scenario.script());
    } catch (Counterexample e) {
      withFault = e;
    }
    if (withFault == null) {
      return;
    }
    try {
      Replay.run(connection, scenario.script());
    } catch (Counterexample e) {
      return; // fails without the fault too: a real bug, not what this test looks for
    }
    throw withFault;
  }
}
