/** The differentiation compiler: turns a logical plan into delta plans over Z-sets (DESIGN.md §2, §4, §5). */
@FreshetImmutable
package dev.freshet.rules;

import dev.freshet.planner.FreshetImmutable;
