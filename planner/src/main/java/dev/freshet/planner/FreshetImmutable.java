package dev.freshet.planner;

import java.lang.annotation.ElementType;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * Immutables style for rule configs, the same settings as Calcite's own: generated classes get
 * {@code Config.of()} and {@code withFoo} setters, which {@code RelRule.Config} relies on.
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Value.Style(
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    defaults = @Value.Immutable(builder = true, singleton = true),
    get = {"is*", "get*"},
    init = "with*",
    passAnnotations = SuppressWarnings.class)
public @interface FreshetImmutable {
}
