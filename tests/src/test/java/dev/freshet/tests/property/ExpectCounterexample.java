package dev.freshet.tests.property;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Inverts a property: it passes when jqwik finds a {@link Counterexample} (shrunk by
 * {@link GreedyShrinking}), and fails when every try passes. Used with a planted defect, to prove that the suite can fail. The shrunk
 * counterexample and the seed are printed.
 */
public final class ExpectCounterexample implements AroundPropertyHook {

  /** Shrinking time for a planted defect's counterexample. */
  static final int SHRINK_SECONDS = 10;

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    PropertyExecutionResult result = GreedyShrinking.shrink(context, property.execute(), SHRINK_SECONDS);
    String label = context.extendedLabel();
    if (result.status() == PropertyExecutionResult.Status.FAILED
        && result.throwable().filter(t -> t instanceof GreedyShrinking.Shrunk).isPresent()) {
      System.out.println("[freshet property] " + label + ": counterexample found after " + result.countTries()
          + " tries. " + result.throwable().get().getMessage());
      return result.mapToSuccessful();
    }
    if (result.status() == PropertyExecutionResult.Status.SUCCESSFUL) {
      return result.mapToFailed("no counterexample in " + result.countTries() + " tries (seed "
          + result.seed().orElse("?") + "): the planted defect went undetected");
    }
    return result;
  }

  @Override
  public int aroundPropertyProximity() {
    return -50; // outside jqwik's own hooks, inside PropertySettings
  }
}
