package dev.freshet.runtime.cli;

import java.util.List;

/**
 * Contributes subcommands to the {@code freshet} command line. Modules above {@code runtime}
 * (e.g. {@code tpch}) register one in {@code META-INF/services/dev.freshet.runtime.cli.CommandProvider},
 * so no dependency points back down the module stack.
 */
public interface CommandProvider {
  /** Picocli command objects (annotated with {@code @Command}), each with its own name. */
  List<Object> commands();
}
