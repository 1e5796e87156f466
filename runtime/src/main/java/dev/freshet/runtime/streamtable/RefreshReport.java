package dev.freshet.runtime.streamtable;

import java.util.List;
import java.util.Optional;

/**
 * What one refresh did.
 *
 * @param deltaRows rows of the consolidated delta applied (bag tables) or groups touched (grouped tables)
 * @param windowRows buffered changes the refresh read, all sources together
 * @param modeReason why it ran in its mode, when something chose it: AUTO's estimate, a TRUNCATE
 * @param profile where its time went, step by step, when asked for; else empty
 */
public record RefreshReport(QualifiedName name, Mode modeUsed, List<String> changedSources,
    long rowsInserted, long rowsUpdated, long rowsDeleted, long deltaRows, long millis,
    Optional<String> fallbackReason, long windowRows, Optional<String> modeReason, List<RefreshStepTime> profile) {

  public RefreshReport {
    changedSources = List.copyOf(changedSources);
    profile = List.copyOf(profile);
  }

  /** {@code changed "public"."orders", "public"."lineitem"} or {@code no changes}. */
  public String changedText() {
    return changedText(changedSources);
  }

  /**
   * {@code changed "public"."orders", "public"."lineitem"} or {@code no changes}: the sources a refresh read
   * changes of, by the labels its program holds (quoted names, see {@link RefreshInstaller}).
   */
  public static String changedText(List<String> changedSources) {
    return changedSources.isEmpty() ? "no changes" : "changed " + String.join(", ", changedSources);
  }
}
