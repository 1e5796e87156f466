package dev.freshet.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.DataInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The release jar's launcher refuses a JVM older than 21 in one line (issue 15: Java 17 printed an
 * {@code UnsupportedClassVersionError}), and is itself loadable by such a JVM.
 */
class FreshetLauncherTest {

  @Test
  void refusesJavaOlderThan21NamingItAndItsPath() {
    assertEquals("freshet needs Java 21 or newer; this is Java 17 (/usr/lib/jvm/java-17/bin/java). "
        + "Run the jar with the java of a JDK 21 or newer: /path/to/jdk/bin/java -jar freshet.jar", FreshetLauncher.refusal("17", "/usr/lib/jvm/java-17").replace('\\', '/'));
    assertEquals("freshet needs Java 21 or newer; this is Java 8 (/opt/jre8/bin/java). Run the jar with the java of a JDK 21 or newer: /path/to/jdk/bin/java -jar freshet.jar",
        FreshetLauncher.refusal("1.8", "/opt/jre8").replace('\\', '/'));
    assertNotNull(FreshetLauncher.refusal("20", "/j"));
  }

  @Test
  void runsOnJava21AndNewer() {
    assertNull(FreshetLauncher.refusal("21", "/j"));
    assertNull(FreshetLauncher.refusal("25", "/j"));
    assertNull(FreshetLauncher.refusal(System.getProperty("java.specification.version"), "/j"));
  }

  @Test
  void anUnreadableVersionIsLeftToTheJvm() {
    assertNull(FreshetLauncher.refusal(null, "/j"));
    assertNull(FreshetLauncher.refusal("x", "/j"));
    assertEquals(17, FreshetLauncher.major("17.0.2"));
  }

  /** Class file major version 52 is Java 8: the JVMs the launcher refuses can load it. */
  @Test
  void launcherIsCompiledForJava8() throws Exception {
    try (InputStream in = FreshetLauncher.class.getResourceAsStream("FreshetLauncher.class");
        DataInputStream data = new DataInputStream(in)) {
      assertEquals(0xCAFEBABE, data.readInt());
      data.readUnsignedShort(); // minor
      assertEquals(52, data.readUnsignedShort());
    }
  }
}
