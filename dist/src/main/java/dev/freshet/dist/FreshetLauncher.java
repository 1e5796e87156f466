package dev.freshet.dist;

import java.io.File;
import java.lang.reflect.InvocationTargetException;

/**
 * The release jar's entry point: starts the command line ({@code dev.freshet.runtime.cli.FreshetCli}) on
 * Java 21 or newer, and on an older JVM prints one line naming that JVM and what to do, and exits with
 * status 2 (a usage error), where the JVM itself would print an {@code UnsupportedClassVersionError}.
 *
 * <p>This module is compiled for Java 8 so that the JVMs it refuses can load this class; it must not use
 * anything newer, nor touch Freshet's classes before the check.
 */
public final class FreshetLauncher {

  /** The oldest Java that runs Freshet: its classes are compiled for it. */
  static final int REQUIRED_MAJOR = 21;

  private static final String CLI = "dev.freshet.runtime.cli.FreshetCli";

  private FreshetLauncher() {
  }

  public static void main(String[] args) throws Throwable {
    String refusal = refusal(System.getProperty("java.specification.version"), System.getProperty("java.home"));
    if (refusal != null) {
      System.err.println(refusal);
      System.exit(2);
    }
    try {
      Class.forName(CLI).getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause(); // the command line's own failure, as if it had been started directly
    }
  }

  /**
   * The line refusing a JVM whose {@code java.specification.version} is {@code specification} ({@code 1.8},
   * {@code 17}, …) and whose {@code java.home} is {@code javaHome}; null when it can run Freshet, or when
   * the version cannot be read (the JVM then has its say).
   */
  static String refusal(String specification, String javaHome) {
    int major = major(specification);
    if (major < 0 || major >= REQUIRED_MAJOR) {
      return null;
    }
    String java = javaHome == null ? "java" : javaHome + File.separator + "bin" + File.separator + "java";
    return "freshet needs Java " + REQUIRED_MAJOR + " or newer; this is Java " + major + " (" + java
        + "). Run the jar with the java of a JDK " + REQUIRED_MAJOR + " or newer: /path/to/jdk/bin/java -jar freshet.jar";
  }

  /** The major version in a {@code java.specification.version}: 8 for {@code 1.8}, 17 for {@code 17}; -1 if none. */
  static int major(String specification) {
    if (specification == null) {
      return -1;
    }
    String major = specification.startsWith("1.") ? specification.substring(2) : specification;
    int dot = major.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? major : major.substring(0, dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
