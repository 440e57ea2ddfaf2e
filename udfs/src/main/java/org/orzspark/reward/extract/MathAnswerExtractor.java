package org.orzspark.reward.extract;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.orzspark.reward.latex.Expr;
import org.orzspark.reward.latex.Expr.Add;
import org.orzspark.reward.latex.Expr.Div;
import org.orzspark.reward.latex.Expr.Mul;
import org.orzspark.reward.latex.Expr.Neg;
import org.orzspark.reward.latex.Expr.Num;
import org.orzspark.reward.latex.Expr.Sym;
import org.orzspark.reward.latex.Expr.Text;
import org.orzspark.reward.latex.LatexNormalizer;
import org.orzspark.reward.latex.LatexParseException;
import org.orzspark.reward.latex.LatexParser;

/**
 * Math-Verify-style extraction of the answer from free text. Candidates, best first:
 *
 * <ol>
 *   <li>priority 0: what follows "final answer" (up to the end of that sentence), and boxes when
 *       {@code boxedFirst}; adjacent boxes ({@code \boxed{1}, \boxed{2}}) form one list;
 *   <li>priority 1: LaTeX math regions ({@code $$..$$}, {@code \[..\]}, {@code \(..\)}, {@code
 *       $..$}, inline ones on one line); adjacent regions joined only by "and"/commas form one
 *       list;
 *   <li>priority 1 as well: plain numbers and fractions in the prose outside math ({@code 1,000.5},
 *       {@code 2,74}, {@code 1 000}, {@code 2/3}), and a short text with LaTeX commands but no
 *       delimiters as a whole (ranked last-positioned, so it wins over its own numbers);
 *   <li>priority 3: any other short text without delimiters as a whole ({@code p - q}).
 * </ol>
 *
 * Within a priority the later position wins. The first candidate that parses is the answer; a bare
 * name ({@code $n$}) only when nothing else parses. Only the last {@link #MAX_TEXT} characters are
 * read.
 */
public final class MathAnswerExtractor {
  public static final int MAX_TEXT = 32_768;
  private static final int MAX_REGION = 4_096;
  private static final int MAX_CANDIDATES = 256;

  /** A short text with LaTeX commands but no math delimiters is also tried as one formula. */
  private static final int WHOLE_TEXT_MAX = 200;

  private static final Pattern FINAL_ANSWER = Pattern.compile("(?i)final answer(?:\\s+is)?\\s*:?");

  /**
   * An unsigned number: {@code 1,000,000} and {@code 1 000} (thousands), {@code 2,74}, {@code .5}.
   */
  private static final String UNSIGNED =
      "(?:\\d{1,3}(?:,\\d{3})+(?!\\d)|\\d{1,3}(?: \\d{3})+(?![\\d,.])|\\d+|(?=\\.\\d))(?:[.,]\\d+)?";

  private static final String FRACTION_TAIL = "(?:[ \\t]*/[ \\t]*-?\\d+(?:\\.\\d+)?)?";

  /**
   * A mixed number {@code 4 4/9}: an integer, blanks, a fraction of integers (checked when parsed).
   */
  private static final String MIXED =
      "(\\d{1,3}(?: \\d{3})+|\\d+)[ \\t]+(\\d+)[ \\t]*/[ \\t]*(\\d+)(?!\\d|[.,]\\d|[ \\t]*/)";

  /** Operations in one plain-text expression: a bound keeps the regex's recursion shallow. */
  private static final int MAX_OPERATIONS = 24;

  private static final String OPERATOR = "[ \\t]*[-+*×÷^][ \\t]*";
  private static final String PERCENT_SUFFIX =
      "(?:[ \\t]*(?:%|percentage|percent|pct)(?![A-Za-z]))?";

