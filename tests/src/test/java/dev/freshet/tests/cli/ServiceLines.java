package dev.freshet.tests.cli;

import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The service's output, line by line, as it prints it. */
final class ServiceLines extends Writer {
  final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
  final List<String> seen = new ArrayList<>();
  private final StringBuilder pending = new StringBuilder();

  @Override
  public synchronized void write(char[] buffer, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (buffer[i] == '\n') {
        queue.add(pending.toString());
        pending.setLength(0);
      } else {
        pending.append(buffer[i]);
      }
    }
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
  }

  /** Blocks until the service prints a line that {@code wanted} accepts; fails after a minute. */
  String next(String what, Predicate<String> wanted) throws InterruptedException {
    while (true) {
      String line = queue.poll(60, TimeUnit.SECONDS);
      if (line == null) {
        throw new AssertionError("the service printed no line with " + what + "; it printed:\n"
            + String.join("\n", seen));
      }
      seen.add(line);
      if (wanted.test(line)) {
        return line;
      }
    }
  }
}
