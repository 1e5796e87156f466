package dev.freshet.runtime.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code freshet} command line that a message suggests, written so that it can be pasted into a POSIX shell as
 * it is printed: an argument holding anything but letters, digits, {@code _ . -} is put in single quotes, a single
 * quote in it written {@code '\''}. A stream table's name is printed as SQL takes it ({@code "public"."Order
 * Items"}); bare, the shell would drop its double quotes and split it at the space. So every message that
 * suggests a command naming something builds it here, and prints it last in its sentence, without quotes of
 * its own around it (they would be read as part of the command).
 */
public final class SuggestedCommand {

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.-]+");

  private SuggestedCommand() {
  }

  /** {@code freshet} and its arguments, each quoted for the shell where it needs it. */
  public static String freshet(Object... arguments) {
    List<String> words = new ArrayList<>();
    words.add("freshet");
    for (Object argument : arguments) {
      words.add(shellWord(String.valueOf(argument)));
    }
    return String.join(" ", words);
  }

  /** {@code text} as one word of a POSIX shell: as it is when plain, else in single quotes. */
  public static String shellWord(String text) {
    if (PLAIN.matcher(text).matches()) {
      return text;
    }
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
