package dev.freshet.tests.property;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.Optional;
import net.jqwik.api.Shrinkable;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Shrinks a property's {@link Counterexample} greedily, on the property's own thread, within a time
 * budget ({@code -Dfreshet.property.shrink.seconds}, default {@link #DEFAULT_SECONDS}): take jqwik's
 * shrink candidates of the failing sample in order, keep the first that fails with the same
 * {@link Counterexample#signature()}, repeat until none does or time is up.
 *
 * <p>Properties using it run with {@code shrinking = ShrinkingMode.OFF}. jqwik's own shrinking does not
 * fit these generators: FULL enumerates and sorts every candidate of the deeply flat-mapped scenario
 * (regenerating each to measure it), which takes minutes even once each check is instant; BOUNDED runs
 * on another thread and leaves it running at its deadline, on the shared connection.
 */
public final class GreedyShrinking implements AroundPropertyHook {

  static final int DEFAULT_SECONDS = 90;

  /**
   * The deadline of the shrinking under way ({@link System#nanoTime()}), or 0 when none is. Checked
   * between candidates here, and inside jqwik's candidate stream by {@link Generators#then}: a single
   * {@code hasNext()} of that stream regenerated a seed-61 scenario for over 15 minutes.
   */
  private static volatile long deadline;

  /** Thrown from within jqwik's shrink candidate stream when the time budget is spent. */
  private static final class OutOfTime extends RuntimeException {
    OutOfTime() {
      super("shrinking time budget spent", null, false, false);
    }
  }

  /** Throws {@link OutOfTime} if a shrinking is under way and its time budget is spent. */
  static void checkDeadline() {
    long d = deadline;
    if (d != 0 && System.nanoTime() - d > 0) {
      throw new OutOfTime();
    }
  }

  /** The shrunk counterexample: its message says how it was shrunk, then the failing script. */
  static final class Shrunk extends AssertionError {
    Shrunk(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    return shrink(context, property.execute(), Integer.getInteger(PropertySettings.SHRINK_SECONDS, DEFAULT_SECONDS));
  }

  @Override
  public int aroundPropertyProximity() {
    return -20; // inside PropertySettings and ExpectCounterexample, outside jqwik's own hooks
  }

  /** {@code result} with its counterexample shrunk, or unchanged if it holds none. */
  static PropertyExecutionResult shrink(PropertyLifecycleContext context, PropertyExecutionResult result, int seconds) {
    if (result.status() != PropertyExecutionResult.Status.FAILED || result.originalSample().isEmpty()
        || !(result.throwable().orElse(null) instanceof Counterexample original)
        || result.originalSample().get().shrinkables().size() != 1) {
      return result;
    }
    long start = System.nanoTime();
    Shrinkable<Object> current = result.originalSample().get().shrinkables().get(0);
    Counterexample failure = original;
    int steps = 0;
    boolean timedOut = false;
    deadline = start + seconds * 1_000_000_000L;
    try {
      search:
      while (true) {
        Iterator<Shrinkable<Object>> candidates = current.shrink().iterator();
        while (candidates.hasNext()) {
          Shrinkable<Object> candidate = candidates.next();
          Object value = candidate.value();
          checkDeadline();
          Optional<Counterexample> f = check(context, value);
          if (f.isPresent() && f.get().signature().equals(original.signature())) {
            current = candidate;
            failure = f.get();
            steps++;
            continue search;
          }
        }
        break;
      }
    } catch (OutOfTime e) {
      timedOut = true;
    } finally {
      deadline = 0;
    }
    String how = "Counterexample shrunk greedily in " + steps + " steps, " + (System.nanoTime() - start) / 1_000_000_000L
        + " s" + (timedOut ? " (time budget of " + seconds + " s spent; -D" + PropertySettings.SHRINK_SECONDS
        + " gives more)" : "") + ", seed " + result.seed().orElse("?")
        + ". jqwik's 'Sample' below is the original, unshrunk one.\n" + failure.signature() + "\n\n";
    return result.mapToFailed(new Shrunk(how + failure.getMessage(), failure));
  }

  /** Runs the property method on one value; the counterexample it throws, if any. */
  private static Optional<Counterexample> check(PropertyLifecycleContext context, Object value) {
    Method method = context.targetMethod();
    try {
      method.setAccessible(true);
      method.invoke(context.testInstance(), value);
      return Optional.empty();
    } catch (InvocationTargetException e) {
      return e.getCause() instanceof Counterexample c ? Optional.of(c) : Optional.empty();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
