package dev.freshet.runtime.capture;

import dev.freshet.codegen.ddl.CapturePrinter;
import dev.freshet.planner.sql.Quoting;
import java.util.List;
import java.util.Objects;

/**
 * A source table's change buffer, as recorded in {@code freshet.change_buffers}.
 *
 * @param sourceRelid the source's {@code pg_class} oid
 * @param sourceSchema the source's schema when the buffer was last ensured
 * @param sourceTable the source's name when the buffer was last ensured
 * @param bufferTable the buffer's name inside {@code freshet_changes}
 * @param capturedColumns the source columns copied into the buffer, in buffer order
 */
public record ChangeBuffer(long sourceRelid, String sourceSchema, String sourceTable, String bufferTable,
    List<String> capturedColumns) {

  public ChangeBuffer {
    Objects.requireNonNull(sourceSchema, "sourceSchema");
    Objects.requireNonNull(sourceTable, "sourceTable");
    Objects.requireNonNull(bufferTable, "bufferTable");
    capturedColumns = List.copyOf(capturedColumns);
  }

  /** {@code "freshet_changes"."src_<relid>"}, ready to print into SQL. */
  public String qualifiedBufferName() {
    return Quoting.qualified(CapturePrinter.CHANGES_SCHEMA, bufferTable);
  }
}
