package org.orzspark.datasets.curate;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The key of exact deduplication: two questions are exact duplicates when their normalised forms
 * are equal. Coarser than {@link org.orzspark.datasets.PromptId}'s normalisation, on purpose:
 *
 * <ol>
 *   <li>Unicode NFKC, lower case;
 *   <li>LaTeX that only changes the look is removed: math delimiters ({@code $}, {@code \(}, {@code
 *       \[}), spacing ({@code \,} {@code \;} {@code \:} {@code \!} {@code \ } {@code ~} {@code
 *       \quad} {@code \qquad}), {@code \left}/{@code \right}, {@code \displaystyle}; {@code \dfrac}
 *       and {@code \tfrac} become {@code \frac};
 *   <li>sentence punctuation ({@code . , ; : ! ?} before a space or at the end) and quotes go;
 *   <li>whitespace runs become one space, and spaces next to a symbol go ({@code x + 1} = {@code
 *       x+1}), so only spaces between two words or numbers remain.
 * </ol>
 *
 * Digits, operators and brackets are kept: {@code 3.5} and {@code 1,000} stay as they are.
 */
public final class QuestionNormalizer {

  private static final Pattern MATH_DELIMITERS = Pattern.compile("\\$|\\\\[()\\[\\]]");
  private static final Pattern LATEX_NOISE =
      Pattern.compile("\\\\(?:left|right|displaystyle|qquad|quad)(?![a-z])|\\\\[,;:! ]|~");
  private static final Pattern FRAC_VARIANTS = Pattern.compile("\\\\[dt]frac(?![a-z])");
  private static final Pattern SENTENCE_PUNCTUATION = Pattern.compile("[.,;:!?]+(?=\\s|$)");
  private static final Pattern QUOTES = Pattern.compile("[\"'`“”‘’«»]");
  private static final Pattern WHITESPACE = Pattern.compile("[\\s\\p{Z}]+");
  private static final Pattern SPACE_NEXT_TO_SYMBOL =
      Pattern.compile(" (?=[^\\p{L}\\p{N}])|(?<=[^\\p{L}\\p{N}]) ");

  private QuestionNormalizer() {}

  public static String normalise(String question) {
    String s = Normalizer.normalize(question, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    s = MATH_DELIMITERS.matcher(s).replaceAll(" ");
    s = LATEX_NOISE.matcher(s).replaceAll(" ");
    s = FRAC_VARIANTS.matcher(s).replaceAll("\\\\frac");
    s = QUOTES.matcher(s).replaceAll("");
    s = WHITESPACE.matcher(s).replaceAll(" ").trim();
    s = SENTENCE_PUNCTUATION.matcher(s).replaceAll("");
    s = WHITESPACE.matcher(s).replaceAll(" ").trim();
    return SPACE_NEXT_TO_SYMBOL.matcher(s).replaceAll("");
  }
}
