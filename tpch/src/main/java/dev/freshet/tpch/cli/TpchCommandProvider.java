package dev.freshet.tpch.cli;

import dev.freshet.runtime.cli.CommandProvider;
import java.util.List;

/**
 * Contributes {@code freshet tpch ...} to the command line; registered in
 * {@code META-INF/services/dev.freshet.runtime.cli.CommandProvider}.
 */
public final class TpchCommandProvider implements CommandProvider {

  /** Public and without arguments: {@link java.util.ServiceLoader} instantiates it. */
  public TpchCommandProvider() {
  }

  @Override
  public List<Object> commands() {
    return List.of(new TpchCommand(), new DemoCommand(), new BenchCommand(), new SoakCommand());
  }
}
