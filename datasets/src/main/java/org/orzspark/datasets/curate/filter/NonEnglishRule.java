package org.orzspark.datasets.curate.filter;

import java.util.regex.Pattern;
import org.orzspark.datasets.PromptRecord;

/**
 * Non-English questions, by script statistics over the question's letters once LaTeX commands
 * ({@code \frac}, {@code \alpha}) are removed; Greek letters count for neither side (they are math
 * symbols in English problems). Dropped when more than {@link #MAX_OTHER_SCRIPT_SHARE} of the
 * letters are in a script other than Latin (Chinese, Cyrillic, Arabic, ...), or more than {@link
 * #MAX_ACCENTED_SHARE} of the Latin letters are not ASCII (French, Spanish, German, Vietnamese,
 * while the odd name such as Pólya stays English). A question without letters is kept.
 */
public final class NonEnglishRule implements PromptRule {

  public static final String CODE = "non-english";
  public static final double MAX_OTHER_SCRIPT_SHARE = 0.1;
  public static final double MAX_ACCENTED_SHARE = 0.03;

  private static final Pattern LATEX_COMMAND = Pattern.compile("\\\\[A-Za-z]+");

  /**
   * Letter counts of a text.
   *
   * @param latin letters of the Latin script
   * @param accented Latin letters outside ASCII
   * @param other letters of any other script except Greek
   */
  record ScriptCounts(int latin, int accented, int other) {
    static ScriptCounts of(String text) {
      int[] counts = new int[3];
      LATEX_COMMAND
          .matcher(text)
          .replaceAll(" ")
          .codePoints()
          .filter(Character::isLetter)
          .forEach(
              c -> {
                Character.UnicodeScript script = Character.UnicodeScript.of(c);
                if (script == Character.UnicodeScript.LATIN) {
                  counts[0]++;
                  if (c > 0x7f) {
                    counts[1]++;
                  }
                } else if (script != Character.UnicodeScript.GREEK) {
                  counts[2]++;
                }
              });
      return new ScriptCounts(counts[0], counts[1], counts[2]);
    }

    boolean english() {
      int letters = latin + other;
      if (letters == 0) {
        return true;
      }
      return other <= MAX_OTHER_SCRIPT_SHARE * letters
          && accented <= MAX_ACCENTED_SHARE * Math.max(1, latin);
    }
  }

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public boolean drops(PromptRecord prompt) {
    return !ScriptCounts.of(prompt.question()).english();
  }
}
