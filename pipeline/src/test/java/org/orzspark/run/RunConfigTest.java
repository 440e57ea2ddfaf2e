package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.orzspark.testing.RepoPaths;

class RunConfigTest {

  @Test
  void builtInDefaultsAreThePaperRecipe() {
    RunConfig config = RunConfig.resolve("m", "p", "none", new Properties(), Map.of());
    assertThat(config.get(RunSettings.PROMPTS_PER_ITERATION)).isEqualTo(128);
    assertThat(config.get(RunSettings.SAMPLES_PER_PROMPT)).isEqualTo(64);
    assertThat(config.get(RunSettings.POLICY_LR)).isEqualTo(1e-6);
    assertThat(config.get(RunSettings.CRITIC_LR)).isEqualTo(5e-6);
    assertThat(config.get(RunSettings.CLIP_EPSILON)).isEqualTo(0.2);
    assertThat(config.get(RunSettings.CRITIC_MINIBATCHES)).isEqualTo(12);
    assertThat(config.settings()).containsOnlyKeys(RunSettings.all().keySet());
  }

  @Test
  void setOverridesProfileWhichOverridesDefaults() {
    Properties profile = new Properties();
    profile.setProperty("rollout.samples_per_prompt", "8");
    profile.setProperty("optim.policy_lr", "3e-5");
    RunConfig config = RunConfig.resolve("m", "p", "x", profile, Map.of("optim.policy_lr", "1e-4"));
    assertThat(config.get(RunSettings.SAMPLES_PER_PROMPT)).isEqualTo(8);
    assertThat(config.get(RunSettings.POLICY_LR)).isEqualTo(1e-4);
    assertThat(config.get(RunSettings.TEMPERATURE)).isEqualTo(1.0);
  }

  @Test
  void unknownKeysFailNamingWhereTheyCameFrom() {
    assertThatThrownBy(
            () -> RunConfig.resolve("m", "p", "x", new Properties(), Map.of("optim.lr", "1")))
        .hasMessageContaining("in --set: unknown setting 'optim.lr'")
        .hasMessageContaining("optim.policy_lr");
  }

