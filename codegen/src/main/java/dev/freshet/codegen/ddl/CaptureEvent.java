package dev.freshet.codegen.ddl;

/** The statements a source table's capture triggers fire on; each has its own trigger and function. */
public enum CaptureEvent {
  INSERT("ins"),
  UPDATE("upd"),
  DELETE("del"),
  TRUNCATE("trunc");

  private final String suffix;

  CaptureEvent(String suffix) {
    this.suffix = suffix;
  }

  /** {@code ins}, {@code upd}, {@code del} or {@code trunc}. */
  public String suffix() {
    return suffix;
  }

  /** The trigger's name on the source table, the same for every source: {@code freshet_capture_ins}, …. */
  public String triggerName() {
    return "freshet_capture_" + suffix;
  }
}
