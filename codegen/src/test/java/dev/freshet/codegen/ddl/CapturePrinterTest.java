package dev.freshet.codegen.ddl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The exact DDL of change capture; ChangeCaptureTest runs it on PostgreSQL. */
class CapturePrinterTest {

  private static final List<CapturedColumn> COLUMNS = List.of(
      CapturedColumn.of("id", "integer"),
      new CapturedColumn("name", "character varying(40)", List.of("pg_catalog", "C")));

  @Test
  void names() {
    assertEquals("src_16384", CapturePrinter.bufferTable(16384));
    assertEquals("\"freshet_changes\".\"src_16384\"", CapturePrinter.qualifiedBufferTable(16384));
    assertEquals("src_16384_upd", CapturePrinter.functionName(16384, CaptureEvent.UPDATE));
    assertEquals("freshet_capture_trunc", CaptureEvent.TRUNCATE.triggerName());
    assertEquals("src_4294967295", CapturePrinter.bufferTable(4294967295L));
    assertThrows(IllegalArgumentException.class, () -> CapturePrinter.bufferTable(0));
    assertThrows(IllegalArgumentException.class, () -> CapturePrinter.bufferTable(4294967296L));
  }

  @Test
  void buffer() {
    assertEquals(List.of("""
            CREATE TABLE "freshet_changes"."src_16384" (
              "__xid" "pg_catalog"."xid8" NOT NULL DEFAULT "pg_catalog"."pg_current_xact_id"(),
              "__seq" bigint GENERATED ALWAYS AS IDENTITY,
              "__w" integer NOT NULL,
              "__truncate" boolean NOT NULL DEFAULT false,
              "__at" timestamp with time zone NOT NULL DEFAULT "pg_catalog"."now"(),
              "id" integer,
              "name" character varying(40) COLLATE "pg_catalog"."C"
            )""",
        "CREATE INDEX \"src_16384_xid_idx\" ON \"freshet_changes\".\"src_16384\" (\"__xid\")",
        "CREATE INDEX IF NOT EXISTS \"src_16384_truncate_idx\" ON \"freshet_changes\".\"src_16384\" (\"__xid\")"
            + " WHERE \"__truncate\"",
        "COMMENT ON TABLE \"freshet_changes\".\"src_16384\" IS "
            + "'Freshet change buffer of \"shop\".\"order''s\" (relation id 16384)'"),
        CapturePrinter.createBuffer(16384, "shop", "order's", COLUMNS));
  }

  @Test
  void widening() {
    assertEquals("""
        ALTER TABLE "freshet_changes"."src_7"
          ADD COLUMN "id" integer,
          ADD COLUMN "name" character varying(40) COLLATE "pg_catalog"."C\"""",
        CapturePrinter.addColumns(7, COLUMNS));
    assertThrows(IllegalArgumentException.class, () -> CapturePrinter.addColumns(7, List.of()));
  }

