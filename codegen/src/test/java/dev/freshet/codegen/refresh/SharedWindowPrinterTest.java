package dev.freshet.codegen.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.codegen.refresh.ChangeTablePrinter.SourceColumn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The statements of a window shared by stream tables refreshed together, for a source with hostile names. */
class SharedWindowPrinterTest {

  private static final List<SourceColumn> COLUMNS = List.of(new SourceColumn("id", "integer", true),
      new SourceColumn("My \"Key\"", "text", true), new SourceColumn("note", "text", false));

  private static final SharedWindowPrinter.SharedWindow SHARED = SharedWindowPrinter.print(16406,
      List.of("public", "Δpublic.Order \"Lines\""), "\"freshet_changes\".\"src_16406\"", COLUMNS, Optional.empty(),
      true, List.of("id", "My \"Key\""));

  @Test
  void theCopyHoldsEveryBufferedColumnOfTheWindow() {
    assertEquals("""
        CREATE TEMPORARY TABLE "Δwindow_16406" ON COMMIT DROP AS
        SELECT b.*
        FROM "freshet_changes"."src_16406" AS b
        WHERE NOT b."__truncate"
          AND b."__xid" >= pg_snapshot_xmin($2::pg_snapshot)
          AND (b."__xid" >= pg_snapshot_xmax($2::pg_snapshot)
            OR b."__xid" = ANY (string_to_array(split_part($2::pg_snapshot::text, ':', 3), ',')::xid8[]))
          AND pg_visible_in_snapshot(b."__xid", $1::pg_snapshot)
          AND NOT pg_visible_in_snapshot(b."__xid", $2::pg_snapshot)""", SHARED.window());
    assertEquals(List.of("SET LOCAL default_statistics_target = 10",
        "ANALYZE \"pg_temp\".\"Δwindow_16406\" (\"id\", \"My \"\"Key\"\"\")"), SHARED.prepare());
  }

  @Test
  void aViewProjectsTheCopyAndATableConsolidatesIt() {
    assertEquals("""
        CREATE TEMPORARY VIEW "Δpublic.Order ""Lines\""" AS
        SELECT b."id",
          b."My ""Key\""",
          NULL::text AS "note",
          b."__w"::integer AS "__w"
        FROM "pg_temp"."Δwindow_16406" AS b
        WHERE TRUE""", SHARED.view());
    assertEquals("""
        CREATE TEMPORARY TABLE "Δpublic.Order ""Lines\""" ON COMMIT DROP AS
        SELECT b."id",
          b."My ""Key\""",
          NULL::text AS "note",
          sum(b."__w")::integer AS "__w"
        FROM "pg_temp"."Δwindow_16406" AS b
        WHERE TRUE
        GROUP BY 1, 2
        HAVING sum(b."__w") <> 0""", SHARED.create());
  }

  @Test
  void eachJoinKeyHasAnIndexNamedByItWithinPostgresLimit() {
    assertEquals(2, SHARED.indexes().size());
    assertNotEquals(name(SHARED.indexes().get(0)), name(SHARED.indexes().get(1)));
    for (String index : SHARED.indexes()) {
      assertTrue(index.startsWith("CREATE INDEX IF NOT EXISTS \"Δwindow_16406_"), index);
      assertTrue(name(index).getBytes(StandardCharsets.UTF_8).length <= 63, index);
    }
    assertTrue(SHARED.indexes().get(1).endsWith(" ON \"pg_temp\".\"Δwindow_16406\" (\"My \"\"Key\"\"\")"));
    assertEquals(List.of(), SharedWindowPrinter.print(1, List.of("public", "Δpublic.t"), "b", COLUMNS,
        Optional.empty(), false, List.of()).prepare(), "no statistics when no join reads it");
  }

  private static String name(String createIndex) {
    return createIndex.split("\"")[1];
  }
}
