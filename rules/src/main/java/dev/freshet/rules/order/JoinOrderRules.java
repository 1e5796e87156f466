package dev.freshet.rules.order;

/** The rules that order the joins of delta terms. */
public final class JoinOrderRules {

  private JoinOrderRules() {
  }

  /** @see DeltaFirstJoinOrderRule */
  public static final DeltaFirstJoinOrderRule DELTA_FIRST_JOIN_ORDER = DeltaFirstJoinOrderRule.Config.DEFAULT.toRule();
}