  @Test
  void functions() {
    List<String> functions = CapturePrinter.createFunctions(7, List.of("id", "name"), List.of(
        SourceAttribute.of("id", 1, 23), SourceAttribute.of("note", 3, 25),
        new SourceAttribute("name", 4, 1043, 44, 950), SourceAttribute.of("later", 5, 23)));
    assertEquals(5, functions.size());
    assertEquals("""
        CREATE OR REPLACE FUNCTION "freshet_changes"."src_7_ins"()
        RETURNS trigger
        LANGUAGE plpgsql
        SECURITY DEFINER
        SET search_path = "pg_catalog", "pg_temp"
        SET jit = off
        AS $freshet$
        BEGIN
          -- Source columns are read by position: renaming one does not break capture.
          -- When a captured column is no longer the one it was written for, capture stops with a marker.
          IF pg_catalog.to_regclass('"freshet_changes"."src_7_columns_in_use"') IS NULL
             OR (SELECT COALESCE(pg_catalog.string_agg(a.attnum::pg_catalog.text
                          || CASE WHEN a.attnum = ANY (('{1,4}')::pg_catalog.int2[])
                                  THEN ':' || a.atttypid::pg_catalog.int8 || ':' || a.atttypmod || ':'
                                       || a.attcollation::pg_catalog.int8
                                  ELSE '' END, ',' ORDER BY a.attnum), '')
                 FROM pg_catalog.pg_attribute AS a
                 WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND a.attnum <= (SELECT pg_catalog.max(x)
                                    FROM pg_catalog.unnest(('{1,4}')::pg_catalog.int2[]) AS x))
                IS DISTINCT FROM '1:23:-1:0,3,4:1043:44:950' THEN
            IF pg_catalog.to_regclass('"freshet_changes"."src_7_columns_in_use"') IS NOT NULL THEN
              -- Columns were dropped or changed type since this was written: each captured column
              -- still there with its type is read where it is now (found by its number),
              -- one dropped or retyped is NULL (the stream tables reading it recompute), until the next
              -- refresh writes this function anew.
              DECLARE
                v_at pg_catalog.text[] := ARRAY(
                  SELECT CASE WHEN EXISTS (
                           SELECT FROM pg_catalog.pg_attribute AS a
                           WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum = k.attnum
                             AND NOT a.attisdropped
                             AND a.attnum::pg_catalog.text || ':' || a.atttypid::pg_catalog.int8 || ':'
                                 || a.atttypmod || ':' || a.attcollation::pg_catalog.int8 = k.entry)
                         THEN pg_catalog.quote_ident((SELECT pg_catalog.count(*)
                                                      FROM pg_catalog.pg_attribute AS a
                                                      WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum > 0
                                                        AND NOT a.attisdropped
                                                        AND a.attnum <= k.attnum)::pg_catalog.text) END
                  FROM ROWS FROM (pg_catalog.unnest(('{1,4}')::pg_catalog.int2[]),
                                  pg_catalog.unnest(('{1:23:-1:0,4:1043:44:950}')::pg_catalog.text[]))
                    WITH ORDINALITY AS k(attnum, entry, i)
                  ORDER BY k.i);
                v_width pg_catalog.text := (
                  SELECT '(' || pg_catalog.string_agg(pg_catalog.quote_ident(g::pg_catalog.text), ', ')
                         || ')'
                  FROM pg_catalog.generate_series(1, (SELECT pg_catalog.count(*)::pg_catalog.int4
                                                      FROM pg_catalog.pg_attribute AS a
                                                      WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum > 0
                                                        AND NOT a.attisdropped AND a.attnum <= 4)) AS g);
              BEGIN
                EXECUTE 'INSERT INTO "freshet_changes"."src_7" ("__w",'
                  || ' "id", "name") '
                  || 'SELECT 1' || (SELECT pg_catalog.string_agg(', ' || COALESCE('"n".' || p, 'NULL'), ''
                                                   ORDER BY x.i)
                      FROM pg_catalog.unnest(v_at) WITH ORDINALITY AS x(p, i))
                  || ' FROM "freshet_new" AS "n"' || COALESCE(v_width, '');
                RETURN NULL;
              END;
            END IF;
            -- The guard view is gone: capture stops safely; the marker makes the next refresh rebuild
            -- capture and recompute every stream table reading the source.
            INSERT INTO "freshet_changes"."src_7" ("__w", "__truncate")
            VALUES (0, true);
            RETURN NULL;
          END IF;
          INSERT INTO "freshet_changes"."src_7" ("__w", "id", "name")
          SELECT 1, "n"."1", "n"."3"
          FROM "freshet_new" AS "n"("1", "2", "3")
          WHERE NOT EXISTS (SELECT FROM "freshet_changes"."src_7_columns_in_use" WHERE false);
          RETURN NULL;
        END
        $freshet$""", functions.get(0));
    assertEquals("""
        CREATE OR REPLACE FUNCTION "freshet_changes"."src_7_upd"()
        RETURNS trigger
        LANGUAGE plpgsql
        SECURITY DEFINER
        SET search_path = "pg_catalog", "pg_temp"
        SET jit = off
        AS $freshet$
        BEGIN
          -- Source columns are read by position: renaming one does not break capture.
          -- When a captured column is no longer the one it was written for, capture stops with a marker.
          IF pg_catalog.to_regclass('"freshet_changes"."src_7_columns_in_use"') IS NULL
             OR (SELECT COALESCE(pg_catalog.string_agg(a.attnum::pg_catalog.text
                          || CASE WHEN a.attnum = ANY (('{1,4}')::pg_catalog.int2[])
                                  THEN ':' || a.atttypid::pg_catalog.int8 || ':' || a.atttypmod || ':'
                                       || a.attcollation::pg_catalog.int8
                                  ELSE '' END, ',' ORDER BY a.attnum), '')
                 FROM pg_catalog.pg_attribute AS a
                 WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND a.attnum <= (SELECT pg_catalog.max(x)
                                    FROM pg_catalog.unnest(('{1,4}')::pg_catalog.int2[]) AS x))
                IS DISTINCT FROM '1:23:-1:0,3,4:1043:44:950' THEN
            IF pg_catalog.to_regclass('"freshet_changes"."src_7_columns_in_use"') IS NOT NULL THEN
              -- Columns were dropped or changed type since this was written: each captured column
              -- still there with its type is read where it is now (found by its number),
              -- one dropped or retyped is NULL (the stream tables reading it recompute), until the next
              -- refresh writes this function anew.
              DECLARE
                v_at pg_catalog.text[] := ARRAY(
                  SELECT CASE WHEN EXISTS (
                           SELECT FROM pg_catalog.pg_attribute AS a
                           WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum = k.attnum
                             AND NOT a.attisdropped
                             AND a.attnum::pg_catalog.text || ':' || a.atttypid::pg_catalog.int8 || ':'
                                 || a.atttypmod || ':' || a.attcollation::pg_catalog.int8 = k.entry)
                         THEN pg_catalog.quote_ident((SELECT pg_catalog.count(*)
                                                      FROM pg_catalog.pg_attribute AS a
                                                      WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum > 0
                                                        AND NOT a.attisdropped
                                                        AND a.attnum <= k.attnum)::pg_catalog.text) END
                  FROM ROWS FROM (pg_catalog.unnest(('{1,4}')::pg_catalog.int2[]),
                                  pg_catalog.unnest(('{1:23:-1:0,4:1043:44:950}')::pg_catalog.text[]))
                    WITH ORDINALITY AS k(attnum, entry, i)
                  ORDER BY k.i);
                v_width pg_catalog.text := (
                  SELECT '(' || pg_catalog.string_agg(pg_catalog.quote_ident(g::pg_catalog.text), ', ')
                         || ')'
                  FROM pg_catalog.generate_series(1, (SELECT pg_catalog.count(*)::pg_catalog.int4
                                                      FROM pg_catalog.pg_attribute AS a
                                                      WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum > 0
                                                        AND NOT a.attisdropped AND a.attnum <= 4)) AS g);
              BEGIN
                EXECUTE 'INSERT INTO "freshet_changes"."src_7" ("__w",'
                  || ' "id", "name") '
                  || 'SELECT -1' || (SELECT pg_catalog.string_agg(', ' || COALESCE('"o".' || p, 'NULL'), ''
                                                   ORDER BY x.i)
                      FROM pg_catalog.unnest(v_at) WITH ORDINALITY AS x(p, i))
                  || ' FROM "freshet_old" AS "o"' || COALESCE(v_width, '');
                EXECUTE 'INSERT INTO "freshet_changes"."src_7" ("__w",'
                  || ' "id", "name") '
                  || 'SELECT 1' || (SELECT pg_catalog.string_agg(', ' || COALESCE('"n".' || p, 'NULL'), ''
                                                   ORDER BY x.i)
                      FROM pg_catalog.unnest(v_at) WITH ORDINALITY AS x(p, i))
                  || ' FROM "freshet_new" AS "n"' || COALESCE(v_width, '');
                RETURN NULL;
              END;
            END IF;
            -- The guard view is gone: capture stops safely; the marker makes the next refresh rebuild
            -- capture and recompute every stream table reading the source.
            INSERT INTO "freshet_changes"."src_7" ("__w", "__truncate")
            VALUES (0, true);
            RETURN NULL;
          END IF;
          INSERT INTO "freshet_changes"."src_7" ("__w", "id", "name")
          SELECT -1, "o"."1", "o"."3"
          FROM "freshet_old" AS "o"("1", "2", "3")
          WHERE NOT EXISTS (SELECT FROM "freshet_changes"."src_7_columns_in_use" WHERE false);
          INSERT INTO "freshet_changes"."src_7" ("__w", "id", "name")
          SELECT 1, "n"."1", "n"."3"
          FROM "freshet_new" AS "n"("1", "2", "3")
          WHERE NOT EXISTS (SELECT FROM "freshet_changes"."src_7_columns_in_use" WHERE false);
          RETURN NULL;
        END
        $freshet$""", functions.get(1));
    assertEquals("""
        CREATE OR REPLACE FUNCTION "freshet_changes"."src_7_del"()
        RETURNS trigger
        LANGUAGE plpgsql
        SECURITY DEFINER
        SET search_path = "pg_catalog", "pg_temp"
        SET jit = off
        AS $freshet$
        BEGIN
          -- Source columns are read by position: renaming one does not break capture.
          -- When a captured column is no longer the one it was written for, capture stops with a marker.
          IF pg_catalog.to_regclass('"freshet_changes"."src_7_columns_in_use"') IS NULL
             OR (SELECT COALESCE(pg_catalog.string_agg(a.attnum::pg_catalog.text
                          || CASE WHEN a.attnum = ANY (('{1,4}')::pg_catalog.int2[])
                                  THEN ':' || a.atttypid::pg_catalog.int8 || ':' || a.atttypmod || ':'
                                       || a.attcollation::pg_catalog.int8
                                  ELSE '' END, ',' ORDER BY a.attnum), '')
                 FROM pg_catalog.pg_attribute AS a
                 WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND a.attnum <= (SELECT pg_catalog.max(x)
                                    FROM pg_catalog.unnest(('{1,4}')::pg_catalog.int2[]) AS x))
                IS DISTINCT FROM '1:23:-1:0,3,4:1043:44:950' THEN
            IF pg_catalog.to_regclass('"freshet_changes"."src_7_columns_in_use"') IS NOT NULL THEN
              -- Columns were dropped or changed type since this was written: each captured column
              -- still there with its type is read where it is now (found by its number),
              -- one dropped or retyped is NULL (the stream tables reading it recompute), until the next
              -- refresh writes this function anew.
              DECLARE
                v_at pg_catalog.text[] := ARRAY(
                  SELECT CASE WHEN EXISTS (
                           SELECT FROM pg_catalog.pg_attribute AS a
                           WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum = k.attnum
                             AND NOT a.attisdropped
                             AND a.attnum::pg_catalog.text || ':' || a.atttypid::pg_catalog.int8 || ':'
                                 || a.atttypmod || ':' || a.attcollation::pg_catalog.int8 = k.entry)
                         THEN pg_catalog.quote_ident((SELECT pg_catalog.count(*)
                                                      FROM pg_catalog.pg_attribute AS a
                                                      WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum > 0
                                                        AND NOT a.attisdropped
                                                        AND a.attnum <= k.attnum)::pg_catalog.text) END
                  FROM ROWS FROM (pg_catalog.unnest(('{1,4}')::pg_catalog.int2[]),
                                  pg_catalog.unnest(('{1:23:-1:0,4:1043:44:950}')::pg_catalog.text[]))
                    WITH ORDINALITY AS k(attnum, entry, i)
                  ORDER BY k.i);
                v_width pg_catalog.text := (
                  SELECT '(' || pg_catalog.string_agg(pg_catalog.quote_ident(g::pg_catalog.text), ', ')
                         || ')'
                  FROM pg_catalog.generate_series(1, (SELECT pg_catalog.count(*)::pg_catalog.int4
                                                      FROM pg_catalog.pg_attribute AS a
                                                      WHERE a.attrelid = 7::pg_catalog.oid AND a.attnum > 0
                                                        AND NOT a.attisdropped AND a.attnum <= 4)) AS g);
              BEGIN
                EXECUTE 'INSERT INTO "freshet_changes"."src_7" ("__w",'
                  || ' "id", "name") '
                  || 'SELECT -1' || (SELECT pg_catalog.string_agg(', ' || COALESCE('"o".' || p, 'NULL'), ''
                                                   ORDER BY x.i)
                      FROM pg_catalog.unnest(v_at) WITH ORDINALITY AS x(p, i))
                  || ' FROM "freshet_old" AS "o"' || COALESCE(v_width, '');
                RETURN NULL;
              END;
            END IF;
            -- The guard view is gone: capture stops safely; the marker makes the next refresh rebuild
            -- capture and recompute every stream table reading the source.
            INSERT INTO "freshet_changes"."src_7" ("__w", "__truncate")
            VALUES (0, true);
            RETURN NULL;
          END IF;
          INSERT INTO "freshet_changes"."src_7" ("__w", "id", "name")
          SELECT -1, "o"."1", "o"."3"
          FROM "freshet_old" AS "o"("1", "2", "3")
          WHERE NOT EXISTS (SELECT FROM "freshet_changes"."src_7_columns_in_use" WHERE false);
          RETURN NULL;
        END
        $freshet$""", functions.get(2));
    assertEquals("""
        CREATE OR REPLACE FUNCTION "freshet_changes"."src_7_trunc"()
        RETURNS trigger
        LANGUAGE plpgsql
        SECURITY DEFINER
        SET search_path = "pg_catalog", "pg_temp"
        SET jit = off
        AS $freshet$
        BEGIN
          INSERT INTO "freshet_changes"."src_7" ("__w", "__truncate")
          VALUES (0, true);
          RETURN NULL;
        END
        $freshet$""", functions.get(3));
    assertEquals("""
        REVOKE ALL ON FUNCTION
          "freshet_changes"."src_7_ins"(),
          "freshet_changes"."src_7_upd"(),
          "freshet_changes"."src_7_del"(),
          "freshet_changes"."src_7_trunc"()
        FROM PUBLIC""", functions.get(4));
  }

