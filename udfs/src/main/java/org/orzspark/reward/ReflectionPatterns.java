package org.orzspark.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The five reflection patterns of the Open-Reasoner-Zero analysis ("wait,", "recheck", "retry",
 * "alternatively,", "however,"). The reference code matches them case-sensitively with {@code
 * wait,}, {@code recheck[,\s]}, {@code retry}, {@code alternatively,}, {@code however,}; that is
 * the default here. Case-insensitive matching ("Wait," at a sentence start counts) is the switch
 * {@code caseInsensitive}.
 */
public final class ReflectionPatterns {
  /** Pattern names in the reference order; these are what {@link #find} returns. */
  public static final List<String> NAMES =
      List.of("wait,", "recheck", "retry", "alternatively,", "however,");

  private static final String[] REGEXES = {
    "wait,", "recheck[,\\s]", "retry", "alternatively,", "however,"
  };
  private static final List<Pattern> CASE_SENSITIVE = compile(0);
  private static final List<Pattern> CASE_INSENSITIVE = compile(Pattern.CASE_INSENSITIVE);

  private ReflectionPatterns() {}

  private static List<Pattern> compile(int flags) {
    List<Pattern> out = new ArrayList<>();
    for (String regex : REGEXES) {
      out.add(Pattern.compile(regex, flags));
    }
    return List.copyOf(out);
  }

  /**
   * The compiled regexes in {@link #NAMES} order (immutable), for callers that need the match
   * positions, e.g. to highlight the patterns in a report.
   */
  public static List<Pattern> patterns(boolean caseInsensitive) {
    return caseInsensitive ? CASE_INSENSITIVE : CASE_SENSITIVE;
  }

  /**
   * The names of the patterns that occur in the text (each once, reference order); empty for null.
   */
  public static List<String> find(String text, boolean caseInsensitive) {
    if (text == null) {
      return List.of();
    }
    List<Pattern> patterns = caseInsensitive ? CASE_INSENSITIVE : CASE_SENSITIVE;
    List<String> found = new ArrayList<>();
    for (int i = 0; i < patterns.size(); i++) {
      if (patterns.get(i).matcher(text).find()) {
        found.add(NAMES.get(i));
      }
    }
    return found;
  }

  /** Whether any pattern occurs. */
  public static boolean any(String text, boolean caseInsensitive) {
    return !find(text, caseInsensitive).isEmpty();
  }
}
