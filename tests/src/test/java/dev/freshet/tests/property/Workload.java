package dev.freshet.tests.property;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Changes to the source tables, in transactions, with refreshes of the stream table in between. */
record Workload(List<Step> steps) {

  Workload {
    steps = List.copyOf(steps);
  }

  sealed interface Step {
  }

  /** BEGIN; statements; COMMIT or ROLLBACK. */
  record Transaction(List<Statement> statements, boolean commit) implements Step {
    Transaction {
      statements = List.copyOf(statements);
    }
  }

  /**
   * Refresh the stream table, then check it against its query; {@code full}: {@code refresh --full}, the
   * recompute AUTO chooses for large windows (the full program over existing state, applied as a diff).
   */
  record Refresh(boolean full) implements Step {
  }

  sealed interface Statement {
    Schema.Table table();

    String sql();
  }

  record Insert(Schema.Table table, List<List<String>> rows) implements Statement {
    @Override
    public String sql() {
      return "INSERT INTO " + table.name() + " ("
          + table.columns().stream().map(Schema.Column::name).collect(Collectors.joining(", ")) + ") VALUES "
          + rows.stream().map(r -> "(" + String.join(", ", r) + ")").collect(Collectors.joining(", "))
          + (table.keyKind() == Schema.KeyKind.NONE ? "" : " ON CONFLICT DO NOTHING") + ";";
    }
  }

  /** {@code SET column = value}; {@code value} may read the row's own columns. */
  record Assignment(Schema.Column column, Expr value) {
  }

  record Update(Schema.Table table, List<Assignment> assignments, Expr where) implements Statement {
    @Override
    public String sql() {
      return "UPDATE " + table.name() + " SET " + assignments.stream()
          .map(a -> a.column().name() + " = " + a.value().sql()).collect(Collectors.joining(", "))
          + (where == null ? "" : " WHERE " + where.sql()) + ";";
    }
  }

  record Delete(Schema.Table table, Expr where) implements Statement {
    @Override
    public String sql() {
      return "DELETE FROM " + table.name() + (where == null ? "" : " WHERE " + where.sql()) + ";";
    }
  }

  record Truncate(Schema.Table table) implements Statement {
    @Override
    public String sql() {
      return "TRUNCATE " + table.name() + ";";
    }
  }

  /** The kinds of change this workload makes, given the query it is run against. */
  Set<Change> changes(Query query) {
    Set<Change> out = new LinkedHashSet<>();
    Set<String> sources = query.sources().stream().map(Schema.Table::name).collect(Collectors.toSet());
    Set<String> joinColumns = query.joinColumns();
    boolean sinceRefresh = false;
    for (Step step : steps) {
      if (step instanceof Refresh r) {
        out.add(r.full() ? Change.REFRESH_FULL : Change.REFRESH);
        if (!sinceRefresh) {
          out.add(Change.REFRESH_EMPTY_WINDOW);
        }
        sinceRefresh = false;
        continue;
      }
      Transaction tx = (Transaction) step;
      sinceRefresh = true;
      if (tx.statements().size() > 1) {
        out.add(Change.MULTI_STATEMENT_TRANSACTION);
      }
      if (!tx.commit()) {
        out.add(Change.ROLLBACK);
      }
      for (Statement s : tx.statements()) {
        if (!sources.contains(s.table().name())) {
          out.add(Change.CHANGE_TO_UNREAD_TABLE);
        }
        switch (s) {
          case Insert i -> out.add(i.table().keyKind() == Schema.KeyKind.NONE ? Change.INSERT
              : Change.INSERT_ON_CONFLICT_DO_NOTHING);
          case Update u -> {
            for (Assignment a : u.assignments()) {
              out.add(u.table().isKey(a.column()) ? Change.UPDATE_KEY : Change.UPDATE_VALUE);
              if (joinColumns.contains(u.table().name() + "." + a.column().name())) {
                out.add(Change.UPDATE_JOIN_COLUMN);
              }
              if (a.value() instanceof Expr.Lit lit && lit.text().startsWith("CAST(NULL")) {
                out.add(Change.UPDATE_TO_NULL);
              }
            }
            if (u.where() != null && u.where().sql().contains(" IS NULL")) {
              out.add(Change.UPDATE_OF_NULL);
            }
          }
          case Delete d -> out.add(d.where() == null ? Change.DELETE_ALL : Change.DELETE);
          case Truncate t -> out.add(Change.TRUNCATE);
        }
      }
    }
    return out;
  }

  List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (Step step : steps) {
      switch (step) {
        case Refresh r -> lines.add((r.full() ? Replay.REFRESH_FULL : Replay.REFRESH) + Scenario.STREAM_TABLE);
        case Transaction tx -> {
          lines.add("BEGIN;");
          tx.statements().forEach(s -> lines.add(s.sql()));
          lines.add(tx.commit() ? "COMMIT;" : "ROLLBACK;");
        }
      }
    }
    return lines;
  }
}
