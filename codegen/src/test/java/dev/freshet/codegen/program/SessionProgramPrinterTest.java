package dev.freshet.codegen.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The session form of programs: which names are renamed, where, and when a program has none. */
class SessionProgramPrinterTest {

  private static final Map<String, String> RENAMES = Map.of("Δpublic.t", "Δpublic.t·0123456789ab");

  @Test
  void renamesATemporaryTableWhereItNamesATable() {
    assertEquals(Optional.of("SELECT x FROM \"pg_temp\".\"Δpublic.t·0123456789ab\" AS \"Δt\" "
            + "JOIN \"Δpublic.t·0123456789ab\" AS u ON TRUE"),
        SessionTableNames.rename("SELECT x FROM \"pg_temp\".\"Δpublic.t\" AS \"Δt\" JOIN \"Δpublic.t\" AS u ON TRUE",
            RENAMES));
  }

  @Test
  void leavesConstantsAndCommentsAsTheyAre() {
    String sql = "SELECT '\"Δpublic.t\"', 'it''s \"Δpublic.t\"' /* FROM \"Δpublic.t\" */, $$\"Δpublic.t\"$$, $1 "
        + "FROM \"pg_temp\".\"Δpublic.t\"";
    assertEquals(Optional.of(sql.replace("FROM \"pg_temp\".\"Δpublic.t\"", "FROM \"pg_temp\".\"Δpublic.t·0123456789ab\"")),
        SessionTableNames.rename(sql, RENAMES));
  }

  @Test
  void refusesANameThatMayStandForAColumn() {
    assertEquals(Optional.empty(), SessionTableNames.rename("SELECT d.\"Δpublic.t\" FROM \"pg_temp\".\"Δpublic.t\" AS d",
        RENAMES));
    assertEquals(Optional.empty(), SessionTableNames.rename("SELECT \"Δpublic.t\", 1 FROM x", RENAMES));
  }

  @Test
  void sessionNamesFitPostgreSqlsLimitAndFollowTheirDefinition() {
    String name = SessionTableNames.sessionName("Δ" + "ü".repeat(60), "a");
    assertTrue(name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 63, name);
    assertTrue(!SessionTableNames.sessionName("Δgroups", "a").equals(SessionTableNames.sessionName("Δgroups", "b")));
  }

  @Test
  void aProgramBecomesFillingsOfSessionTablesWithoutDropsAndStatistics() {
    RefreshProgram program = new RefreshProgram(List.of(
        new RefreshStep.Statement("CREATE TEMPORARY TABLE \"Δgroups\" ON COMMIT DROP AS\nSELECT k FROM \"pg_temp\".\"Δpublic.t\""),
        new RefreshStep.Statement("ANALYZE \"Δgroups\""),
        new RefreshStep.Check("SELECT count(*) FROM \"Δgroups\" WHERE k < 0", "negative"),
        new RefreshStep.Statement("MERGE INTO \"public\".\"s\" AS st USING \"Δgroups\" AS d ON st.k = d.k "
            + "WHEN NOT MATCHED THEN INSERT (k) VALUES (d.k)"),
        new RefreshStep.Statement("DROP TABLE \"Δgroups\"")));
    SessionProgramPrinter.SessionProgram session = SessionProgramPrinter.program("seed", program,
        Map.of("Δpublic.t", "Δpublic.t·0123456789ab")).orElseThrow();
    assertEquals(1, session.tables().size());
    String groups = "\"pg_temp\".\"" + session.tables().getFirst() + "\"";
    assertEquals("WITH \"Δfilled\" AS (\nINSERT INTO " + groups + "\nSELECT k FROM \"pg_temp\".\"Δpublic.t·0123456789ab\""
        + "\nRETURNING 1\n)\nSELECT count(*) FROM \"Δfilled\"", session.steps().get(0));
    assertEquals("", session.steps().get(1));
    assertEquals("SELECT count(*) FROM \"" + session.tables().getFirst() + "\" WHERE k < 0", session.steps().get(2));
    assertEquals("", session.steps().get(4));
    assertEquals(List.of("DELETE FROM " + groups), session.empty());
    assertTrue(session.setup().getFirst().endsWith("\nWITH NO DATA"), session.setup().getFirst());
  }

  @Test
  void aStatementPrepareCannotTakeLeavesNoSessionForm() {
    RefreshProgram program = new RefreshProgram(List.of(new RefreshStep.Statement("SET LOCAL enable_nestloop = off")));
    assertEquals(Optional.empty(), SessionProgramPrinter.program("seed", program, Map.of()));
  }
}
