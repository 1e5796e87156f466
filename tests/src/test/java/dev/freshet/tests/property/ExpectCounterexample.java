package dev.freshet.tests.property;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Inverts a property: it passes when jqwik finds (and shrinks) a {@link Counterexample}, and fails
 * when every try passes. Used with a planted defect, to prove that the suite can fail. The shrunk
 * counterexample and the seed are printed.
 */
public final class ExpectCounterexample implements AroundPropertyHook {

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    PropertyExecutionResult result = property.execute();
    String label = context.extendedLabel();
    if (result.status() == PropertyExecutionResult.Status.FAILED
        && result.throwable().filter(t -> t instanceof Counterexample).isPresent()) {
      Counterexample found = (Counterexample) result.throwable().get();
      String steps = result.shrunkSample().map(s -> ", shrunk in " + s.countShrinkingSteps() + " steps").orElse("");
      System.out.println("[freshet property] " + label + ": counterexample found after " + result.countTries()
          + " tries (seed " + result.seed().orElse("?") + ")" + steps + ": " + found.getMessage());
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
