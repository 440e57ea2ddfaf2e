package org.orzspark.reward.latex;

import java.util.regex.Pattern;

/**
 * String-level clean-up of a LaTeX answer before parsing: repairs control characters that stand for
 * a swallowed backslash escape, unifies command spellings and removes styling, spacing, units
 * markers and percent/degree signs. Every step is a single linear pass (no backtracking regexes on
 * unbounded repetitions), so the cost is bounded by the input length the caller enforces.
 */
public final class LatexNormalizer {
  private LatexNormalizer() {}

  /**
   * A control character that a non-raw string literal produced from {@code \a \b \t \v \f \r} (e.g.
   * TAB + "ext{" from "\text{"), when a lower-case letter follows, is put back as backslash +
   * letter. Any other control character (NUL included) becomes a space.
   */
  public static String repairControlCharacters(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != 0x7f || c == '\n') {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      char next = i + 1 < s.length() ? s.charAt(i + 1) : ' ';
      char escaped = escapeLetter(c);
      if (escaped != 0 && next >= 'a' && next <= 'z') {
        out.append('\\').append(escaped);
      } else {
        out.append(' ');
      }
    }
    return out == null ? s : out.toString();
  }

  private static char escapeLetter(char c) {
    switch (c) {
      case 0x07:
        return 'a';
      case 0x08:
        return 'b';
      case 0x09:
        return 't';
      case 0x0b:
        return 'v';
      case 0x0c:
        return 'f';
      case 0x0d:
        return 'r';
      default:
        return 0;
    }
  }

  private static final Pattern DOUBLED_BACKSLASH_COMMAND =
      Pattern.compile("(?<!\\\\)\\\\\\\\(?=[a-zA-Z])");
  private static final Pattern SPACED_THOUSANDS_BRACE =
      Pattern.compile("(\\d)\\s*\\{\\s*,\\s*\\}\\s*(\\d)");
  private static final Pattern THOUSANDS_THIN_SPACE =
      Pattern.compile("(\\d),\\\\!\\s?(?=\\d{3}(?!\\d))");
  private static final Pattern TEXT_CONNECTIVE =
      Pattern.compile("\\\\(?:text|textrm|textnormal|mbox|mathrm)\\{\\s*(and|or)\\s*\\}");

  /** {@code 19, 46, and 82}: a connective after a list comma, or a doubled comma, is one comma. */
  private static final Pattern COMMA_CONNECTIVE = Pattern.compile(",[\\s,]*,|,\\s*(?:and|or)\\b");

  private static final Pattern GLUED_CONNECTIVE =
      Pattern.compile("(?<=[0-9)\\]}])\\s*(?:or|and)\\s*(?=[-A-Z(\\[\\\\0-9])");
  private static final Pattern SINGLE_LETTER_ROMAN =
      Pattern.compile("\\\\math(?:rm|it|bf|sf)\\{\\s*([a-zA-Z])\\s*\\}");

  /** Spacing commands; a preceding backslash means {@code \\} (a row break) and is left alone. */
  private static final Pattern SPACING = Pattern.compile("(?<!\\\\)\\\\[ ,;:!]");

  /** {@code 1.5e-3}, {@code 2E+5}: scientific notation (digits on both sides of the e). */
  private static final Pattern SCIENTIFIC = Pattern.compile("(?<=\\d)[eE]([-+]?\\d+)(?![\\d.])");

  private static final Pattern PERCENT_WORD = Pattern.compile("\\b(?:pct|percent|percentage)\\b");
  private static final Pattern DEGREES =
      Pattern.compile("\\^\\s*(?:\\{\\s*\\\\circ\\s*\\}|\\\\circ)|\\\\circ|\\\\degree|°");

  /**
   * A doubled backslash before a command name ({@code \\frac}, from a string escaped twice) becomes
   * one; {@code \\} before anything else (a matrix row break) is kept.
   */
  public static String undoubleBackslashes(String s) {
    return s.indexOf("\\\\") < 0 ? s : DOUBLED_BACKSLASH_COMMAND.matcher(s).replaceAll("\\\\");
  }

  /** The normalised string (see the class comment); input length must already be bounded. */
  public static String normalize(String raw) {
    String s = undoubleBackslashes(repairControlCharacters(raw));
    // Each pattern only runs when its trigger character occurs (most answers are short and plain).
    if (s.indexOf(',') >= 0) {
      s = SPACED_THOUSANDS_BRACE.matcher(s).replaceAll("$1$2");
      s = THOUSANDS_THIN_SPACE.matcher(s).replaceAll("$1");
    }
    if (s.indexOf('{') >= 0) {
      s = TEXT_CONNECTIVE.matcher(s).replaceAll(" , ");
      s = SINGLE_LETTER_ROMAN.matcher(s).replaceAll("$1");
    }
    if (s.contains("circ") || s.contains("degree") || s.indexOf('°') >= 0) {
      s = DEGREES.matcher(s).replaceAll(" ");
    }
    if (s.contains("pct") || s.contains("percent")) {
      s = PERCENT_WORD.matcher(s).replaceAll(" ");
    }
    if (s.indexOf('\\') >= 0) {
      s = SPACING.matcher(s).replaceAll(" ");
    }
    if (s.indexOf('e') >= 0 || s.indexOf('E') >= 0) {
      s = SCIENTIFIC.matcher(s).replaceAll("\\\\times10^{$1}");
    }
    s = replaceAll(s, REPLACEMENTS);
    if (s.contains("or") || s.contains("and")) {
      s = GLUED_CONNECTIVE.matcher(s).replaceAll(" , ");
    }
    if (s.indexOf(',') >= 0) {
      s = COMMA_CONNECTIVE.matcher(s).replaceAll(",");
    }
    return s.trim();
  }

  /**
   * Pairs of literal replacements, applied in order. Longer spellings come before their prefixes.
   */
  private static final String[][] REPLACEMENTS = {
    {"{,}", ""},
    {"\\dfrac", "\\frac"},
    {"\\tfrac", "\\frac"},
    {"\\cfrac", "\\frac"},
    {"\\left", ""},
    {"\\right", ""},
    {"\\bigl", ""},
    {"\\bigr", ""},
    {"\\Bigl", ""},
    {"\\Bigr", ""},
    {"\\big", ""},
    {"\\Big", ""},
    {"\\displaystyle", ""},
    {"\\qquad", " "},
    {"\\quad", " "},
    {"~", " "},
    {"\\%", ""},
    {"%", ""},
    {"\\$", ""},
    {"$", ""},
    {"\\textbf", "\\text"},
    {"\\textnormal", "\\text"},
    {"\\textrm", "\\text"},
    {"\\textit", "\\text"},
    {"\\mbox", "\\text"},
    {"\\mathrm", "\\text"},
    {"\\operatorname", "\\text"},
    {"\\leqslant", "\\le"},
    {"\\geqslant", "\\ge"},
    {"\\leq", "\\le"},
    {"\\geq", "\\ge"},
    {"\\neq", "\\ne"},
    {"≤", "\\le "},
    {"≥", "\\ge "},
    {"≠", "\\ne "},
    {"−", "-"},
    {"×", "*"},
    {"·", "*"},
    {"π", "\\pi "},
    {"∞", "\\infty "},
    {"√", "\\sqrt"},
    {"²", "^2"},
    {"³", "^3"},
    {"\\lvert", "|"},
    {"\\rvert", "|"},
    {"\\vert", "|"},
  };

  private static String replaceAll(String s, String[][] pairs) {
    for (String[] pair : pairs) {
      if (s.contains(pair[0])) {
        s = s.replace(pair[0], pair[1]);
      }
    }
    return s;
  }
}
