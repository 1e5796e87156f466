package dev.freshet.runtime.catalog;

import java.sql.SQLException;

/** The database's Freshet catalog was created or upgraded by a newer Freshet than this one. */
public final class CatalogTooNewException extends SQLException {

  private static final long serialVersionUID = 1L;

  private final int databaseVersion;
  private final int supportedVersion;

  public CatalogTooNewException(int databaseVersion, int supportedVersion) {
    super("the Freshet catalog in this database is at version " + databaseVersion + ", but this Freshet "
        + "supports catalog versions up to " + supportedVersion + ": upgrade Freshet to use this database");
    this.databaseVersion = databaseVersion;
    this.supportedVersion = supportedVersion;
  }

  public int databaseVersion() {
    return databaseVersion;
  }

  public int supportedVersion() {
    return supportedVersion;
  }
}
