package dev.freshet.tests.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.platform.commons.annotation.Testable;
import org.opentest4j.AssertionFailedError;
import org.w3c.dom.CDATASection;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reference file of a golden test class: expected plans and SQL, one XML file per class, after the
 * contract of Calcite's {@code DiffRepository}.
 *
 * <pre>{@code
 * <Root>
 *   <TestCase name="twoWayJoin">            -- one per test method, sorted by name
 *     <Resource name="sql">                  -- one per artefact, its value in CDATA
 *       <![CDATA[
 * SELECT ...
 * ]]>
 *     </Resource>
 *     ...
 * }</pre>
 *
 * <p>The reference is {@code src/test/resources/<package>/<Class>.xml} of the test's module. A test
 * hands {@link #check} every actual value of its case; any difference (a changed value, a resource the
 * file lacks, or a resource the file has but the test no longer produces) fails with a diff naming the
 * resource, after writing {@code target/golden/<Class>_actual.xml}: the reference with every case
 * checked so far replaced by its actual values. Check that file, then copy it over the reference, or
 * run with {@code -D}{@value #UPDATE_PROPERTY}{@code =true}, which rewrites the reference instead of
 * failing. {@link #checkStructure} fails on cases out of order and on orphan cases (no test method).
 */
public final class GoldenFile {

  /** System property: {@code true} rewrites reference files with the actual values. */
  public static final String UPDATE_PROPERTY = "freshet.golden.update";

  private static final String ROOT = "Root";
  private static final String TEST_CASE = "TestCase";
  private static final String RESOURCE = "Resource";
  private static final String NAME = "name";

  private static final Map<Class<?>, GoldenFile> BY_CLASS = new ConcurrentHashMap<>();

  private final Path reference;
  private final Path actualFile;
  private final boolean update;
  private final Set<String> testMethods;
  /** Case names in file order, duplicates included. */
  private final List<String> fileOrder = new ArrayList<>();
  private final SortedMap<String, SequencedMap<String, String>> expected = new TreeMap<>();
  /** The expected cases, each replaced by its actual values once checked. */
  private final SortedMap<String, SequencedMap<String, String>> actual = new TreeMap<>();

  /**
   * @param testMethods names of the test methods that may own a case; any other case is an orphan
   */
  GoldenFile(Path reference, Path actualFile, boolean update, Set<String> testMethods) {
    this.reference = reference;
    this.actualFile = actualFile;
    this.update = update;
    this.testMethods = Set.copyOf(testMethods);
    if (Files.exists(reference)) {
      load();
    }
    actual.putAll(expected);
    try { // left by an earlier run; this run writes its own on a mismatch
      Files.deleteIfExists(actualFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The golden file of {@code testClass}, shared by all its test methods. */
  public static GoldenFile of(Class<?> testClass) {
    return BY_CLASS.computeIfAbsent(testClass, GoldenFile::forClass);
  }

  private static GoldenFile forClass(Class<?> testClass) {
    Path module = moduleDirectory(testClass);
    Path reference = module.resolve("src/test/resources")
        .resolve(testClass.getPackageName().replace('.', '/'))
        .resolve(testClass.getSimpleName() + ".xml");
    Path actualFile = module.resolve("target/golden").resolve(testClass.getSimpleName() + "_actual.xml");
    return new GoldenFile(reference, actualFile, Boolean.getBoolean(UPDATE_PROPERTY), testMethods(testClass));
  }

  /** The Maven module holding {@code testClass}: its classes are in {@code target/test-classes}. */
  private static Path moduleDirectory(Class<?> testClass) {
    try {
      Path classes = Path.of(testClass.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!classes.endsWith(Path.of("target", "test-classes"))) {
        throw new IllegalStateException(testClass + " is not loaded from target/test-classes but from "
            + classes + "; golden files are found relative to the Maven module");
      }
      return classes.getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Methods annotated with {@code @Test} or any other JUnit {@link Testable} annotation. */
  static Set<String> testMethods(Class<?> testClass) {
    Set<String> names = new TreeSet<>();
    for (Method method : testClass.getDeclaredMethods()) {
      for (Annotation annotation : method.getAnnotations()) {
        if (annotation.annotationType().isAnnotationPresent(Testable.class)) {
          names.add(method.getName());
        }
      }
    }
    return names;
  }

  public Path reference() {
    return reference;
  }

  public Path actualFile() {
    return actualFile;
  }

  /**
   * Compares the actual values of one test case with the reference. In update mode, records them in
   * the reference file instead.
   *
   * @param resources resource name → value, in the order they are written
   */
  public synchronized void check(String testCase, SequencedMap<String, String> resources) {
    if (!testMethods.contains(testCase)) {
      throw new IllegalArgumentException("no test method named " + testCase + " owns this golden case");
    }
    SequencedMap<String, String> values = new LinkedHashMap<>();
    resources.forEach((name, value) -> values.put(name, canonical(value)));
    actual.put(testCase, values);
    if (update) {
      write(reference, withoutOrphans());
      return;
    }
    SequencedMap<String, String> want = expected.get(testCase);
    if (want == null) {
      fail("TestCase '" + testCase + "' is not in the reference file", null, null);
    }
    List<String> problems = new ArrayList<>();
    String firstExpected = null;
    String firstActual = null;
    for (var entry : values.entrySet()) {
      String name = entry.getKey();
      String expectedValue = want.get(name);
      if (expectedValue == null) {
        problems.add("resource '" + name + "' of TestCase '" + testCase + "' is not in the reference file");
      } else if (!expectedValue.equals(entry.getValue())) {
        problems.add("resource '" + name + "' of TestCase '" + testCase + "' differs:\n"
            + diff(expectedValue, entry.getValue()));
        if (firstExpected == null) {
          firstExpected = expectedValue;
          firstActual = entry.getValue();
        }
      }
    }
    for (String name : want.keySet()) {
      if (!values.containsKey(name)) {
        problems.add("resource '" + name + "' of TestCase '" + testCase
            + "' is in the reference file but the test no longer produces it");
      }
    }
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems), firstExpected, firstActual);
    }
  }

  /**
   * Fails if the reference file holds a case twice, out of order, or for no test method (an orphan);
   * in update mode, rewrites it sorted and without orphans instead.
   */
  public synchronized void checkStructure() {
    List<String> problems = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    String previous = null;
    for (String name : fileOrder) {
      if (!seen.add(name)) {
        problems.add("TestCase '" + name + "' appears twice");
      }
      if (previous != null && previous.compareTo(name) > 0) {
        problems.add("TestCase '" + name + "' is out of order: it follows '" + previous + "'");
      }
      previous = name;
    }
    for (String name : expected.keySet()) {
      if (!testMethods.contains(name)) {
        problems.add("TestCase '" + name + "' is an orphan: no test method of that name");
      }
    }
    if (problems.isEmpty()) {
      return;
    }
    if (update) {
      write(reference, withoutOrphans());
      return;
    }
    fail(String.join("\n", problems), null, null);
  }

  private SortedMap<String, SequencedMap<String, String>> withoutOrphans() {
    SortedMap<String, SequencedMap<String, String>> kept = new TreeMap<>(actual);
    kept.keySet().retainAll(testMethods);
    return kept;
  }

  private void fail(String problems, String expectedValue, String actualValue) {
    write(actualFile, withoutOrphans());
    String message = problems + "\n\nActual values of every case checked so far: " + actualFile
        + "\nCheck them, then copy that file over " + reference
        + "\n(or run again with -D" + UPDATE_PROPERTY + "=true to rewrite it).";
    throw expectedValue == null ? new AssertionFailedError(message)
        : new AssertionFailedError(message, expectedValue, actualValue);
  }

  /** Line endings {@code \n}, no trailing white space: how values are stored. */
  static String canonical(String value) {
    return value.replace("\r\n", "\n").replace('\r', '\n').stripTrailing();
  }

  // ---- reading -------------------------------------------------------------------------------------

  private void load() {
    org.w3c.dom.Document doc;
    try (InputStream in = Files.newInputStream(reference)) {
      doc = documentBuilder().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SAXException e) {
      throw new IllegalStateException(reference + " is not well-formed XML: " + e.getMessage(), e);
    }
    Element root = doc.getDocumentElement();
    if (!root.getTagName().equals(ROOT)) {
      throw new IllegalStateException(reference + ": root element is <" + root.getTagName() + ">, not <"
          + ROOT + ">");
    }
    for (Element testCase : children(root, TEST_CASE)) {
      String name = testCase.getAttribute(NAME);
      fileOrder.add(name);
      SequencedMap<String, String> resources = new LinkedHashMap<>();
      for (Element resource : children(testCase, RESOURCE)) {
        String resourceName = resource.getAttribute(NAME);
        if (resources.put(resourceName, text(resource)) != null) {
          throw new IllegalStateException(reference + ": TestCase '" + name + "' has resource '"
              + resourceName + "' twice");
        }
      }
      expected.putIfAbsent(name, resources);
    }
  }

  private static DocumentBuilder documentBuilder() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      factory.setCoalescing(false);
      return factory.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> result = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(tag)) {
        result.add(e);
      }
    }
    return result;
  }

  /** The CDATA sections of a resource, joined (a value holding {@code ]]>} is split over two). */
  private static String text(Element resource) {
    StringBuilder text = new StringBuilder();
    NodeList nodes = resource.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node node = nodes.item(i);
      if (node instanceof CDATASection cdata) {
        text.append(cdata.getData());
      }
    }
    // Values are written as "<![CDATA[\n" + value + "\n]]>".
    String value = text.toString();
    if (value.startsWith("\n")) {
      value = value.substring(1);
    }
    return canonical(value);
  }

  // ---- writing -------------------------------------------------------------------------------------

  private static void write(Path file, SortedMap<String, SequencedMap<String, String>> cases) {
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + ROOT + ">\n");
    for (var testCase : cases.entrySet()) {
      out.append("  <").append(TEST_CASE).append(' ').append(NAME).append("=\"")
          .append(attribute(testCase.getKey())).append("\">\n");
      for (var resource : testCase.getValue().entrySet()) {
        out.append("    <").append(RESOURCE).append(' ').append(NAME).append("=\"")
            .append(attribute(resource.getKey())).append("\">\n")
            .append("      <![CDATA[\n")
            .append(resource.getValue().replace("]]>", "]]]]><![CDATA[>"))
            .append("\n]]>\n")
            .append("    </").append(RESOURCE).append(">\n");
      }
      out.append("  </").append(TEST_CASE).append(">\n");
    }
    out.append("</").append(ROOT).append(">\n");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String attribute(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
  }

  // ---- diff ----------------------------------------------------------------------------------------

  /** A line diff, {@code -} expected and {@code +} actual, from a longest common subsequence. */
  static String diff(String expectedValue, String actualValue) {
    String[] a = expectedValue.split("\n", -1);
    String[] b = actualValue.split("\n", -1);
    int[][] lcs = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    StringBuilder out = new StringBuilder("--- expected\n+++ actual\n");
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        out.append("  ").append(a[i++]).append('\n');
        j++;
      } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.append("- ").append(a[i++]).append('\n');
      } else {
        out.append("+ ").append(b[j++]).append('\n');
      }
    }
    return out.toString();
  }
}
