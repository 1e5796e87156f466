package dev.freshet.codegen.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.codegen.refresh.ChangeTablePrinter.SourceColumn;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A joined source's change table is written in the order of one key ({@link ChangeTablePrinter#keyOrder}): the first
 * primary key column a join reads, else the first join key; none for a change table no join reads.
 */
class ChangeTableKeyOrderTest {

  private static final List<SourceColumn> COLUMNS = List.of(new SourceColumn("order key", "bigint", true),
      new SourceColumn("line", "integer", false), new SourceColumn("part", "integer", true),
      new SourceColumn("price", "numeric(15,2)", true, true, true));

  @Test
  void theFirstPrimaryKeyColumnAJoinReadsElseTheFirstJoinKey() {
    assertEquals(Optional.of("order key"), ChangeTablePrinter.keyOrder(List.of("order key", "line"),
        List.of("order key", "part"), true));
    assertEquals(Optional.of("line"), ChangeTablePrinter.keyOrder(List.of("order key", "line"),
        List.of("part", "line"), true), "a later column of the key, before a join key outside it");
    assertEquals(Optional.of("part"), ChangeTablePrinter.keyOrder(List.of(), List.of("part", "order key"), true),
        "no primary key: the first join key");
    assertEquals(Optional.empty(), ChangeTablePrinter.keyOrder(List.of("order key"), List.of(), true),
        "joined on no key (a cross join)");
    assertEquals(Optional.empty(), ChangeTablePrinter.keyOrder(List.of("order key"), List.of("order key"), false),
        "no join reads it: an aggregate reads it in any order");
  }

  @Test
  void bothFormsOfTheChangeTableEndInThatOrder() {
    Optional<String> key = Optional.of("order key");
    String consolidated = ChangeTablePrinter.create(List.of("pg_temp", "Δpublic.lines"), "\"freshet_changes\".\"src_1\"",
        COLUMNS, Optional.empty(), key);
    assertEquals("""
        CREATE TEMPORARY TABLE "Δpublic.lines" ON COMMIT DROP AS
        SELECT b."order key",
          NULL::integer AS "line",
          b."part",
          b."price",
          sum(b."__w")::integer AS "__w"
        FROM "freshet_changes"."src_1" AS b
        WHERE NOT b."__truncate"
          AND b."__xid" >= pg_snapshot_xmin($2::pg_snapshot)
          AND pg_visible_in_snapshot(b."__xid", $1::pg_snapshot)
          AND NOT pg_visible_in_snapshot(b."__xid", $2::pg_snapshot)
        GROUP BY 1, 3, 4, b."price"::text
        HAVING sum(b."__w") <> 0
        ORDER BY b."order key\"""", consolidated);
    String asIs = ChangeTablePrinter.createAsIs(List.of("pg_temp", "Δpublic.lines"), "\"freshet_changes\".\"src_1\"",
        COLUMNS, Optional.empty(), key);
    assertEquals("""
        CREATE TEMPORARY TABLE "Δpublic.lines" ON COMMIT DROP AS
        SELECT b."order key",
          NULL::integer AS "line",
          b."part",
          b."price",
          b."__w"::integer AS "__w"
        FROM "freshet_changes"."src_1" AS b
        WHERE NOT b."__truncate"
          AND b."__xid" >= pg_snapshot_xmin($2::pg_snapshot)
          AND pg_visible_in_snapshot(b."__xid", $1::pg_snapshot)
          AND NOT pg_visible_in_snapshot(b."__xid", $2::pg_snapshot)
        ORDER BY b."order key\"""", asIs);
    assertEquals(false, ChangeTablePrinter.create(List.of("pg_temp", "Δpublic.lines"), "b", COLUMNS, Optional.empty(),
        Optional.empty()).contains("ORDER BY"));
  }
}
