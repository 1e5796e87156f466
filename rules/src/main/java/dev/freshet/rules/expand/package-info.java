/** Rewrites applied before differentiation: outer joins into operators that have delta rules. */
package dev.freshet.rules.expand;
