package dev.freshet.tests.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.freshet.runtime.catalog.CatalogMigrations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@code R__refresh_functions.sql} reaches a catalog only when a migration to the latest version runs: {@code freshet
 * migrate} of a catalog already at that version leaves its functions as they were. So a change to that file must come
 * with a new version ({@code V<n+1>__….sql}, which may change nothing but a comment), or the databases migrated before
 * it keep the old functions: on 2026-12-06 two changes to it reached no existing catalog until V34 was added. This test
 * holds the file's hash as of the version that installed it; when it fails, add the version, then record {@code <n+1>
 * <hash>} (the hash the failure prints) in {@code refresh-functions.sha256}.
 */
class RefreshFunctionsVersionTest {

  @Test
  void theRefreshFunctionsChangeOnlyWithANewCatalogVersion() throws Exception {
    String[] recorded = recorded();
    int version = Integer.parseInt(recorded[0]);
    String hash = sha256(CatalogMigrations.class, "R__refresh_functions.sql");
    if (version == CatalogMigrations.LATEST) {
      assertEquals(recorded[1], hash, "R__refresh_functions.sql changed since catalog version " + version
          + " installed it: add V" + (version + 1) + "__<what changed>.sql (CatalogMigrations.RESOURCES), so that "
          + "migrating rewrites the functions, then record '" + (version + 1) + " " + hash
          + "' in refresh-functions.sha256");
    } else {
      assertEquals(version, CatalogMigrations.LATEST, "catalog version " + CatalogMigrations.LATEST
          + " is the latest: record '" + CatalogMigrations.LATEST + " " + hash + "' in refresh-functions.sha256");
    }
  }

  private static String[] recorded() throws IOException {
    try (InputStream in = RefreshFunctionsVersionTest.class.getResourceAsStream("refresh-functions.sha256")) {
      assertNotNull(in, "refresh-functions.sha256 beside this test");
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          return line.strip().split("\\s+");
        }
      }
    }
    throw new IllegalStateException("refresh-functions.sha256 records no version");
  }

  private static String sha256(Class<?> owner, String resource) throws IOException, NoSuchAlgorithmException {
    try (InputStream in = owner.getResourceAsStream(resource)) {
      assertNotNull(in, resource + " beside " + owner.getName());
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
    }
  }
}
