package dev.freshet.runtime.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The commands a mistyped one was likely meant to be, as git finds them: only those close to it (a few letters
 * added, dropped, changed or swapped, or the start of a command's name), and of those the closest; none when
 * nothing is close, rather than a guess that is noise ({@code frobnicate} is not a mistyped {@code create}).
 */
final class SimilarCommands {

  private SimilarCommands() {
  }

  /** The closest of {@code names} to {@code typed}, in the order given; empty when none is close. */
  static List<String> to(String typed, Collection<String> names) {
    String word = typed.toLowerCase(Locale.ROOT);
    int best = Integer.MAX_VALUE;
    List<String> closest = new ArrayList<>();
    for (String name : names) {
      int score = score(word, name.toLowerCase(Locale.ROOT));
      if (score > allowed(word)) {
        continue;
      }
      if (score < best) {
        best = score;
        closest.clear();
      }
      if (score == best) {
        closest.add(name);
      }
    }
    return closest;
  }

  /** 0 for a command that {@code word} begins (of three letters or more), else the edit distance. */
  private static int score(String word, String name) {
    return word.length() >= 3 && name.startsWith(word) ? 0 : distance(word, name);
  }

  /** The edits allowed: one in a word of four letters or fewer (where two make most words alike), else two. */
  private static int allowed(String word) {
    return word.length() <= 4 ? 1 : 2;
  }

  /**
   * The optimal string alignment distance: the letters inserted, deleted or replaced, and pairs of adjacent
   * letters swapped, to make {@code a} into {@code b} ({@code verfiy} is one swap from {@code verify}).
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
