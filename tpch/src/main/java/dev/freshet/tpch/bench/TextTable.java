package dev.freshet.tpch.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A small table printed either as aligned text or as a Markdown table (for docs/benchmarks.md). */
public final class TextTable {

  private final List<String> header;
  private final boolean[] rightAligned;
  private final List<List<String>> rows = new ArrayList<>();

  /** Columns named in {@code header}; a name starting with {@code >} is right-aligned (the mark is dropped). */
  public TextTable(String... header) {
    this.header = new ArrayList<>();
    this.rightAligned = new boolean[header.length];
    for (int i = 0; i < header.length; i++) {
      rightAligned[i] = header[i].startsWith(">");
      this.header.add(rightAligned[i] ? header[i].substring(1) : header[i]);
    }
  }

  public TextTable row(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
    }
    rows.add(List.of(cells));
    return this;
  }

  public void print(PrintWriter out, boolean markdown) {
    if (markdown) {
      out.println("| " + String.join(" | ", header) + " |");
      List<String> rule = new ArrayList<>();
      for (boolean right : rightAligned) {
        rule.add(right ? "---:" : "---");
      }
      out.println("| " + String.join(" | ", rule) + " |");
      for (List<String> row : rows) {
        out.println("| " + String.join(" | ", row.stream().map(s -> s.replace("|", "\\|")).toList()) + " |");
      }
    } else {
      int[] widths = new int[header.size()];
      for (int i = 0; i < widths.length; i++) {
        widths[i] = header.get(i).length();
        for (List<String> row : rows) {
          widths[i] = Math.max(widths[i], row.get(i).length());
        }
      }
      out.println(line(header, widths));
      for (List<String> row : rows) {
        out.println(line(row, widths));
      }
    }
    out.flush();
  }

  private String line(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        b.append("  ");
      }
      String pad = String.join("", Collections.nCopies(widths[i] - cells.get(i).length(), " "));
      boolean last = i == cells.size() - 1;
      b.append(rightAligned[i] ? pad + cells.get(i) : cells.get(i) + (last ? "" : pad));
    }
    return b.toString();
  }
}
