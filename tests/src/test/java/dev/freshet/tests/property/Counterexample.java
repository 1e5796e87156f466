package dev.freshet.tests.property;

/**
 * A property violation found while replaying a script. One subclass per kind, so that jqwik's
 * shrinking (which keeps only samples failing with the same exception class) stays on the same bug.
 * The message carries the script, annotated where it failed.
 */
abstract sealed class Counterexample extends AssertionError {

  Counterexample(String message, Throwable cause) {
    super(message, cause);
  }

  /** A one-word name of the kind, for statistics and reports. */
  abstract String kind();

  /**
   * What identifies the bug: the kind and, for errors, the first line of the message with numbers
   * blanked. Shrinking keeps only samples with the first failure's signature, so it never wanders
   * from one bug to another that fails at the same place.
   */
  String signature() {
    if (this instanceof Stale) {
      return kind();
    }
    String message = String.valueOf(getMessage());
    int newline = message.indexOf('\n');
    return kind() + ": " + (newline < 0 ? message : message.substring(0, newline)).replaceAll("[0-9]+", "#");
  }

  /** After the create or a refresh, the stream table differs from its query. */
  static final class Stale extends Counterexample {
    Stale(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    String kind() {
      return "stale";
    }
  }

  /** The stream table cannot even be compared with its query (e.g. a column of another type). */
  static final class Uncomparable extends Counterexample {
    Uncomparable(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    String kind() {
      return "uncomparable";
    }
  }

  /** A refresh ran in another mode than expected. */
  static final class WrongMode extends Counterexample {
    WrongMode(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    String kind() {
      return "wrong-mode";
    }
  }

  /** Creating the stream table failed for another reason than a refusal. */
  static final class CreateFailed extends Counterexample {
    CreateFailed(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    String kind() {
      return "create-failed";
    }
  }

  /** A refresh failed. */
  static final class RefreshFailed extends Counterexample {
    RefreshFailed(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    String kind() {
      return "refresh-failed";
    }
  }

  /** A workload statement failed inside Freshet's change capture. */
  static final class CaptureFailed extends Counterexample {
    CaptureFailed(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    String kind() {
      return "capture-failed";
    }
  }

  /** PostgreSQL itself rejects the generated query: a bug of the generator, not of Freshet. */
  static final class InvalidQuery extends Counterexample {
    InvalidQuery(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    String kind() {
      return "generator-bug";
    }
  }
}
