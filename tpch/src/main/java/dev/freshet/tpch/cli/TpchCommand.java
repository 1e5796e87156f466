package dev.freshet.tpch.cli;

import dev.freshet.runtime.cli.UsageException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code freshet tpch}: the group; on its own, a usage error naming its commands. */
@Command(
    name = "tpch",
    mixinStandardHelpOptions = true,
    description = {
        "The TPC-H benchmark: generate and load its eight tables, show its 22 queries, "
            + "and run its refresh functions (inserts, deletes, updates) against a loaded schema."
    },
    subcommands = {TpchLoadCommand.class, TpchQueriesCommand.class, TpchRefreshCommand.class},
    footer = {
        "",
        "Examples:",
        "  freshet tpch load --sf 1 --data-dir ./pg     load SF-1, keep it in ./pg",
        "  freshet tpch queries --show 5                print Q5",
        "  freshet tpch refresh --data-dir ./pg --cycles 3",
        "                                               run RF1, RF2, RF3 three times"
    })
public final class TpchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new UsageException("no tpch command given: load, queries or refresh");
  }
}
