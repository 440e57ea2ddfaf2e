package org.orzspark.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.orzspark.datasets.io.StoreCosts;

/**
 * The frozen, complete configuration of a run, as {@code run.json} holds it: the base model, the
 * prompt set, the profile it came from and the value of EVERY setting of {@link RunSettings}.
 *
 * <p>Precedence, resolved once in {@link #resolve}: {@code --set key=value} → profile file →
 * built-in default. After {@code orz init} the run's effective configuration is only this record.
 */
@JsonPropertyOrder({"base_model", "prompts", "profile", "settings"})
public final class RunConfig {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseModel;
  private final String prompts;
  private final String profile;

  /** As {@code run.json} writes them: every value a string. */
  private final Map<String, String> settings;

  /** The same values parsed once, by key: what {@link #get} returns. */
  private final Map<String, Object> typed;

  /** Settings the configuration lacked, at their built-in defaults (a run older than them). */
  private final List<String> predated;

  /**
   * Checks every setting, whichever way the configuration is made ({@link #resolve}, {@link
   * #read}): each value its own type and range (declared in {@link RunSettings}), then the settings
   * that only fail together. Each value is parsed here, once.
   */
  @JsonCreator
  public RunConfig(
      @JsonProperty("base_model") String baseModel,
      @JsonProperty("prompts") String prompts,
      @JsonProperty("profile") String profile,
      @JsonProperty("settings") Map<String, String> settings) {
    this.baseModel = baseModel;
    this.prompts = prompts;
    this.profile = profile;
    Map<String, String> complete = new TreeMap<>(settings);
    Map<String, Object> parsed = new HashMap<>();
    // Unknown keys first: a misspelt key in run.json is refused, not mistaken for a missing one.
    complete.forEach((key, value) -> parsed.put(key, RunSettings.byKey(key).parse(value)));
    // A run made before a setting existed lacks it: its built-in default applies, so older runs
    // resume (named by predatedSettings()).
    List<String> missing = new ArrayList<>();
    RunSettings.all()
        .forEach(
            (key, setting) -> {
              if (!complete.containsKey(key)) {
                missing.add(key);
                complete.put(key, setting.defaultValue());
                parsed.put(key, setting.parse(setting.defaultValue()));
              }
            });
    this.settings = Collections.unmodifiableMap(complete);
    this.predated = List.copyOf(missing);
    this.typed = Collections.unmodifiableMap(parsed);
    checkConsistent();
  }

  @JsonProperty("base_model")
  public String baseModel() {
    return baseModel;
  }

  @JsonProperty("prompts")
  public String prompts() {
    return prompts;
  }

  @JsonProperty("profile")
  public String profile() {
    return profile;
  }

  /**
   * The settings {@code run.json} did not hold because the run predates them; {@link #settings}
   * gives them their built-in defaults.
   */
  public List<String> predatedSettings() {
    return predated;
  }

  /** Every setting's value as {@code run.json} holds it (a string). */
  @JsonProperty("settings")
  public Map<String, String> settings() {
    return settings;
  }

  /**
   * Resolves every setting: {@code overrides} win over {@code profile}, which wins over the
   * built-in defaults. Unknown keys fail naming where they came from; a value outside its setting's
   * type or range fails in one line naming the key, the value and the valid values.
   */
  public static RunConfig resolve(
      String baseModel,
      String prompts,
      String profileName,
      Properties profile,
      Map<String, String> overrides) {
    Map<String, String> values = new TreeMap<>();
    RunSettings.all().forEach((key, setting) -> values.put(key, setting.defaultValue()));
    for (String key : profile.stringPropertyNames()) {
      values.put(checkedKey(key, "profile " + profileName), profile.getProperty(key).trim());
    }
    overrides.forEach((key, value) -> values.put(checkedKey(key, "--set"), value.trim()));
    return new RunConfig(baseModel, prompts, profileName, values);
  }

  /**
   * Every setting at its built-in default ({@link RunSettings}), with no base model, prompt set or
   * profile: what a command that works without a run (e.g. {@code orz evaluate --model}) uses.
   */
  public static RunConfig defaults() {
    return resolve(null, null, null, new Properties(), Map.of());
  }

  /**
   * Reads a run's {@code run.json}, refusing a hand-edited value exactly as {@link #resolve}
   * refuses it, before anything runs on it.
   */
  public static RunConfig read(RunStore store) throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.RECORDS)) {
      return readUntimed(store);
    }
  }

  private static RunConfig readUntimed(RunStore store) throws IOException {
    return fromJson(store.read(store.layout().runJson()));
  }

  /** Parses a {@code run.json}, refusing a hand-edited value as {@link #read} does. */
  public static RunConfig fromJson(byte[] json) throws IOException {
    try {
      return JSON.readValue(json, RunConfig.class);
    } catch (ValueInstantiationException e) {
      // Jackson wraps what the constructor threw; the check's own one-line message is the answer.
      if (e.getCause() instanceof IllegalArgumentException refused) {
        throw refused;
      }
      throw e;
    }
  }

  /** Writes this configuration as the run's {@code run.json}, atomically. */
  public void write(RunStore store) throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.RECORDS)) {
      writeUntimed(store);
    }
  }

  private void writeUntimed(RunStore store) throws IOException {
    store.writeAtomically(
        store.layout().runJson(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
  }

  /**
   * Each optimizer step needs at least one response: found at init, not in an iteration's update.
   */
  private void checkConsistent() {
    long responses =
        (long) get(RunSettings.PROMPTS_PER_ITERATION) * get(RunSettings.SAMPLES_PER_PROMPT);
    for (RunSetting<Integer> steps :
        List.of(RunSettings.CRITIC_MINIBATCHES, RunSettings.POLICY_MINIBATCHES)) {
      int value = get(steps);
      if (value > responses) {
        throw new IllegalArgumentException(
            steps.key()
                + "="
                + value
                + " exceeds the "
                + responses
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

  /** The typed value of a setting, parsed when the configuration was made. */
  @SuppressWarnings("unchecked")
  public <T> T get(RunSetting<T> setting) {
    return (T) typed.get(setting.key());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RunConfig that
        && Objects.equals(baseModel, that.baseModel)
        && Objects.equals(prompts, that.prompts)
        && Objects.equals(profile, that.profile)
        && settings.equals(that.settings);
  }

  @Override
  public int hashCode() {
    return Objects.hash(baseModel, prompts, profile, settings);
  }

  @Override
  public String toString() {
    return "RunConfig[baseModel="
        + baseModel
        + ", prompts="
        + prompts
        + ", profile="
        + profile
        + ", settings="
        + settings
        + "]";
  }
}
