package org.orzspark.datasets.read;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.orzspark.datasets.text.UnpairedSurrogates;

/**
 * Finds characters in a question or answer that mean the text was damaged upstream. Pure: reports,
 * never repairs.
 *
 * <p>A <b>broken escape</b> is LaTeX whose backslash met a JSON escape letter: {@code "\frac"}
 * written into JSON unescaped decodes to a form feed followed by {@code rac}. It is recognised as
 * one of the control characters that JSON escapes produce ({@code \b \f \n \r \t}) followed by
 * letters that, with the escape letter in front, spell a LaTeX command. Form feed and backspace
 * never belong in a question, so they count anywhere; tab, line feed and carriage return are
 * ordinary whitespace in prose and code listings, so they count inside math ({@code $...$}, {@code
 * \[...\]}, {@code \(...\)}), where {@code 5 <TAB>imes 5} cannot be meant, and outside math only
 * when the letters after them are no English word of their own ({@code imes}, {@code ext}, {@code
 * otin}: at least three letters, not {@code mid}, {@code angle}, {@code floor}), since many sources
 * write math without delimiters.
 *
 * <p>An <b>invalid character</b> is any other control character than tab, line feed and carriage
 * return, U+FFFD, the replacement for bytes that were not valid UTF-8, or an unpaired surrogate
 * (from a JSON escape such as <code>&#92;ud800</code>), which UTF-8 and so Parquet cannot hold:
 * Java would write it as {@code ?}.
 */
public final class TextDefects {

  /** A defect: the reason and a message naming the character and its offset. */
  public record Defect(QuarantineReason reason, String detail) {}

  private static final Map<Character, String> ESCAPES =
      Map.of('\b', "b", '\f', "f", '\n', "n", '\r', "r", '\t', "t");

  private static final Map<Character, String> NAMES =
      Map.of(
          '\b',
          "backspace",
          '\f',
          "form feed",
          '\n',
          "line feed",
          '\r',
          "carriage return",
          '\t',
          "tab");

  /** LaTeX commands that start with a JSON escape letter (b, f, n, r, t). */
  private static final Set<String> COMMANDS =
      Set.of(
          "bar",
          "begin",
          "beta",
          "big",
          "bigcap",
          "bigcup",
          "bigg",
          "bigl",
          "bigr",
          "binom",
          "bmod",
          "boldsymbol",
          "bot",
          "boxed",
          "breve",
          "bullet",
          "backslash",
          "fbox",
          "flat",
          "forall",
          "frac",
          "frown",
          "nabla",
          "ne",
          "neg",
          "neq",
          "newline",
          "nexists",
          "ngeq",
          "ni",
          "nleq",
          "nmid",
          "not",
          "notin",
          "nsubseteq",
          "nu",
          "rangle",
          "rbrace",
          "rceil",
          "rfloor",
          "rho",
          "right",
          "rightarrow",
          "rm",
          "root",
          "tan",
          "tanh",
          "tau",
          "tbinom",
          "text",
          "textbf",
          "textit",
          "textrm",
          "textstyle",
          "texttt",
          "tfrac",
          "therefore",
          "theta",
          "tilde",
          "times",
          "to",
          "top",
          "triangle",
          "triangleq");

  /** Command tails (the letters after the escape letter) that are also English words. */
  private static final Set<String> WORD_TAILS = Set.of("mid", "angle", "floor");

  private TextDefects() {}

  /** The first defect of the text, if any. */
  public static Optional<Defect> find(String text) {
    boolean inMath = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        if (next == '[' || next == '(') {
          inMath = true;
        } else if (next == ']' || next == ')') {
          inMath = false;
        }
        i++; // an escaped character (\$, \\) neither opens nor closes math
        continue;
      }
      if (c == '$') {
        if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
          i++; // $$ opens or closes display math as one delimiter
        }
        inMath = !inMath;
        continue;
      }
      String escape = ESCAPES.get(c);
      if (escape != null) {
        String command = escape + letters(text, i + 1);
        boolean neverText = c == '\f' || c == '\b';
        if (COMMANDS.contains(command) && (neverText || inMath || notAWord(command.substring(1)))) {
          return Optional.of(
              new Defect(
                  QuarantineReason.BROKEN_ESCAPE,
                  NAMES.get(c)
                      + " before '"
                      + command.substring(1)
                      + "' at offset "
                      + i
                      + ": the JSON escape \\"
                      + escape
                      + " of LaTeX \\"
                      + command
                      + " was decoded as a control character"));
        }
      }
      if (c == '\uFFFD'
          || (Character.getType(c) == Character.CONTROL && !isWhitespace(c))
          || UnpairedSurrogates.at(text, i)) {
        return Optional.of(invalidCharacter(text, i));
      }
    }
    return Optional.empty();
  }

  /** An {@link QuarantineReason#INVALID_CHARACTER} defect naming the character at {@code i}. */
  static Defect invalidCharacter(String text, int i) {
    char c = text.charAt(i);
    String what = UnpairedSurrogates.at(text, i) ? "unpaired surrogate" : "character";
    return new Defect(
        QuarantineReason.INVALID_CHARACTER,
        String.format("%s U+%04X at offset %d", what, (int) c, i));
  }

  private static boolean notAWord(String tail) {
    return tail.length() >= 3 && !WORD_TAILS.contains(tail);
  }

  private static boolean isWhitespace(char c) {
    return c == '\t' || c == '\n' || c == '\r';
  }

  private static String letters(String text, int from) {
    int end = from;
    while (end < text.length() && isAsciiLetter(text.charAt(end))) {
      end++;
    }
    return text.substring(from, end);
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
