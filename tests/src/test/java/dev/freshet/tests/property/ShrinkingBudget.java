package dev.freshet.tests.property;

/**
 * A time budget for jqwik's FULL (synchronous) shrinking: started at a property's first failure; once
 * spent, the property body returns without checking, every remaining candidate passes, and jqwik
 * reports the smallest counterexample found so far. (jqwik's own BOUNDED mode shrinks on another
 * thread and leaves it running at the deadline: unusable with a shared database connection.)
 */
final class ShrinkingBudget {

  private final long budgetNanos;
  private long firstFailureNanos;

  ShrinkingBudget(int seconds) {
    this.budgetNanos = seconds * 1_000_000_000L;
  }

  /** Call before each property run. */
  void reset() {
    firstFailureNanos = 0;
  }

  /** Call when a try fails (the first failure starts the clock). */
  void failed() {
    if (firstFailureNanos == 0) {
      firstFailureNanos = System.nanoTime();
    }
  }

  boolean shrinking() {
    return firstFailureNanos != 0;
  }

  boolean exhausted() {
    return firstFailureNanos != 0 && System.nanoTime() - firstFailureNanos > budgetNanos;
  }
}
