package org.orzspark.run;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One named hyper-parameter of a run: its key (as written in profiles, {@code --set} and {@code
 * run.json}), its built-in default, its parser, the values it allows (and how to say them) and what
 * it means. Type, range and finiteness are checked by {@link #parse}, so a value is refused
 * wherever it comes from: a profile, {@code --set} or a hand-edited {@code run.json}.
 */
public record RunSetting<T>(
    String key,
    String defaultValue,
    Function<String, T> parser,
    Predicate<T> allowed,
    String valid,
    String doc) {

  static RunSetting<Integer> integer(String key, int defaultValue, Range range, String doc) {
    return whole(key, defaultValue, Integer::valueOf, range, "an integer", doc);
  }

  /** A {@code long} in {@code range}. */
  static RunSetting<Long> longInRange(String key, long defaultValue, Range range, String doc) {
    return whole(key, defaultValue, Long::valueOf, range, "a 64-bit integer", doc);
  }

  private static <T extends Number> RunSetting<T> whole(
      String key,
      T defaultValue,
      Function<String, T> parser,
      Range range,
      String kind,
      String doc) {
    return new RunSetting<>(
        key,
        defaultValue.toString(),
        parser,
        value -> range.contains(value.doubleValue()),
        kind + " " + range,
        doc);
  }

  /** Any {@code long}: a seed has no invalid value. */
  static RunSetting<Long> longValue(String key, long defaultValue, String doc) {
    return new RunSetting<>(
        key, Long.toString(defaultValue), Long::valueOf, value -> true, "any 64-bit integer", doc);
  }

  /** {@code true} or {@code false}, nothing else (a typo must not read as {@code false}). */
  static RunSetting<Boolean> bool(String key, boolean defaultValue, String doc) {
    Function<String, Boolean> parser =
        text -> text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
    return new RunSetting<>(
        key, Boolean.toString(defaultValue), parser, value -> value != null, "true or false", doc);
  }

  /** A decimal in {@code range}; NaN and ±Infinity are refused whatever the range. */
  static RunSetting<Double> decimal(String key, double defaultValue, Range range, String doc) {
    return new RunSetting<>(
        key,
        Double.toString(defaultValue),
        Double::valueOf,
        value -> Double.isFinite(value) && range.contains(value),
        "a finite number " + range,
        doc);
  }

  /**
   * One of the constants of an enum, written as its name in lower case ({@code clipped}, {@code
   * token_mean}) in profiles, {@code --set} and {@code run.json}; parsed into the constant.
   */
  static <E extends Enum<E>> RunSetting<E> choice(String key, E defaultValue, String doc) {
    Class<E> type = defaultValue.getDeclaringClass();
    List<String> names =
        Arrays.stream(type.getEnumConstants()).map(RunSetting::choiceName).toList();
    Function<String, E> parser =
        text -> {
          for (E constant : type.getEnumConstants()) {
            if (choiceName(constant).equals(text)) {
              return constant;
            }
          }
          return null;
        };
    return new RunSetting<>(
        key,
        choiceName(defaultValue),
        parser,
        value -> value != null,
        "one of " + String.join(", ", names),
        doc);
  }

  /** How a choice is written: the enum constant's name in lower case. */
  public static String choiceName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  /** This setting, allowing only the values that also pass {@code rule}, which {@code says}. */
  RunSetting<T> and(Predicate<T> rule, String says) {
    return new RunSetting<>(key, defaultValue, parser, allowed.and(rule), valid + ", " + says, doc);
  }

  /**
   * Parses a value; a value that is not of the setting's type or out of its range fails in one line
   * naming the key, the value and the valid values, e.g. {@code ppo.gamma=NaN is out of range;
   * valid: a finite number in [0, 1]}.
   */
  public T parse(String value) {
    String text = value.trim();
    T parsed;
    try {
      parsed = parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw refused(text, "cannot be read");
    }
    if (!allowed.test(parsed)) {
      throw refused(text, "is out of range");
    }
    return parsed;
  }

  private IllegalArgumentException refused(String text, String problem) {
    return new IllegalArgumentException(key + "=" + text + " " + problem + "; valid: " + valid);
  }

  /** One line of help: key, default, meaning and valid values. */
  public String help() {
    return key + " (default " + defaultValue + "): " + doc + " Valid: " + valid + ".";
  }
}
