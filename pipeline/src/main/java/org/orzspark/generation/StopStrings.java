package org.orzspark.generation;

import java.util.List;

/** Finds stop strings in response text and cuts the text there. */
public final class StopStrings {
  private StopStrings() {}

  /** Where a stop string starts in a text. */
  public record Match(int index, String stop) {}

  /**
   * The earliest occurrence of any of {@code stops} in {@code text} (longest on a tie), or null.
   */
  public static Match first(String text, List<String> stops) {
    Match best = null;
    for (String stop : stops) {
      int index = text.indexOf(stop);
      if (index >= 0
          && (best == null
              || index < best.index()
              || index == best.index() && stop.length() > best.stop().length())) {
        best = new Match(index, stop);
      }
    }
    return best;
  }

  /**
   * {@code text} cut at its first stop string: after it when it is kept, before it otherwise; the
   * whole text when none occurs.
   */
  public static String truncate(String text, List<String> stops, List<String> kept) {
    Match match = first(text, stops);
    if (match == null) {
      return text;
    }
    return kept.contains(match.stop())
        ? text.substring(0, match.index() + match.stop().length())
        : text.substring(0, match.index());
  }

  /** The longest stop string's length in characters (0 without stop strings). */
  static int longest(List<String> stops) {
    return stops.stream().mapToInt(String::length).max().orElse(0);
  }
}