  /**
   * A plain number, fraction, mixed number or arithmetic on them, with an optional percent sign.
   */
  private static final Pattern NUMBER =
      Pattern.compile(
          "(?<![\\w.,/])[-+]?(?:"
              + MIXED
              + "|"
              + UNSIGNED
              + FRACTION_TAIL
              + "(?:"
              + OPERATOR
              + "[-+]?"
              + UNSIGNED
              + FRACTION_TAIL
              + "){0,"
              + MAX_OPERATIONS
              + "})"
              + PERCENT_SUFFIX);

  private static final Pattern MIXED_NUMBER = Pattern.compile("([-+]?)" + MIXED);
  private static final Pattern SIMPLE_NUMBER = Pattern.compile("[-+]?" + UNSIGNED + FRACTION_TAIL);
  private static final Pattern UNSIGNED_NUMBER = Pattern.compile(UNSIGNED);
  private static final Pattern PERCENT_AT_END = Pattern.compile(PERCENT_SUFFIX + "$");

  /** A percent marker: such an answer equals its number and its number divided by 100. */
  private static final Pattern PERCENT = Pattern.compile("%|(?:percent(?:age)?|pct)\\b");

  private static final Pattern LEAVES_MATH = Pattern.compile("\\$|\\\\[\\]\\[()]");
  private static final Pattern LIST_SEPARATOR =
      Pattern.compile("[,;]|\\band\\b|\\bor\\b|\\\\q?quad");
  private static final Pattern TEXT_WORDS = Pattern.compile("\\\\text\\{([A-Za-z ]*)\\}");

  /** {@code (a)} in "for part (a) and". */
  private static final Pattern PART_LABEL = Pattern.compile("\\([a-z]\\)");

  private static final Pattern SEPARATOR_GAP = Pattern.compile("(?:\\s|,|;|\\band\\b|\\bor\\b)+");
  private static final Pattern NAME_ASSIGNMENT =
      Pattern.compile("[A-Za-z](?:_\\{?\\w{1,3}\\}?)?\\s*=");

  private MathAnswerExtractor() {}

  private record Candidate(int priority, int position, String text, boolean latex) {}

