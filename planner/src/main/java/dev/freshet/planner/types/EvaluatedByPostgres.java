package dev.freshet.planner.types;

/**
 * An operator only PostgreSQL evaluates: Calcite has no implementation of it, so {@link FreshetRexExecutor}
 * leaves a constant call of it as it is ({@code ARRAY[1, 2] && ARRAY[2]}, {@code 1 << 40}), and the SQL
 * printed back hands it to PostgreSQL.
 */
public interface EvaluatedByPostgres {
}
