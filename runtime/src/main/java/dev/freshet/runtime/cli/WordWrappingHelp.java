package dev.freshet.runtime.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The help of every command, wrapped between words only. picocli wraps with {@link java.text.BreakIterator}'s
 * line breaks, which also fall inside a token: after the colon of {@code jdbc:postgresql:} and before the slash
 * of {@code //host/db}, after the comma of {@code LIST[,LIST...]}; a URL or an option split so cannot be copied.
 * Here every place picocli wraps text (option and parameter descriptions, the description, header and footer,
 * the synopsis) goes through a {@link WordWrappingTable}, which breaks lines at spaces; picocli still lays out
 * the columns and the indentation. (The list of commands is picocli's: its one-line summaries have no such token.) A word wider than its column is still cut (none of Freshet's is:
 * {@code CliHelpTest} renders every help at 80 columns and at 1000 and compares their words).
 */
final class WordWrappingHelp extends CommandLine.Help {

  WordWrappingHelp(CommandSpec spec, ColorScheme colorScheme) {
    super(spec, colorScheme);
  }

  @Override
  public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals,
      ColorScheme scheme) {
    Layout layout = super.createDefaultLayout(options, positionals, scheme);
    TextTable table = layout.textTable();
    WordWrappingTable words = new WordWrappingTable(scheme, table.columns());
    words.indentWrappedLines = table.indentWrappedLines;
    words.setAdjustLineBreaksForWideCJKCharacters(table.isAdjustLineBreaksForWideCJKCharacters());
    return new Layout(scheme, words, layout.optionRenderer(), layout.parameterRenderer());
  }

  @Override
  public String description(Object... params) {
    return paragraphs(commandSpec().usageMessage().description(), params);
  }

  @Override
  public String header(Object... params) {
    return paragraphs(commandSpec().usageMessage().header(), params);
  }

  @Override
  public String footer(Object... params) {
    return paragraphs(commandSpec().usageMessage().footer(), params);
  }

  /** Lines of text the width of the help, as picocli's {@code Help.join} lays them out. */
  private String paragraphs(String[] lines, Object... params) {
    if (lines == null || lines.length == 0) {
      return "";
    }
    WordWrappingTable table = new WordWrappingTable(colorScheme(), new Column(width(), 0, Column.Overflow.WRAP));
    table.setAdjustLineBreaksForWideCJKCharacters(adjustCjk());
    table.indentWrappedLines = 0;
    for (String line : lines) {
      table.addRowValues(format(line, params));
    }
    return table.toString();
  }

  /** As picocli's: {@code String.format} when the text is a valid format, else the text as written. */
  private static String format(String text, Object... params) {
    if (text == null) {
      return "";
    }
    try {
      return String.format(text, params);
    } catch (java.util.IllegalFormatException e) {
      return text;
    }
  }

  /**
   * {@code Usage: freshet create [-hvV] ...}, continuation lines aligned after the command name (or, for a
   * long name, as picocli's synopsis indent says), as picocli's {@code insertSynopsisCommandName} does.
   */
  @Override
  protected String insertSynopsisCommandName(int synopsisHeadingLength, Text optionText) {
    if (synopsisHeadingLength < 0) {
      throw new IllegalArgumentException("synopsisHeadingLength must be a positive number but was "
          + synopsisHeadingLength);
    }
    CommandLine.Model.UsageMessageSpec usage = commandSpec().usageMessage();
    String name = commandSpec().qualifiedName();
    int indent = synopsisHeadingLength + name.length() + 1;
    if (indent > usage.synopsisAutoIndentThreshold() * width()) {
      indent = usage.synopsisIndent() < 0 ? synopsisHeadingLength : usage.synopsisIndent();
      indent = Math.min(indent, (int) (0.9 * width()));
    }
    WordWrappingTable table = new WordWrappingTable(colorScheme(), new Column(width(), 0, Column.Overflow.WRAP));
    table.setAdjustLineBreaksForWideCJKCharacters(adjustCjk());
    table.indentWrappedLines = indent;
    // the heading ("Usage: ") is printed before this text: its width is held by padding, cut off below
    Text padding = colorScheme().text("X".repeat(synopsisHeadingLength));
    table.addRowValues(padding.concat(colorScheme().commandText(name)).concat(optionText));
    return table.toString().substring(synopsisHeadingLength);
  }

  private int width() {
    return commandSpec().usageMessage().width();
  }

  private boolean adjustCjk() {
    return commandSpec().usageMessage().adjustLineBreaksForWideCJKCharacters();
  }

  /**
   * A {@link TextTable} whose wrapping columns break lines at spaces only: each line is cut to fit before
   * picocli places it, so picocli's own line breaking never has to break it again.
   */
  static final class WordWrappingTable extends TextTable {

    WordWrappingTable(ColorScheme scheme, Column... columns) {
      super(scheme, columns);
    }

    @Override
    public Cell putValue(int row, int col, Text value) {
      Column column = columns()[col];
      if (value == null || column.overflow != Column.Overflow.WRAP) {
        return super.putValue(row, col, value);
      }
      String plain = value.plainString();
      int r = row;
      int start = 0;
      int offset = column.indent; // where picocli puts the first line; wrapped lines go indentWrappedLines further
      while (true) {
        int end = lineEnd(plain, start, column.width - offset);
        Text line = value.substring(start, end);
        super.putValue(r, col, offset == column.indent ? line
            : value.substring(0, 0).concat(" ".repeat(offset - column.indent)).concat(line));
        start = end;
        while (start < plain.length() && plain.charAt(start) == ' ') {
          start++;
        }
        if (start >= plain.length()) {
          return new Cell(col, r);
        }
        addEmptyRow();
        r++;
        offset = column.indent + indentWrappedLines;
      }
    }

    /**
     * Where the line starting at {@code start} ends: at the last space that fits in {@code room} with the word
     * before it (as picocli counts, so a wrapped line is at most {@code room - 1} wide, as picocli's are), or
     * after its first word when that alone is wider (picocli then cuts it, as it must).
     */
    static int lineEnd(String text, int start, int room) {
      if (text.length() - start <= room) {
        return text.length();
      }
      int end = -1;
      for (int i = start + 1; i < start + room && i < text.length(); i++) {
        if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
          end = i;
        }
      }
      if (end > start) {
        return end;
      }
      int space = text.indexOf(' ', start + 1);
      return space < 0 ? text.length() : space;
    }
  }
}
