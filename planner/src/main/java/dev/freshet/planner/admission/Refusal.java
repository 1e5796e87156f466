package dev.freshet.planner.admission;

import dev.freshet.planner.SourcePosition;
import java.util.Objects;

/**
 * Why a construct of a defining query is not maintained, where it is, and what the user can do.
 * In DIFFERENTIAL mode a refusal is an error; in AUTO mode it is the recorded fallback reason.
 */
public record Refusal(ReasonCode reason, SourcePosition position, String message, String fix) {
  public Refusal {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(fix, "fix");
  }

  /** One line for logs and errors: {@code FR003 at line 2, column 5: ... (fix: ...)}. */
  public String summary() {
    return reasonLine() + (fix.isEmpty() ? "" : " (fix: " + fix + ")");
  }

  /**
   * The reason alone, for where the fix was already applied: the fallback an AUTO stream table records
   * and {@code status} shows ({@code FR003 at line 2, column 5: ...}), which "use --mode FULL or AUTO"
   * would only confuse.
   */
  public String reasonLine() {
    return reason.code() + " " + reason.name().toLowerCase(java.util.Locale.ROOT)
        + (position.isKnown() ? " at " + position : "") + ": " + message;
  }
}
