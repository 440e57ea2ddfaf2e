package org.orzspark.run;

import java.util.List;
import java.util.function.Function;

/**
 * One named hyper-parameter of a run: its key (as written in profiles, {@code --set} and
 * {@code run.json}), its built-in default, its parser and what it means.
 */
public record RunSetting<T>(String key, String defaultValue, Function<String, T> parser, String doc) {

  static RunSetting<Integer> integer(String key, int defaultValue, String doc) {
    return new RunSetting<>(key, Integer.toString(defaultValue), Integer::valueOf, doc);
  }

  static RunSetting<Long> longValue(String key, long defaultValue, String doc) {
    return new RunSetting<>(key, Long.toString(defaultValue), Long::valueOf, doc);
  }

  static RunSetting<Double> decimal(String key, double defaultValue, String doc) {
    return new RunSetting<>(key, Double.toString(defaultValue), Double::valueOf, doc);
  }

  static RunSetting<String> text(String key, String defaultValue, String doc) {
    return new RunSetting<>(key, defaultValue, Function.identity(), doc);
  }

  static RunSetting<Boolean> flag(String key, boolean defaultValue, String doc) {
    return new RunSetting<>(key, Boolean.toString(defaultValue), RunSetting::parseBoolean, doc);
  }

  static RunSetting<String> choice(String key, String defaultValue, List<String> choices, String doc) {
    return new RunSetting<>(key, defaultValue, value -> {
      if (!choices.contains(value)) {
        throw new IllegalArgumentException(
            "invalid " + key + ": '" + value + "'; valid values: " + String.join(", ", choices));
      }
      return value;
    }, doc + " One of: " + String.join(", ", choices) + ".");
  }

  private static boolean parseBoolean(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("not a boolean: '" + value + "'");
    };
  }

  /** Parses a value, naming this setting in the error. */
  public T parse(String value) {
    try {
      return parser.apply(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid value for " + key + ": '" + value + "' ("
          + e.getMessage() + ")", e);
    }
  }
}
