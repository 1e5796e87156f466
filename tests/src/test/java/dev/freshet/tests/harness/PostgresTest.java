package dev.freshet.tests.harness;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that needs PostgreSQL: it gets a fresh database of its own, injected as a
 * {@link TestDatabase} parameter into test methods and lifecycle methods.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PostgresExtension.class)
public @interface PostgresTest {
  /** TPC-H scale factor to preload (cloned from a template loaded once per JVM); 0 = empty database. */
  double tpch() default 0;
}