  @Test
  void aSourceWithNoCapturedColumnStillCountsRows() {
    assertTrue(CapturePrinter.createFunctions(7, List.of(), List.of(SourceAttribute.of("a", 1, 23))).get(0).contains("""
          INSERT INTO "freshet_changes"."src_7" ("__w")
          SELECT 1
          FROM "freshet_new" AS "n"
          WHERE NOT EXISTS (SELECT FROM "freshet_changes"."src_7_columns_in_use" WHERE false);
        """));
  }

  @Test
  void triggers() {
    assertEquals(List.of("""
            CREATE TRIGGER "freshet_capture_ins"
            AFTER INSERT ON "My Schema"."select"
            REFERENCING NEW TABLE AS "freshet_new"
            FOR EACH STATEMENT
            EXECUTE FUNCTION "freshet_changes"."src_7_ins"()""", """
            CREATE TRIGGER "freshet_capture_upd"
            AFTER UPDATE ON "My Schema"."select"
            REFERENCING OLD TABLE AS "freshet_old" NEW TABLE AS "freshet_new"
            FOR EACH STATEMENT
            EXECUTE FUNCTION "freshet_changes"."src_7_upd"()""", """
            CREATE TRIGGER "freshet_capture_del"
            AFTER DELETE ON "My Schema"."select"
            REFERENCING OLD TABLE AS "freshet_old"
            FOR EACH STATEMENT
            EXECUTE FUNCTION "freshet_changes"."src_7_del"()""", """
            CREATE TRIGGER "freshet_capture_trunc"
            AFTER TRUNCATE ON "My Schema"."select"
            FOR EACH STATEMENT
            EXECUTE FUNCTION "freshet_changes"."src_7_trunc"()"""),
        CapturePrinter.createTriggers(7, "My Schema", "select"));
  }

