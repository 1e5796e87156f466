/**
 * Normalization of a converted query: sub-queries removed, correlations removed, predicates pushed
 * into joins; the rules here work around decorrelator shapes that would change a query's meaning.
 */
@FreshetImmutable
package dev.freshet.planner.normalize;

import dev.freshet.planner.FreshetImmutable;
