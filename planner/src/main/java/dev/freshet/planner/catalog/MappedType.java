package dev.freshet.planner.catalog;

import java.util.Objects;
import org.apache.calcite.rel.type.RelDataType;

/** What a PostgreSQL type becomes in Calcite: a type, or a reason why there is none. */
public sealed interface MappedType {

  /** The Calcite type for the PostgreSQL type (see {@link PgTypeMapping} for the two approximations). */
  record Supported(RelDataType type) implements MappedType {
    public Supported {
      Objects.requireNonNull(type, "type");
    }
  }

  /** No Calcite type holds exactly these values; {@code reason} says why, for the user. */
  record Unsupported(String reason) implements MappedType {
    public Unsupported {
      Objects.requireNonNull(reason, "reason");
      if (reason.isBlank()) {
        throw new IllegalArgumentException("an unsupported type needs a reason");
      }
    }
  }
}
