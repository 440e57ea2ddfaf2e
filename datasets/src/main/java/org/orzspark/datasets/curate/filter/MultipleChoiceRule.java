package org.orzspark.datasets.curate.filter;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.orzspark.datasets.PromptRecord;

/**
 * Multiple-choice questions, which a binary answer reward cannot judge fairly (a guess is right one
 * time in four): the prompt has {@code choices}, or asks "which of the following", or lists
 * lettered options — both (A) and (B) as {@code (A)} followed by a space, brace, backslash or the
 * end (AMC's {@code \textbf{(A) }} included; not {@code dot(A)} or {@code (A)--(B)} of Asymptote
 * code) or as {@code A.} / {@code A)} at the start of a line.
 */
public final class MultipleChoiceRule implements PromptRule {

  public static final String CODE = "multiple-choice";

  private static final Pattern WHICH_OF_THE_FOLLOWING =
      Pattern.compile("\\bwhich (?:one )?of the following\\b", Pattern.CASE_INSENSITIVE);

  /** "(A)" not after a word character or "(", then a space, "}", "$", a backslash or the end. */
  private static final String LETTER_IN_PARENTHESES =
      "(?<![\\w(])\\(\\s*([A-E])\\s*\\)(?=[\\s}$\\\\]|$)";

  /** "A." or "A)" at the start of a line, possibly after "$" or {@code \textbf{}. */
  private static final String LETTER_AT_LINE_START = "(?m)^[\\s$]*(?:\\\\textbf\\{)?([A-E])[.)]\\s";

  private static final Pattern OPTION =
      Pattern.compile(LETTER_IN_PARENTHESES + "|" + LETTER_AT_LINE_START);

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public boolean drops(PromptRecord prompt) {
    if (prompt.choices() != null && !prompt.choices().isEmpty()) {
      return true;
    }
    String q = prompt.question();
    return WHICH_OF_THE_FOLLOWING.matcher(q).find() || hasLetteredOptions(q);
  }

  static boolean hasLetteredOptions(String question) {
    Set<String> letters = new HashSet<>();
    Matcher m = OPTION.matcher(question);
    while (m.find()) {
      letters.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return letters.contains("A") && letters.contains("B");
  }
}
