package dev.freshet.runtime.streamtable;

import java.util.Optional;

/**
 * The mode AUTO would choose for a stream table's next refresh (catalog V11, {@code freshet.auto_choice}):
 * DIFFERENTIAL unless a differential refresh of {@code windowRows} buffered changes is estimated to cost
 * more than a recompute.
 *
 * @param windowRows buffered changes the next refresh would read, all sources together
 * @param differentialMillis the estimate of a differential refresh, empty before one was measured
 * @param recomputeMillis what computing the whole stream table last cost, empty when never measured
 * @param reason one line: the estimates, or why there are none
 */
public record AutoChoice(Mode mode, long windowRows, Optional<Double> differentialMillis,
    Optional<Double> recomputeMillis, String reason) {
}