  /** The extracted answer (zero or one element: Math-Verify returns a value and its string). */
  public static List<Extracted> extract(String text, ExtractionConfig config) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    String t = text.length() > MAX_TEXT ? text.substring(text.length() - MAX_TEXT) : text;
    t = LatexNormalizer.undoubleBackslashes(LatexNormalizer.repairControlCharacters(t));
    List<Candidate> candidates = new ArrayList<>();
    List<int[]> mathRegions = mathRegions(t);
    if (config.latex()) {
      addBoxes(t, 0, t.length(), config.boxedFirst() ? 0 : 1, candidates);
      addMathRegions(t, mathRegions, 1, candidates);
    }
    // With LaTeX on, a number inside math or a box belongs to that candidate, not to the prose.
    List<int[]> notProse = new ArrayList<>(mathRegions);
    if (config.latex()) {
      Boxed.all(t).forEach(box -> notProse.add(new int[] {box.start(), box.end()}));
    }
    addFinalAnswer(t, mathRegions, notProse, config, candidates);
    if (config.expr()) {
      addNumbers(t, 0, t.length(), notProse, 1, candidates);
    }
    if (config.latex() && t.length() <= WHOLE_TEXT_MAX && !hasMathDelimiter(t)) {
      candidates.add(new Candidate(t.indexOf('\\') >= 0 ? 1 : 3, t.length(), t, true));
    }
    candidates.sort(
        Comparator.comparingInt(Candidate::priority)
            .thenComparing(Comparator.comparingInt(Candidate::position).reversed()));
    Extracted bareName = null;
    for (int i = 0; i < Math.min(candidates.size(), MAX_CANDIDATES); i++) {
      Candidate c = candidates.get(i);
      Expr value = parse(c);
      if (value == null) {
        continue;
      }
      if (isBareName(value)) {
        if (bareName == null) {
          bareName = new Extracted(value, c.text().trim());
        }
        continue;
      }
      return List.of(new Extracted(value, c.text().trim()));
    }
    if (bareName != null) {
      return List.of(bareName);
    }
    return candidates.isEmpty()
        ? List.of()
        : List.of(new Extracted(null, candidates.get(0).text().trim()));
  }

  private static boolean hasMathDelimiter(String t) {
    return t.indexOf('$') >= 0 || t.contains("\\(") || t.contains("\\[");
  }

  private static Expr parse(Candidate c) {
    try {
      return c.latex() ? LatexParser.parseLatex(c.text()) : parseNumber(c.text());
    } catch (LatexParseException | ArithmeticException | StackOverflowError notAnswer) {
      return null;
    }
  }

  /** A name such as {@code n} or {@code AB}; {@code 204_5} (a numeral in base 5) is not one. */
  private static boolean isBareName(Expr value) {
    return value instanceof Sym s && !Character.isDigit(s.name().charAt(0))
        || value instanceof Text
        || value instanceof Mul m && m.factors().stream().allMatch(Sym.class::isInstance);
  }

  // ---- boxes and math regions
  // ----------------------------------------------------------------------

  private static void addBoxes(String t, int from, int to, int priority, List<Candidate> out) {
    List<Boxed.Match> boxes = Boxed.all(t.substring(from, to));
    int i = 0;
    while (i < boxes.size()) {
      StringBuilder joined = new StringBuilder(boxes.get(i).content());
      int j = i;
      while (j + 1 < boxes.size()
          && isListGap(
              t.substring(from + boxes.get(j).end(), from + boxes.get(j + 1).start()), 2)) {
        j++;
        joined.append(", ").append(boxes.get(j).content());
      }
      out.add(new Candidate(priority, from + boxes.get(j).start(), joined.toString(), true));
      for (int k = i; j > i && k <= j; k++) {
        // Each box alone, tried when the list does not parse (a stable sort keeps the list first).
        out.add(new Candidate(priority, from + boxes.get(k).start(), boxes.get(k).content(), true));
      }
      i = j + 1;
    }
  }

  /**
   * Whether text between two answers only separates them: commas, "and"/"or", math delimiters,
   * {@code \quad}, {@code \text{and}}, and at most {@code words} other short words, no digits.
   */
  private static boolean isListGap(String gap, int words) {
    if (gap.length() > 48
        || LEAVES_MATH.matcher(gap).find() && !LIST_SEPARATOR.matcher(gap).find()) {
      // $$\boxed{20}$$ \boxed{143}: a box after the math closed, with no separator, replaces it.
      return false;
    }
    String g = gap.replace("\\quad", " ").replace("\\qquad", " ");
    g = PART_LABEL.matcher(g).replaceAll(" ");
    g = TEXT_WORDS.matcher(g).replaceAll(" $1 ");
    g =
        g.replace("$", " ")
            .replace("\\[", " ")
            .replace("\\]", " ")
            .replace("\\(", " ")
            .replace("\\)", " ")
            .replace("\\,", " ")
            .replace("\\ ", " ")
            .replace("\\;", " ");
    g = NAME_ASSIGNMENT.matcher(g).replaceAll(" ");
    g = SEPARATOR_GAP.matcher(g).replaceAll(" ").trim();
    if (g.isEmpty()) {
      return true;
    }
    if (!g.matches("[A-Za-z ]*")) {
      return false;
    }
    return g.split("\\s+").length <= words;
  }

  /** [start of content, end of content) of every math region, in order, non-overlapping. */
  private static List<int[]> mathRegions(String t) {
    List<int[]> out = new ArrayList<>();
    int i = 0;
    while (i < t.length() && out.size() < MAX_CANDIDATES) {
      char c = t.charAt(i);
      if (c == '$' && (i == 0 || t.charAt(i - 1) != '\\')) {
        boolean display = i + 1 < t.length() && t.charAt(i + 1) == '$';
        int contentStart = i + (display ? 2 : 1);
        int end = display ? t.indexOf("$$", contentStart) : closingDollar(t, contentStart);
        if (end >= 0 && end - contentStart <= MAX_REGION) {
          out.add(new int[] {contentStart, end});
          i = end + (display ? 2 : 1);
          continue;
        }
        i = contentStart;
        continue;
      }
      if (c == '\\' && i + 1 < t.length() && (t.charAt(i + 1) == '[' || t.charAt(i + 1) == '(')) {
        boolean display = t.charAt(i + 1) == '[';
        int end = t.indexOf(display ? "\\]" : "\\)", i + 2);
        if (end >= 0
            && end - i <= MAX_REGION
            && (display || t.substring(i + 2, end).indexOf('\n') < 0)) {
          out.add(new int[] {i + 2, end});
          i = end + 2;
          continue;
        }
      }
      i++;
    }
    return out;
  }

  /** The next unescaped {@code $} on the same line, or -1. */
  private static int closingDollar(String t, int from) {
    for (int j = from; j < t.length() && j - from <= MAX_REGION; j++) {
      char c = t.charAt(j);
      if (c == '\n') {
        return -1;
      }
      if (c == '$' && t.charAt(j - 1) != '\\') {
        return j;
      }
    }
    return -1;
  }

  private static void addMathRegions(
      String t, List<int[]> regions, int priority, List<Candidate> out) {
    int i = 0;
    while (i < regions.size()) {
      StringBuilder joined = new StringBuilder(t.substring(regions.get(i)[0], regions.get(i)[1]));
      int j = i;
      while (j + 1 < regions.size()
          && isListGap(t.substring(regions.get(j)[1], regions.get(j + 1)[0]), 0)) {
        j++;
        joined.append(", ").append(t, regions.get(j)[0], regions.get(j)[1]);
      }
      out.add(new Candidate(priority, regions.get(j)[0], joined.toString(), true));
      for (int k = i; j > i && k <= j; k++) {
        // Each region alone, tried when the list does not parse ($\frac{1}{$ and $42$).
        out.add(
            new Candidate(
                priority,
                regions.get(k)[0],
                t.substring(regions.get(k)[0], regions.get(k)[1]),
                true));
      }
      i = j + 1;
    }
  }

  /** The sentence after the last "final answer": its math, boxes and numbers, all at priority 0. */
  private static void addFinalAnswer(
      String t,
      List<int[]> regions,
      List<int[]> notProse,
      ExtractionConfig config,
      List<Candidate> out) {
    Matcher m = FINAL_ANSWER.matcher(t);
    int start = -1;
    while (m.find()) {
      start = m.end();
    }
    if (start < 0) {
      return;
    }
    int end = sentenceEnd(t, start, regions);
    if (config.latex()) {
      if (config.boxedFirst()) {
        addBoxes(t, start, end, 0, out);
      }
      List<int[]> inside = new ArrayList<>();
      for (int[] r : regions) {
        if (r[0] >= start && r[1] <= end) {
          inside.add(r);
        }
      }
      addMathRegions(t, inside, 0, out);
    }
    if (config.expr()) {
      addNumbers(t, start, end, notProse, 0, out);
    }
  }

  /**
   * The end of the sentence starting at {@code from}: a newline or ". " outside math, at most 400
   * chars.
   */
  private static int sentenceEnd(String t, int from, List<int[]> regions) {
    int limit = Math.min(t.length(), from + 400);
    for (int i = from; i < limit; i++) {
      char c = t.charAt(i);
      if (insideRegion(i, regions)) {
        continue;
      }
      if (c == '\n'
          || c == '.' && (i + 1 >= t.length() || Character.isWhitespace(t.charAt(i + 1)))) {
        return i;
      }
    }
    return limit;
  }

  private static boolean insideRegion(int i, List<int[]> regions) {
    for (int[] r : regions) {
      if (i >= r[0] - 2 && i < r[1] + 2) {
        return true;
      }
    }
    return false;
  }

  // ---- plain numbers ---------------------------------------------------------------------------

  /**
   * Numbers in the prose between {@code from} and {@code to}, skipping those inside {@code
   * regions}.
   */
  private static void addNumbers(
      String t, int from, int to, List<int[]> regions, int priority, List<Candidate> out) {
    Matcher m = NUMBER.matcher(t).region(from, to);
    while (m.find() && out.size() < 4 * MAX_CANDIDATES) {
      if (!insideRegion(m.start(), regions)) {
        out.add(new Candidate(priority, m.start(), m.group(), false));
      }
    }
  }

  /**
   * A plain number, fraction, mixed number ({@code 4 4/9} = 40/9; a fraction part that is not
   * proper, {@code 11 6/6} or {@code 4 4/0}, is no number at all) or arithmetic on them ({@code 11
   * + 4/9}). A trailing percent sign is dropped here (see {@link #hasPercent}). {@code 1,000,000}
   * and {@code 1 000} are thousands, {@code 2,74} and {@code 0,111} decimal commas.
   */
  static Expr parseNumber(String text) {
    String s = PERCENT_AT_END.matcher(text).replaceFirst("").trim();
    Matcher mixed = MIXED_NUMBER.matcher(s);
    if (mixed.matches()) {
      BigInteger numerator = new BigInteger(mixed.group(3));
      BigInteger denominator = new BigInteger(mixed.group(4));
      if (denominator.signum() == 0 || numerator.compareTo(denominator) >= 0) {
        throw new ArithmeticException("not a mixed number: " + s);
      }
      Expr whole = plainNumber(mixed.group(2));
      Expr value =
          new Add(
              List.of(whole, new Div(plainNumber(mixed.group(3)), plainNumber(mixed.group(4)))));
      return mixed.group(1).equals("-") ? new Neg(value) : value;
    }
    if (!SIMPLE_NUMBER.matcher(s).matches()) {
      return parseArithmetic(s);
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      return new Div(parseNumber(s.substring(0, slash)), parseNumber(s.substring(slash + 1)));
    }
    boolean negative = s.startsWith("-");
    Expr n = plainNumber(s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s);
    return negative ? new Neg(n) : n;
  }

  /** {@code 11 + 4/9}: each number written plainly, then read by the LaTeX parser. */
  private static Expr parseArithmetic(String s) {
    StringBuilder plain = new StringBuilder();
    Matcher term = UNSIGNED_NUMBER.matcher(s);
    int last = 0;
    while (term.find()) {
      if (term.end() == term.start()) {
        continue;
      }
      plain.append(s, last, term.start());
      Num n = plainNumber(term.group());
      plain.append(n.value().toPlainString());
      last = term.end();
    }
    plain.append(s.substring(last));
    try {
      return LatexParser.parseLatex(plain.toString().replace('×', '*').replace('÷', '/'));
    } catch (LatexParseException notArithmetic) {
      throw new ArithmeticException(notArithmetic.getMessage());
    }
  }

  private static Num plainNumber(String unsigned) {
    String digits = unsigned;
    if (digits.matches("[1-9]\\d{0,2}(,\\d{3})+(\\.\\d+)?")) {
      digits = digits.replace(",", "");
    } else if (digits.matches("\\d{1,3}( \\d{3})+")) {
      digits = digits.replace(" ", "");
    } else {
      digits = digits.replace(',', '.');
    }
    return new Num(new BigDecimal(digits), digits.contains("."));
  }

  /** Whether an extracted answer carries a percent marker ({@code 28\%}, {@code 28 pct}). */
  public static boolean hasPercent(String matched) {
    return matched.indexOf('%') >= 0 || PERCENT.matcher(matched).find();
  }
}
