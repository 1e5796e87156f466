package dev.freshet.rules;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The source tables that changed in a refresh window, by qualified name ({@code [schema, table]}).
 * A delta plan is specialized for one changed set (DESIGN.md §5): terms of the other sources vanish.
 * Also the key of the plan cache.
 */
public record ChangedSet(Set<List<String>> tables) {

  public ChangedSet {
    tables = Set.copyOf(tables.stream().map(List::copyOf).collect(Collectors.toSet()));
  }

  public static ChangedSet of(Set<List<String>> tables) {
    return new ChangedSet(tables);
  }

  public boolean contains(List<String> qualifiedName) {
    return tables.contains(qualifiedName);
  }

  public boolean isEmpty() {
    return tables.isEmpty();
  }

  /** {@code [lineitem, orders]}: sorted, for plans and logs. */
  @Override
  public String toString() {
    return new TreeSet<>(tables.stream().map(t -> String.join(".", t)).toList()).toString();
  }
}
