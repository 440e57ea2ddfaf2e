package org.orzspark.run;

import com.fasterxml.jackson.annotation.JsonProperty;
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

  public RunConfig {
    settings = Collections.unmodifiableMap(new TreeMap<>(settings));
  }

  /**
   * Resolves every setting: {@code overrides} win over {@code profile}, which wins over the
   * built-in defaults. Unknown keys and unparsable values fail, naming the key.
   */
  public static RunConfig resolve(String baseModel, String prompts, String profileName,
      Properties profile, Map<String, String> overrides) {
    Map<String, String> values = new TreeMap<>();
    RunSettings.all().forEach((key, setting) -> values.put(key, setting.defaultValue()));
    for (String key : profile.stringPropertyNames()) {
      values.put(checkedKey(key, "profile " + profileName), profile.getProperty(key).trim());
    }
    overrides.forEach((key, value) -> values.put(checkedKey(key, "--set"), value.trim()));
    values.forEach((key, value) -> RunSettings.byKey(key).parse(value));
    RunConfig config = new RunConfig(baseModel, prompts, profileName, values);
    config.checkConsistent();
    return config;
  }

  /**
   * Settings that only fail together, found at {@code orz init} instead of in an iteration's
   * update: counts must be positive, and each optimizer step needs at least one response.
   */
  private void checkConsistent() {
    for (RunSetting<Integer> count : List.of(RunSettings.PROMPTS_PER_ITERATION,
        RunSettings.SAMPLES_PER_PROMPT, RunSettings.MAX_RESPONSE_TOKENS,
        RunSettings.ROLLOUT_BATCH_SEQUENCES, RunSettings.CRITIC_MINIBATCHES,
        RunSettings.POLICY_MINIBATCHES, RunSettings.MICRO_BATCH_TOKENS)) {
      int value = get(count);
      if (value < 1) {
        throw new IllegalArgumentException(count.key() + " must be at least 1, got " + value);
      }
    }
    long responses = (long) get(RunSettings.PROMPTS_PER_ITERATION) * get(RunSettings.SAMPLES_PER_PROMPT);
    for (RunSetting<Integer> steps : List.of(RunSettings.CRITIC_MINIBATCHES, RunSettings.POLICY_MINIBATCHES)) {
      int value = get(steps);
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
    String value = settings.get(setting.key());
    if (value == null) {
      throw new IllegalStateException("run.json lacks setting " + setting.key());
    }
    return setting.parse(value);
  }
}
