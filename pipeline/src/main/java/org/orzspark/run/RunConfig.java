package org.orzspark.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The frozen, complete configuration of a run, as {@code run.json} holds it: the base model, the
 * prompt set, the profile it came from and the value of EVERY setting of {@link RunSettings}.
 *
 * <p>Precedence, resolved once in {@link #resolve}: {@code --set key=value} → profile file →
 * built-in default. After {@code orz init} the run's effective configuration is only this record.
 */
public record RunConfig(
    @JsonProperty("base_model") String baseModel,
    @JsonProperty("prompts") String prompts,
    @JsonProperty("profile") String profile,
    @JsonProperty("settings") Map<String, String> settings) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Checks every setting, whichever way the record is made ({@link #resolve}, {@link #read}):
   * each value its own type and range (declared in {@link RunSettings}), then the settings that
   * only fail together.
   */
  public RunConfig {
    settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    // Unknown keys first: a misspelt key in run.json is also a missing one, and the typo is the news.
    settings.forEach((key, value) -> RunSettings.byKey(key).parse(value));
    for (String key : RunSettings.all().keySet()) {
      if (!settings.containsKey(key)) {
        throw new IllegalArgumentException("run.json lacks setting " + key);
      }
    }
    checkConsistent(settings);
  }

  /**
   * Resolves every setting: {@code overrides} win over {@code profile}, which wins over the
   * built-in defaults. Unknown keys fail naming where they came from; a value outside its
   * setting's type or range fails in one line naming the key, the value and the valid values.
   */
  public static RunConfig resolve(String baseModel, String prompts, String profileName,
      Properties profile, Map<String, String> overrides) {
    Map<String, String> values = new TreeMap<>();
    RunSettings.all().forEach((key, setting) -> values.put(key, setting.defaultValue()));
    for (String key : profile.stringPropertyNames()) {
      values.put(checkedKey(key, "profile " + profileName), profile.getProperty(key).trim());
    }
    overrides.forEach((key, value) -> values.put(checkedKey(key, "--set"), value.trim()));
    return new RunConfig(baseModel, prompts, profileName, values);
  }

  /**
   * Reads a run's {@code run.json}, refusing a hand-edited value exactly as {@link #resolve}
   * refuses it, before anything runs on it.
   */
  public static RunConfig read(Path runJson) throws IOException {
    try {
      return JSON.readValue(runJson.toFile(), RunConfig.class);
    } catch (ValueInstantiationException e) {
      // Jackson wraps what the constructor threw; the check's own one-line message is the answer.
      if (e.getCause() instanceof IllegalArgumentException refused) {
        throw refused;
      }
      throw e;
    }
  }

  /** Each optimizer step needs at least one response: found at init, not in an iteration's update. */
  private static void checkConsistent(Map<String, String> settings) {
    long responses = (long) value(settings, RunSettings.PROMPTS_PER_ITERATION)
        * value(settings, RunSettings.SAMPLES_PER_PROMPT);
    for (RunSetting<Integer> steps : List.of(RunSettings.CRITIC_MINIBATCHES, RunSettings.POLICY_MINIBATCHES)) {
      int value = value(settings, steps);
      if (value > responses) {
        throw new IllegalArgumentException(steps.key() + "=" + value + " exceeds the " + responses
            + " responses of an iteration (data.prompts_per_iteration x rollout.samples_per_prompt)");
      }
    }
  }

  private static String checkedKey(String key, String where) {
    try {
      RunSettings.byKey(key);
      return key;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("in " + where + ": " + e.getMessage(), e);
    }
  }

  /** The typed value of a setting. */
  public <T> T get(RunSetting<T> setting) {
    return value(settings, setting);
  }

  private static <T> T value(Map<String, String> settings, RunSetting<T> setting) {
    return setting.parse(settings.get(setting.key()));
  }
}
