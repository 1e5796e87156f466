package dev.freshet.tests.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The contract of {@link GoldenFile}, on files of its own (no database). */
class GoldenFileTest {

  private static final String REFERENCE = """
      <?xml version="1.0" encoding="UTF-8"?>
      <Root>
        <TestCase name="alpha">
          <Resource name="sql">
            <![CDATA[
      SELECT 1
      ]]>
          </Resource>
          <Resource name="deltaPlan[orders]">
            <![CDATA[
      LogicalProject(a=[$0])
        LogicalTableScan(table=[[pg_temp, Δpublic.orders]])
      ]]>
          </Resource>
        </TestCase>
        <TestCase name="beta">
          <Resource name="sql">
            <![CDATA[
      SELECT 2
      ]]>
          </Resource>
        </TestCase>
      </Root>
      """;

  @TempDir
  Path dir;

  private GoldenFile golden(String content, boolean update, String... methods) throws Exception {
    Path reference = dir.resolve("T.xml");
    if (content != null) {
      Files.writeString(reference, content);
    }
    return new GoldenFile(reference, dir.resolve("target/golden/T_actual.xml"), update, Set.of(methods));
  }

  private static SequencedMap<String, String> alpha(String plan) {
    SequencedMap<String, String> values = new LinkedHashMap<>();
    values.put("sql", "SELECT 1");
    values.put("deltaPlan[orders]", plan);
    return values;
  }

  private static final String PLAN = "LogicalProject(a=[$0])\n  LogicalTableScan(table=[[pg_temp, Δpublic.orders]])\n";

  @Test
  void equalValuesPassAndWriteNothing() throws Exception {
    GoldenFile g = golden(REFERENCE, false, "alpha", "beta");
    g.check("alpha", alpha(PLAN));
    g.checkStructure();
    assertFalse(Files.exists(g.actualFile()));
  }

  @Test
  void changedValueFailsWithDiffNamingResourceAndWritesActualFile() throws Exception {
    GoldenFile g = golden(REFERENCE, false, "alpha", "beta");
    String changed = PLAN.replace("$0", "$1");
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> g.check("alpha", alpha(changed)));
    assertTrue(e.getMessage().contains("resource 'deltaPlan[orders]' of TestCase 'alpha' differs"), e.getMessage());
    assertTrue(e.getMessage().contains("- LogicalProject(a=[$0])\n+ LogicalProject(a=[$1])"), e.getMessage());
    assertTrue(e.getMessage().contains(g.actualFile().toString()), e.getMessage());
    String written = Files.readString(g.actualFile());
    assertTrue(written.contains("LogicalProject(a=[$1])"), written);
    assertTrue(written.contains("SELECT 2"), "cases not checked yet keep their expected values: " + written);
    // The actual file is a valid reference: with it, the changed value passes.
    GoldenFile again = new GoldenFile(g.actualFile(), dir.resolve("other.xml"), false, Set.of("alpha", "beta"));
    again.check("alpha", alpha(changed));
    again.checkStructure();
  }

  @Test
  void resourceInFileButNotProducedFails() throws Exception {
    GoldenFile g = golden(REFERENCE, false, "alpha", "beta");
    SequencedMap<String, String> values = alpha(PLAN);
    values.remove("deltaPlan[orders]");
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> g.check("alpha", values));
    assertTrue(e.getMessage().contains("'deltaPlan[orders]' of TestCase 'alpha' is in the reference file but "
        + "the test no longer produces it"), e.getMessage());
  }

  @Test
  void newResourceOrCaseFails() throws Exception {
    GoldenFile g = golden(REFERENCE, false, "alpha", "beta", "gamma");
    SequencedMap<String, String> values = alpha(PLAN);
    values.put("pruned", "[orders]: nothing pruned");
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> g.check("alpha", values));
    assertTrue(e.getMessage().contains("resource 'pruned' of TestCase 'alpha' is not in the reference file"),
        e.getMessage());
    e = assertThrows(AssertionFailedError.class, () -> g.check("gamma", alpha(PLAN)));
    assertTrue(e.getMessage().contains("TestCase 'gamma' is not in the reference file"), e.getMessage());
  }

  @Test
  void orphanAndOutOfOrderCasesAreFlagged() throws Exception {
    String unsorted = REFERENCE.replace("\"alpha\"", "\"zeta\"");
    GoldenFile g = golden(unsorted, false, "alpha", "beta");
    AssertionFailedError e = assertThrows(AssertionFailedError.class, g::checkStructure);
    assertTrue(e.getMessage().contains("TestCase 'beta' is out of order: it follows 'zeta'"), e.getMessage());
    assertTrue(e.getMessage().contains("TestCase 'zeta' is an orphan"), e.getMessage());
    String written = Files.readString(g.actualFile());
    assertFalse(written.contains("zeta"), written);
  }

  @Test
  void updateModeRewritesReferenceSortedWithoutOrphans() throws Exception {
    String unsorted = REFERENCE.replace("\"alpha\"", "\"zeta\"");
    GoldenFile g = golden(unsorted, true, "alpha", "beta");
    g.checkStructure();
    g.check("alpha", alpha("LogicalValues(tuples=[[]])\n"));
    String written = Files.readString(g.reference());
    assertFalse(written.contains("zeta"), written);
    assertTrue(written.indexOf("\"alpha\"") < written.indexOf("\"beta\""), written);
    GoldenFile reread = new GoldenFile(g.reference(), g.actualFile(), false, Set.of("alpha", "beta"));
    reread.check("alpha", alpha("LogicalValues(tuples=[[]])"));
    reread.checkStructure();
  }

  @Test
  void valuesSurviveCdataTerminatorsAndMarkup() throws Exception {
    GoldenFile g = golden(null, true, "alpha");
    SequencedMap<String, String> values = new LinkedHashMap<>();
    values.put("sql", "SELECT a[b[1]]> 0 AND x < '&y' -- ]]> ok");
    values.put("a \"quoted\" <name> & more", "two\nlines");
    g.check("alpha", values);
    GoldenFile reread = new GoldenFile(g.reference(), g.actualFile(), false, Set.of("alpha"));
    reread.check("alpha", values);
  }

  @Test
  void diffShowsOnlyChangedLinesMarked() {
    assertEquals("--- expected\n+++ actual\n  a\n- b\n+ B\n  c\n", GoldenFile.diff("a\nb\nc", "a\nB\nc"));
  }
}
