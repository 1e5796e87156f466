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

  /** {@code changed "public"."orders", "public"."lineitem"}, {@code no source changed} or {@code no changes}. */
  public String changedText() {
    return changedText(changedSources, modeReason);
  }

  /**
   * Why a FULL refresh of a query with now() or random() recomputed with no source changed: every refresh does.
   * refresh_window (R__refresh_functions.sql) gives it as its mode reason and records it in the refresh's
   * history row, so the history keeps it after an alter gives the stream table a query that does not recompute.
   */
  public static final String RECOMPUTED_EVERY_REFRESH = "recomputed at every refresh";

  /**
   * {@code changed "public"."orders", "public"."lineitem"}: the sources a refresh read changes of, by the labels
   * its program holds (quoted names, see {@link RefreshInstaller}); when none changed, {@code no source changed}
   * if it recomputed all the same ({@code modeReason} says why: a query with now() or random() is recomputed at
   * every refresh, {@code refresh --full}), else {@code no changes}: it did nothing.
   */
  public static String changedText(List<String> changedSources, Optional<String> modeReason) {
    if (!changedSources.isEmpty()) {
      return "changed " + String.join(", ", changedSources);
    }
    return modeReason.isPresent() ? "no source changed" : "no changes";
  }
}
