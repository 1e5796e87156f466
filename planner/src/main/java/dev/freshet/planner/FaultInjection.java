package dev.freshet.planner;

import java.util.EnumSet;
import java.util.Set;

/**
 * Known defects that tests can plant to prove the property suite finds them (a suite that cannot fail
 * proves nothing). Off unless a test turns one on; never set outside tests.
 */
public final class FaultInjection {

  /** A planted defect. */
  public enum Fault {
    /** JoinDeltaRule joins ΔA with B1 instead of B0: loses the ΔA⋈ΔB correction. */
    JOIN_WITHOUT_PRE_STATE,
    /** MIN/MAX never rescan a group when the extremum leaves. */
    EXTREMUM_WITHOUT_RESCAN,
    /**
     * Sub-queries are decorrelated as they were before the fix: in one pass of Calcite's decorrelator,
     * without {@code ConstantKeyAggregateRule}; an EXISTS over a nested correlated sub-query is then
     * planned as TRUE (the planner bug found by a held-out suite).
     */
    CONSTANT_KEYS_UNGUARDED
  }

  private static final Set<Fault> ACTIVE = EnumSet.noneOf(Fault.class);

  private FaultInjection() {
  }

  public static synchronized boolean active(Fault fault) {
    return ACTIVE.contains(fault);
  }

  /** Turns {@code fault} on until the returned handle is closed. */
  public static synchronized AutoCloseable plant(Fault fault) {
    ACTIVE.add(fault);
    return () -> {
      synchronized (FaultInjection.class) {
        ACTIVE.remove(fault);
      }
    };
  }
}
