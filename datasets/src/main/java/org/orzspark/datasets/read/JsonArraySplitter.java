package org.orzspark.datasets.read;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the text of a top-level JSON array into the texts of its elements without parsing them, so
 * that each element is parsed on its own and a syntax error stays inside its element (a JSON parser
 * cannot resume after an error). The scan tracks only strings (with backslash escapes) and bracket
 * depth; whether an element is valid JSON is for the parser to say.
 *
 * <p>For valid JSON the cut is exact. For broken JSON it is best effort: an unbalanced bracket or
 * an unterminated string makes the element that contains it run to the end of the text, which the
 * parser then rejects, so nothing is lost.
 */
final class JsonArraySplitter {

  /** One element: its 0-based index and its text (without surrounding whitespace). */
  record Element(int index, String text) {}

  /**
   * @param elements the elements in order
   * @param trailing non-whitespace text after the closing bracket ({@code ""} when there is none)
   * @param closed false when the text ends before the array's closing bracket (a truncated file):
   *     then the last element may be incomplete even if it parses
   */
  record Split(List<Element> elements, String trailing, boolean closed) {}

  private JsonArraySplitter() {}

  /**
   * @throws IllegalArgumentException if the text does not start with {@code [} (after whitespace)
   */
  static Split split(String text) {
    int pos = skipWhitespace(text, 0);
    if (pos >= text.length() || text.charAt(pos) != '[') {
      String start = text.substring(pos, Math.min(text.length(), pos + 20));
      throw new IllegalArgumentException("not a JSON array: starts with '" + start + "'");
    }
    List<Element> elements = new ArrayList<>();
    int depth = 0;
    boolean inString = false;
    int elementStart = pos + 1;
    for (int i = pos + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> inString = true;
        case '[', '{' -> depth++;
        case ']', '}' -> {
          if (depth == 0) {
            if (c == ']') {
              addElement(elements, text.substring(elementStart, i), true);
              return new Split(elements, text.substring(i + 1).strip(), true);
            }
          } else {
            depth--;
          }
        }
        case ',' -> {
          if (depth == 0) {
            addElement(elements, text.substring(elementStart, i), false);
            elementStart = i + 1;
          }
        }
        default -> {}
      }
    }
    // Never closed: the remainder is the last (incomplete) element.
    addElement(elements, text.substring(elementStart), false);
    return new Split(elements, "", false);
  }

  /** Adds the element; a blank text is skipped only where it closes an empty array: {@code []}. */
  private static void addElement(List<Element> elements, String raw, boolean closing) {
    String text = raw.strip();
    if (text.isEmpty() && closing && elements.isEmpty()) {
      return;
    }
    elements.add(new Element(elements.size(), text));
  }

  private static int skipWhitespace(String text, int pos) {
    while (pos < text.length()
        && (Character.isWhitespace(text.charAt(pos)) || text.charAt(pos) == '\uFEFF')) {
      pos++;
    }
    return pos;
  }
}