  /** Each kind of setting, and each way a value can be wrong for it: the one line a user sees. */
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      ppo.gamma                  | NaN       | is out of range; valid: a finite number in [0, 1]
      ppo.gamma                  | Infinity  | is out of range; valid: a finite number in [0, 1]
      ppo.gamma                  | -Infinity | is out of range; valid: a finite number in [0, 1]
      ppo.gamma                  | 1e400     | is out of range; valid: a finite number in [0, 1]
      ppo.gamma                  | 1.5       | is out of range; valid: a finite number in [0, 1]
      ppo.gamma                  | -1        | is out of range; valid: a finite number in [0, 1]
      ppo.gamma                  | one       | cannot be read; valid: a finite number in [0, 1]
      ppo.lambda                 | 1.0001    | is out of range; valid: a finite number in [0, 1]
      ppo.clip_epsilon           | 0         | is out of range; valid: a finite number in (0, 1)
      ppo.clip_epsilon           | 1         | is out of range; valid: a finite number in (0, 1)
      ppo.value_clip             | 0         | is out of range; valid: a finite number > 0
      rollout.temperature        | -0.5      | is out of range; valid: a finite number > 0
      rollout.temperature        | 0         | is out of range; valid: a finite number > 0
      rollout.temperature        | NaN       | is out of range; valid: a finite number > 0
      rollout.top_p              | 0         | is out of range; valid: a finite number in (0, 1]
      rollout.top_p              | 1.5       | is out of range; valid: a finite number in (0, 1]
      rollout.top_k              | -1        | is out of range; valid: an integer >= 0
      optim.policy_lr            | -1e-6     | is out of range; valid: a finite number >= 0
      optim.critic_lr            | Infinity  | is out of range; valid: a finite number >= 0
      optim.beta1                | 1         | is out of range; valid: a finite number in [0, 1)
      optim.beta2                | -0.1      | is out of range; valid: a finite number in [0, 1)
      optim.epsilon              | 0         | is out of range; valid: a finite number > 0
      optim.weight_decay         | -0.01     | is out of range; valid: a finite number >= 0
      optim.grad_clip            | 0         | is out of range; valid: a finite number > 0
      reward.verify_timeout_s    | 0         | is out of range; valid: a finite number in (0, 3600]
      reward.verify_timeout_s    | 3601      | is out of range; valid: a finite number in (0, 3600]
      reward.verify_timeout_s    | Infinity  | is out of range; valid: a finite number in (0, 3600]
      resources.gpus_per_task    | -1        | is out of range; valid: a finite number >= 0, at most 1 or a whole number
      resources.gpus_per_task    | 1.5       | is out of range; valid: a finite number >= 0, at most 1 or a whole number
      data.prompts_per_iteration | 0         | is out of range; valid: an integer >= 1
      data.prompts_per_iteration | 1.5       | cannot be read; valid: an integer >= 1
      data.prompts_per_iteration | many      | cannot be read; valid: an integer >= 1
      data.max_prompt_tokens     | 0         | is out of range; valid: an integer >= 1
      rollout.samples_per_prompt | 0         | is out of range; valid: an integer >= 1
      rollout.max_response_tokens| -1        | is out of range; valid: an integer >= 1
      rollout.batch_sequences    | 0         | is out of range; valid: an integer >= 1
      ppo.critic_minibatches     | 0         | is out of range; valid: an integer >= 1
      ppo.policy_minibatches     | 0         | is out of range; valid: an integer >= 1
      ppo.micro_batch_tokens     | 0         | is out of range; valid: an integer >= 1
      optim.warmup_steps         | -1        | is out of range; valid: an integer >= 0
      update.replicas            | -1        | is out of range; valid: an integer >= 0
      checkpoint.keep_every      | 0         | is out of range; valid: an integer >= 1
      run.seed                   | 0.5       | cannot be read; valid: any 64-bit integer
      ppo.value_loss             | huber     | is out of range; valid: one of clipped, plain
      ppo.activation_checkpointing | yes     | is out of range; valid: true or false
      """)
  void aValueOutOfItsSettingsTypeOrRangeIsRefusedInOneLine(
      String key, String value, String problem) {
    String line = key + "=" + value + " " + problem;
    assertThatThrownBy(() -> RunConfig.resolve("m", "p", "x", new Properties(), Map.of(key, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(line);
    // A profile's value is checked the same way as --set's.
    Properties profile = new Properties();
    profile.setProperty(key, value);
    assertThatThrownBy(() -> RunConfig.resolve("m", "p", "x", profile, Map.of())).hasMessage(line);
  }

  /** The ends of each range: included where the range says so, excluded values next door above. */
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      ppo.gamma                  | 0
      ppo.lambda                 | 1
      ppo.clip_epsilon           | 0.999
      rollout.temperature        | 1e-3
      rollout.top_p              | 1
      rollout.top_k              | 0
      optim.policy_lr            | 0
      optim.beta1                | 0
      optim.warmup_steps         | 0
      reward.verify_timeout_s    | 3600
      resources.gpus_per_task    | 0.25
      resources.gpus_per_task    | 2
      update.replicas            | 0
      data.prompts_per_iteration | 1
      run.seed                   | -9223372036854775808
      """)
  void theEndsOfARangeAreAsDeclared(String key, String value) {
    RunConfig config =
        RunConfig.resolve(
            "m", "p", "x", new Properties(), Map.of(key, value, "ppo.critic_minibatches", "1"));
    assertThat(config.settings()).containsEntry(key, value);
  }

  @Test
  void aHandEditedRunJsonIsRefusedInTheSameOneLine(@TempDir Path dir) throws Exception {
    String json =
        new ObjectMapper()
            .writeValueAsString(RunConfig.resolve("m", "p", "x", new Properties(), Map.of()));
    Path runJson = dir.resolve("run.json");

    Files.writeString(runJson, json.replace("\"ppo.gamma\":\"1.0\"", "\"ppo.gamma\":\"NaN\""));
    assertThatThrownBy(() -> RunConfig.read(LocalRuns.store(dir)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ppo.gamma=NaN is out of range; valid: a finite number in [0, 1]");

    // a run older than a setting: its built-in default applies, and the config says so
    Files.writeString(runJson, json.replace("\"ppo.gamma\":\"1.0\",", ""));
    RunConfig older = RunConfig.read(LocalRuns.store(dir));
    assertThat(older.predatedSettings()).containsExactly("ppo.gamma");
    assertThat(older.get(RunSettings.GAMMA)).isEqualTo(1.0);
    assertThat(older.settings()).containsEntry("ppo.gamma", "1.0");

    Files.writeString(runJson, json.replace("\"ppo.gamma\"", "\"ppo.gama\""));
    assertThatThrownBy(() -> RunConfig.read(LocalRuns.store(dir)))
        .hasMessageStartingWith("unknown setting 'ppo.gama'");

    Files.writeString(runJson, json);
    assertThat(RunConfig.read(LocalRuns.store(dir)).get(RunSettings.GAMMA)).isEqualTo(1.0);

    RunConfig written =
        RunConfig.resolve("m", "p", "x", new Properties(), Map.of("ppo.gamma", "0.5"));
    written.write(LocalRuns.store(dir));
    assertThat(RunConfig.read(LocalRuns.store(dir))).isEqualTo(written);
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("run.json");
    }
  }

  @Test
  void settingsThatOnlyFailTogetherFailAtResolve() {
    assertThatThrownBy(
            () ->
                RunConfig.resolve(
                    "m",
                    "p",
                    "x",
                    new Properties(),
                    Map.of("data.prompts_per_iteration", "2", "rollout.samples_per_prompt", "4")))
        .hasMessageContaining("ppo.critic_minibatches=12 exceeds the 8 responses");
    assertThat(
            RunConfig.resolve(
                    "m",
                    "p",
                    "x",
                    new Properties(),
                    Map.of("data.prompts_per_iteration", "3", "rollout.samples_per_prompt", "4"))
                .get(RunSettings.CRITIC_MINIBATCHES))
        .isEqualTo(12);
  }

  @Test
  void choicesAreEnumsWrittenInLowerCase() throws Exception {
    RunConfig config =
        RunConfig.resolve(
            "m",
            "p",
            "x",
            new Properties(),
            Map.of(
                "data.prompt_template",
                "reference",
                "ppo.value_loss",
                "plain",
                "ppo.loss_reduction",
                "token_mean",
                "model.value_head_init",
                "normal"));
    assertThat(config.get(RunSettings.PROMPT_TEMPLATE))
        .isEqualTo(org.orzspark.datasets.PromptTemplate.Variant.REFERENCE);
    assertThat(config.get(RunSettings.VALUE_LOSS)).isEqualTo(org.orzspark.ppo.ValueLoss.Form.PLAIN);
    assertThat(config.get(RunSettings.LOSS_REDUCTION))
        .isEqualTo(org.orzspark.ppo.LossReduction.TOKEN_MEAN);
    assertThat(config.get(RunSettings.VALUE_HEAD_INIT))
        .isEqualTo(org.orzspark.model.ValueHeadInit.NORMAL);
    // run.json keeps the strings, so runs made before the settings were typed still load.
    assertThat(config.settings())
        .containsEntry("ppo.value_loss", "plain")
        .containsEntry("ppo.loss_reduction", "token_mean");
    assertThat(RunSettings.LOSS_REDUCTION.defaultValue()).isEqualTo("sequence_mean");
    assertThat(RunSettings.VALUE_LOSS.help()).endsWith("Valid: one of clipped, plain.");
    assertThatThrownBy(() -> RunSettings.VALUE_LOSS.parse("CLIPPED"))
        .hasMessage("ppo.value_loss=CLIPPED is out of range; valid: one of clipped, plain");
  }

  @Test
  void runJsonHasItsFieldsInTheirOrder() throws Exception {
    RunConfig config = RunConfig.resolve("m", "p", "x", new Properties(), Map.of());
    String text = new ObjectMapper().writeValueAsString(config);
    assertThat(text)
        .startsWith(
            "{\"base_model\":\"m\",\"prompts\":\"p\",\"profile\":\"x\"," + "\"settings\":{");
    assertThat(new ObjectMapper().readTree(text).fieldNames())
        .toIterable()
        .containsExactly("base_model", "prompts", "profile", "settings");
  }

  @Test
  void jsonRoundTripKeepsEverySetting() throws Exception {
    RunConfig config = RunConfig.resolve("m", "p", "x", new Properties(), Map.of("run.seed", "7"));
    ObjectMapper json = new ObjectMapper();
    RunConfig back = json.readValue(json.writeValueAsString(config), RunConfig.class);
    assertThat(back).isEqualTo(config);
    assertThat(back.get(RunSettings.SEED)).isEqualTo(7L);
  }

  @Test
  void orzProfilesKeepThePaperPpoAndOptimizerSettings() throws Exception {
    for (String name : List.of("orz-7b", "orz-32b")) {
      RunConfig c = RunConfig.resolve("m", "p", name, profile(name), Map.of());
      assertThat(c.get(RunSettings.POLICY_LR)).as(name).isEqualTo(1e-6);
      assertThat(c.get(RunSettings.CRITIC_LR)).as(name).isEqualTo(5e-6);
      assertThat(c.get(RunSettings.WARMUP_STEPS)).as(name).isEqualTo(50);
      assertThat(c.get(RunSettings.BETA1)).as(name).isEqualTo(0.9);
      assertThat(c.get(RunSettings.BETA2)).as(name).isEqualTo(0.95);
      assertThat(c.get(RunSettings.ADAM_EPSILON)).as(name).isEqualTo(1e-8);
      assertThat(c.get(RunSettings.WEIGHT_DECAY)).as(name).isZero();
      assertThat(c.get(RunSettings.GRAD_CLIP)).as(name).isEqualTo(1.0);
      assertThat(c.get(RunSettings.GAMMA)).as(name).isEqualTo(1.0);
      assertThat(c.get(RunSettings.LAMBDA)).as(name).isEqualTo(1.0);
      assertThat(c.get(RunSettings.CLIP_EPSILON)).as(name).isEqualTo(0.2);
      assertThat(c.get(RunSettings.VALUE_LOSS))
          .as(name)
          .isEqualTo(org.orzspark.ppo.ValueLoss.Form.CLIPPED);
      assertThat(c.get(RunSettings.VALUE_CLIP)).as(name).isEqualTo(0.2);
      // the reference code's masked mean over packed rows weighs responses by their tokens
      assertThat(c.get(RunSettings.LOSS_REDUCTION))
          .as(name)
          .isEqualTo(org.orzspark.ppo.LossReduction.TOKEN_MEAN);
      assertThat(c.get(RunSettings.POLICY_MINIBATCHES)).as(name).isEqualTo(1);
      assertThat(c.get(RunSettings.CRITIC_MINIBATCHES)).as(name).isEqualTo(12);
      assertThat(c.get(RunSettings.ACTIVATION_CHECKPOINTING)).as(name).isTrue();
    }
    // tiny-cpu deliberately trains a tiny model faster; the rest of the recipe stays.
    RunConfig tiny = RunConfig.resolve("m", "p", "tiny-cpu", profile("tiny-cpu"), Map.of());
    assertThat(tiny.get(RunSettings.POLICY_LR)).isGreaterThan(1e-6);
    assertThat(tiny.get(RunSettings.BETA2)).isEqualTo(0.95);
    assertThat(tiny.get(RunSettings.POLICY_MINIBATCHES)).isEqualTo(1);
    assertThat(tiny.get(RunSettings.ACTIVATION_CHECKPOINTING)).isFalse();
    assertThat(tiny.get(RunSettings.LOSS_REDUCTION))
        .isEqualTo(org.orzspark.ppo.LossReduction.SEQUENCE_MEAN);
  }

  private static Properties profile(String name) throws Exception {
    return load(RepoPaths.root().resolve("conf/profiles/" + name + ".properties"));
  }

  private static Properties load(Path file) throws Exception {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    }
    return properties;
  }

  /** Declarations and profiles agree: every default and every profile value is in its range. */
  @Test
  void theDefaultsAndEveryShippedProfileAreInRange() throws Exception {
    assertThatCode(() -> RunConfig.resolve("m", "p", "built-in", new Properties(), Map.of()))
        .doesNotThrowAnyException();
    try (var profiles = Files.list(RepoPaths.root().resolve("conf/profiles"))) {
      for (Path file : profiles.filter(p -> p.toString().endsWith(".properties")).toList()) {
        Properties properties = load(file);
        assertThat(properties).as(file.toString()).isNotEmpty();
        assertThatCode(
                () ->
                    RunConfig.resolve(
                        "m", "p", file.getFileName().toString(), properties, Map.of()))
            .as(file.toString())
            .doesNotThrowAnyException();
      }
    }
  }
}
