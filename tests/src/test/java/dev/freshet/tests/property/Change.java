package dev.freshet.tests.property;

/** The kinds of change a workload makes, as the generators label them. */
enum Change {
  INSERT(true), INSERT_ON_CONFLICT_DO_NOTHING(true), UPDATE_VALUE(true), UPDATE_KEY(true),
  UPDATE_JOIN_COLUMN(true), UPDATE_TO_NULL(true), UPDATE_OF_NULL(true), DELETE(true), DELETE_ALL(true),
  TRUNCATE(true), MULTI_STATEMENT_TRANSACTION(true), ROLLBACK(true), CHANGE_TO_UNREAD_TABLE(true),
  REFRESH(true), REFRESH_EMPTY_WINDOW(true),
  /** refresh --full: a recompute over the existing state tables, applied as a diff (AUTO's other choice). */
  REFRESH_FULL(true),
  /** Observed while running, not generated: a statement failed (e.g. a duplicate key), so its transaction rolled back. */
  FAILED_STATEMENT(false),
  /** Observed: a refresh whose window held a committed TRUNCATE of a source (FULL expected). */
  REFRESH_AFTER_TRUNCATE(true),
  /**
   * Observed: a refresh that put its program together from the pieces of the one for all sources (three or more
   * changed of four or more: catalog V29), counted when it is installed.
   */
  PROGRAM_PUT_TOGETHER(false);

  /** Whether the run fails when this kind never occurred. */
  final boolean required;

  Change(boolean required) {
    this.required = required;
  }
}
