/**
 * The live PostgreSQL catalog as Freshet sees it: records read over JDBC ({@link
 * dev.freshet.planner.catalog.PgCatalogReader}), their exact mapping to Calcite types ({@link
 * dev.freshet.planner.catalog.PgTypeMapping}), and a Calcite schema built from them ({@link
 * dev.freshet.planner.catalog.PgCalciteSchema}) whose tables carry keys for row identity.
 *
 * <p>Names are kept exactly as PostgreSQL stores them (quoted, mixed-case, unicode); lookups in the
 * Calcite schema are as case-sensitive as the validator that uses it.
 */
package dev.freshet.planner.catalog;
