package dev.freshet.tpch;

/**
 * One of the 22 TPC-H queries: {@code number} 1..22, {@code name} {@code q01}..{@code q22}, the
 * specification's {@code title}, and its {@code sql} text (validation parameters, PostgreSQL
 * syntax, no trailing semicolon, so it can be embedded as is).
 */
public record TpchQuery(int number, String name, String title, String sql) {
}
