package dev.freshet.runtime.streamtable;

import java.util.List;
import java.util.Optional;

/**
 * What one refresh did.
 *
 * @param deltaRows rows of the consolidated delta applied (bag tables) or groups touched (grouped tables)
 */
public record RefreshReport(QualifiedName name, Mode modeUsed, List<String> changedSources,
    long rowsInserted, long rowsUpdated, long rowsDeleted, long deltaRows, long millis,
    Optional<String> fallbackReason) {

  public RefreshReport {
    changedSources = List.copyOf(changedSources);
  }
}