  @Test
  void dropping() {
    assertEquals(List.of(
            "DROP TRIGGER IF EXISTS \"freshet_capture_ins\" ON \"s\".\"T\"",
            "DROP TRIGGER IF EXISTS \"freshet_capture_upd\" ON \"s\".\"T\"",
            "DROP TRIGGER IF EXISTS \"freshet_capture_del\" ON \"s\".\"T\"",
            "DROP TRIGGER IF EXISTS \"freshet_capture_trunc\" ON \"s\".\"T\""),
        CapturePrinter.dropTriggers("s", "T"));
    assertEquals(List.of("DROP VIEW IF EXISTS \"freshet_changes\".\"src_7_columns_in_use\"", """
            DROP FUNCTION IF EXISTS
              "freshet_changes"."src_7_ins"(),
              "freshet_changes"."src_7_upd"(),
              "freshet_changes"."src_7_del"(),
              "freshet_changes"."src_7_trunc"(),
              "freshet_changes"."src_7_replica"()""",
            "DROP TABLE IF EXISTS \"freshet_changes\".\"src_7\""),
        CapturePrinter.dropFunctionsAndBuffer(7));
  }

  @Test
  void guardViewNamesTheColumnsUpToTheLastCapturedOneWithoutReadingThem() {
    List<String> guarded = CapturePrinter.guardedColumns(List.of("Amount \"€\"", "id"),
        List.of("id", "note", "Amount \"€\"", "later"));
    assertEquals(List.of("id", "note", "Amount \"€\""), guarded);
    assertEquals(List.of("DROP VIEW IF EXISTS \"freshet_changes\".\"src_7_columns_in_use\"",
        "CREATE VIEW \"freshet_changes\".\"src_7_columns_in_use\" AS\n"
        + "SELECT NULL::pg_catalog.text AS \"id\", NULL::pg_catalog.text AS \"note\", "
        + "NULL::pg_catalog.text AS \"Amount \"\"€\"\"\"\n"
        + "FROM ONLY \"s\".\"T\"\nWHERE false"), CapturePrinter.createGuard(7, "s", "T", guarded));
    assertEquals(List.of(), CapturePrinter.guardedColumns(List.of(), List.of("id")));
  }

