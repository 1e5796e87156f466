package dev.freshet.runtime.streamtable;

/** How a stream table is refreshed. */
public enum Mode {
  /** Apply deltas; queries outside the maintained set are refused at creation. */
  DIFFERENTIAL,
  /** Recompute and diff-merge at every refresh. */
  FULL,
  /** DIFFERENTIAL when the query is admitted, else FULL with the reason recorded. */
  AUTO
}
