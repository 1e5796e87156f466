package dev.freshet.runtime.oracle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads PostgreSQL's text of a row ({@code record_out}, e.g. {@code (1,"a b",,"",t)}) back into the text of each
 * value. PostgreSQL writes each value with its type's output function, NULL as nothing, and puts a value in
 * double quotes when it is empty or holds a double quote, a backslash, a parenthesis, a comma or white space,
 * doubling each double quote and backslash inside.
 */
final class RecordText {

  private RecordText() {
  }

  /**
   * Each value's text, in order; null for NULL. {@code columns}: how many the row has ({@code ()} is the text
   * of a row of one NULL, and of a row without columns).
   */
  static List<String> fields(String record, int columns) {
    if (record.length() < 2 || record.charAt(0) != '(' || record.charAt(record.length() - 1) != ')') {
      throw new IllegalArgumentException("not a row's text: " + record);
    }
    if (columns == 0) {
      if (!record.equals("()")) {
        throw new IllegalArgumentException("not the text of a row without columns: " + record);
      }
      return List.of();
    }
    List<String> fields = new ArrayList<>();
    int i = 1;
    while (true) {
      if (record.charAt(i) == '"') {
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          char ch = record.charAt(i);
          if (ch == '\\' || ch == '"' && record.charAt(i + 1) == '"') {
            value.append(record.charAt(i + 1));
            i += 2;
          } else if (ch == '"') {
            i++;
            break;
          } else {
            value.append(ch);
            i++;
          }
        }
        fields.add(value.toString());
      } else {
        int end = i;
        while (record.charAt(end) != ',' && record.charAt(end) != ')') {
          end++;
        }
        fields.add(end == i ? null : record.substring(i, end));
        i = end;
      }
      char separator = record.charAt(i);
      i++;
      if (separator == ')') {
        if (i != record.length()) {
          throw new IllegalArgumentException("not a row's text: " + record);
        }
        if (fields.size() != columns) {
          throw new IllegalArgumentException("the text of a row of " + columns + " columns has " + fields.size()
              + " values: " + record);
        }
        return Collections.unmodifiableList(fields);
      }
      if (separator != ',') {
        throw new IllegalArgumentException("not a row's text: " + record);
      }
    }
  }
}