  @Test
  void hostileNamesAreQuotedEverywhere() {
    String name = "we\"ird $freshet$ Näme";
    String quoted = "\"we\"\"ird $freshet$ Näme\"";
    List<String> buffer = CapturePrinter.createBuffer(7, "s\"", "t'", List.of(CapturedColumn.of(name, "text")));
    assertTrue(buffer.get(0).contains("  " + quoted + " text\n"), buffer.get(0));
    assertTrue(buffer.get(3).endsWith("IS 'Freshet change buffer of \"s\"\"\".\"t''\" (relation id 7)'"), buffer.get(2));
    String insert = CapturePrinter.createFunctions(7, List.of(name), List.of(SourceAttribute.of(name, 1, 25))).get(0);
    assertTrue(insert.contains("(\"__w\", " + quoted + ")"), insert);
    assertTrue(insert.contains("SELECT 1, \"n\".\"1\"\n"), insert);
    // The column name contains the usual dollar tag, so the body is quoted with another one.
    assertTrue(insert.contains("AS $freshet_1$\nBEGIN"), insert);
    assertTrue(insert.endsWith("END\n$freshet_1$"), insert);
    assertTrue(CapturePrinter.createTrigger(7, "a\"b", "c d", CaptureEvent.INSERT)
        .contains("AFTER INSERT ON \"a\"\"b\".\"c d\"\n"));
  }

