package dev.freshet.runtime.cli;

import dev.freshet.runtime.catalog.CatalogMigrations;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code freshet migrate}: upgrades the database's Freshet catalog to this Freshet's version. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Upgrade the Freshet catalog of a database (schema freshet) to this Freshet's version, "
        + "printing each step it applies; create it when the database has none. Other commands refuse a "
        + "catalog an older Freshet created until it is migrated, so that you choose when: processes of "
        + "the older Freshet (a running 'freshet service') stop working once it is upgraded, so stop them "
        + "first and start this version's after. Each step commits on its own; an interrupted migration "
        + "is taken up where it stopped, and two at once apply each step once. Then the refresh programs of "
        + "every DIFFERENTIAL stream table are printed anew with this version's code and reinstalled."},
    footer = {"", "Examples:",
        "  freshet migrate --dry-run --jdbc-url jdbc:postgresql://localhost/shop",
        "  freshet migrate --jdbc-url jdbc:postgresql://localhost/shop"})
public final class MigrateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--dry-run", description = "List the steps that would be applied; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      String database = c.getCatalog();
      List<CatalogMigrations.Step> pending = CatalogMigrations.pending(c);
      int current = CatalogMigrations.LATEST - pending.size();
      if (pending.isEmpty()) {
        out.printf(Locale.ROOT, "the Freshet catalog of database %s is at version %d, this Freshet's: nothing to "
            + "do%n", database, current);
      } else if (dryRun) {
        out.printf(Locale.ROOT, "%s; would apply %d %s:%n", describe(database, current), pending.size(),
            pending.size() == 1 ? "step" : "steps");
        for (CatalogMigrations.Step step : pending) {
          out.printf(Locale.ROOT, "  V%d %s%n", step.version(), step.description());
        }
      } else {
        out.printf(Locale.ROOT, "%s; applying %d %s%n", describe(database, current), pending.size(),
            pending.size() == 1 ? "step" : "steps");
        out.flush();
        int reached = CatalogMigrations.migrate(c, (step, millis) -> {
          out.printf(Locale.ROOT, "  applied V%d %s (%d ms)%n", step.version(), step.description(), millis);
          out.flush();
        });
        out.printf(Locale.ROOT, "the Freshet catalog of database %s is at version %d%n", database, reached);
      }
      if (!dryRun) {
        reinstallPrograms(c, out);
      }
    }
    out.flush();
    return ExitCode.OK.code();
  }

  /** Every DIFFERENTIAL stream table's refresh programs, printed anew by this version (see StreamTables). */
  private static void reinstallPrograms(Connection c, PrintWriter out) throws java.sql.SQLException {
    int reinstalled = 0;
    for (StoredStreamTable st : StreamTables.list(c)) {
      if (st.effectiveMode() != Mode.DIFFERENTIAL) {
        continue;
      }
      try {
        StreamTables.reinstallPrograms(c, st);
        reinstalled++;
      } catch (java.sql.SQLException | RuntimeException e) {
        // a source renamed or dropped: its next refresh reports it, and reinstalls when it can
        out.printf(Locale.ROOT, "  could not reinstall the refresh programs of %s: %s%n", st.name(),
            dev.freshet.runtime.jdbc.DatabaseErrors.message(e).lines().findFirst().orElse(""));
      }
    }
    if (reinstalled > 0) {
      out.printf(Locale.ROOT, "reinstalled the refresh programs of %d stream %s with this version's code%n",
          reinstalled, reinstalled == 1 ? "table" : "tables");
    }
  }

  private static String describe(String database, int current) {
    return current == 0
        ? "database " + database + " has no Freshet catalog (version " + CatalogMigrations.LATEST + " creates it)"
        : "the Freshet catalog of database " + database + " is at version " + current + ", this Freshet's is "
            + CatalogMigrations.LATEST;
  }
}
