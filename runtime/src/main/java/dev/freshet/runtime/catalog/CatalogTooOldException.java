package dev.freshet.runtime.catalog;

import java.sql.SQLException;

/**
 * The database's Freshet catalog was created by an older Freshet: only {@code freshet migrate} upgrades it,
 * so that an operator chooses when (services of the older version stop refreshing once it is upgraded).
 */
public final class CatalogTooOldException extends SQLException {

  private static final long serialVersionUID = 1L;

  public CatalogTooOldException(int databaseVersion, int supportedVersion) {
    super("the Freshet catalog in this database is at version " + databaseVersion + ", older than this Freshet's "
        + "(version " + supportedVersion + "): run 'freshet migrate' to upgrade it ('freshet migrate --dry-run' "
        + "lists the steps); Freshet processes of the older version stop working once it is upgraded");
  }
}
