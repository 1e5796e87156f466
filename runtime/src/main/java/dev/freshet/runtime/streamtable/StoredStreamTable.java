package dev.freshet.runtime.streamtable;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** A stream table as recorded in {@code freshet.stream_tables}. */
public record StoredStreamTable(long id, QualifiedName name, String owner, String definingQuery,
    Mode requestedMode, Mode effectiveMode, Optional<String> fallbackReason, List<String> notes,
    Optional<String> schedule, String status, Optional<String> lastSnapshot,
    Optional<OffsetDateTime> lastRefreshAt, Optional<String> lastError, OffsetDateTime createdAt,
    List<String> searchPath, Optional<String> pendingRebuild, int planRevision) {

  /**
   * @param searchPath the search_path it was created under, where the defining query's unqualified
   *     names resolve; empty if not recorded (then the session's)
   * @param pendingRebuild why its next refresh rebuilds it: DDL on a source, recorded as it happened
   *     (catalog V15, when a superuser installed its event trigger); cleared by a refresh that succeeds
   * @param planRevision the revision of Freshet's plans it was compiled at (catalog V39; 0 before it): its state
   *     tables are laid out by it, so it is compiled again at it until an alter rebuilds it
   *     ({@link dev.freshet.rules.shape.ShapeAnalyzer#PLAN_REVISION})
   */
  public StoredStreamTable {
    notes = List.copyOf(notes);
    searchPath = List.copyOf(searchPath);
  }
}
