package org.orzspark.datasets;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Enum constants known by a command-line id: lookup and the list a wrong id is told about. */
public final class CommandLineIds {
  private CommandLineIds() {}

  /** The ids of all constants, comma-separated, in declaration order. */
  public static <E extends Enum<E>> String ids(Class<E> type, Function<E, String> idOf) {
    return Arrays.stream(type.getEnumConstants()).map(idOf).collect(Collectors.joining(","));
  }

  /**
   * The constant whose id is {@code id} (ignoring case and surrounding blanks).
   *
   * @param what the kind of thing, for the error: "unknown {what} 'x'; valid: a,b"
   */
  public static <E extends Enum<E>> E byId(
      Class<E> type, Function<E, String> idOf, String what, String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(type.getEnumConstants())
        .filter(constant -> idOf.apply(constant).equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown " + what + " '" + id + "'; valid: " + ids(type, idOf)));
  }
}