  @Test
  void longColumnListsWrap() {
    List<String> columns = IntStream.range(0, 30).mapToObj(i -> "column_" + i).toList();
    String insert = CapturePrinter.createFunctions(7, columns, attributes(columns)).get(0);
    for (String line : insert.split("\n")) {
      assertTrue(line.length() <= 100, line);
    }
    assertTrue(insert.contains("\"n\".\"30\"\n  FROM"), insert);
  }

  @Test
  void refusesColumnsNamedLikeTheBuffersOwn() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CapturePrinter.createFunctions(7, List.of("id", "__w"), attributes(List.of("id", "__w"))));
    assertEquals("a source column named \"__w\" cannot be captured: change buffers use that name for their own "
        + "column", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> CapturePrinter.createBuffer(7, "s", "t", List.of(CapturedColumn.of("__xid", "integer"))));
    assertThrows(IllegalArgumentException.class,
        () -> CapturePrinter.createFunctions(7, List.of("a", "a"), attributes(List.of("a"))));
    assertThrows(IllegalArgumentException.class,
        () -> CapturePrinter.createFunctions(7, List.of("a"), attributes(List.of("b"))));
  }

  @Test
  void layoutNumbersEveryColumnUpToTheLastCapturedOneAndTypesTheCapturedOnes() {
    List<SourceAttribute> source = List.of(SourceAttribute.of("id", 1, 23), SourceAttribute.of("kept", 3, 25),
        new SourceAttribute("v", 4, 20, -1, 0), SourceAttribute.of("later", 6, 23));
    assertEquals(List.of(4, 1), CapturePrinter.capturedAttnums(List.of("v", "id"), source));
    assertEquals("1:23:-1:0,3,4:20:-1:0", CapturePrinter.layout(List.of(4, 1), source));
    assertEquals("", CapturePrinter.layout(List.of(), source));
    assertEquals("{4,1}", CapturePrinter.attnumArray(List.of(4, 1)));
    assertEquals(List.of("4:20:-1:0", "1:23:-1:0"), CapturePrinter.capturedEntryList(List.of(4, 1), source));
  }

  private static List<SourceAttribute> attributes(List<String> names) {
    return IntStream.range(0, names.size()).mapToObj(i -> SourceAttribute.of(names.get(i), i + 1, 23)).toList();
  }
}
