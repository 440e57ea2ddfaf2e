package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
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
  void unknownKeysAndBadValuesFailNamingTheKey() {
    assertThatThrownBy(() -> RunConfig.resolve("m", "p", "x", new Properties(), Map.of("optim.lr", "1")))
        .hasMessageContaining("unknown setting 'optim.lr'")
        .hasMessageContaining("optim.policy_lr");
    assertThatThrownBy(() -> RunConfig.resolve("m", "p", "x", new Properties(), Map.of("ppo.value_loss", "huber")))
        .hasMessageContaining("ppo.value_loss")
        .hasMessageContaining("clipped, plain");
    assertThatThrownBy(() -> RunConfig.resolve("m", "p", "x", new Properties(), Map.of("ppo.gamma", "one")))
        .hasMessageContaining("ppo.gamma");
  }

  @Test
  void settingsThatOnlyFailTogetherFailAtResolve() {
    assertThatThrownBy(() -> RunConfig.resolve("m", "p", "x", new Properties(),
        Map.of("data.prompts_per_iteration", "2", "rollout.samples_per_prompt", "4")))
        .hasMessageContaining("ppo.critic_minibatches=12 exceeds the 8 responses");
    assertThatThrownBy(() -> RunConfig.resolve("m", "p", "x", new Properties(),
        Map.of("rollout.samples_per_prompt", "0")))
        .hasMessageContaining("rollout.samples_per_prompt must be at least 1");
    assertThat(RunConfig.resolve("m", "p", "x", new Properties(),
        Map.of("data.prompts_per_iteration", "3", "rollout.samples_per_prompt", "4"))
        .get(RunSettings.CRITIC_MINIBATCHES)).isEqualTo(12);
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
      assertThat(c.get(RunSettings.VALUE_LOSS)).as(name).isEqualTo("clipped");
      assertThat(c.get(RunSettings.VALUE_CLIP)).as(name).isEqualTo(0.2);
      assertThat(c.get(RunSettings.LOSS_REDUCTION)).as(name).isEqualTo("sequence_mean");
      assertThat(c.get(RunSettings.POLICY_MINIBATCHES)).as(name).isEqualTo(1);
      assertThat(c.get(RunSettings.CRITIC_MINIBATCHES)).as(name).isEqualTo(12);
    }
    // tiny-cpu deliberately trains a tiny model faster; the rest of the recipe stays.
    RunConfig tiny = RunConfig.resolve("m", "p", "tiny-cpu", profile("tiny-cpu"), Map.of());
    assertThat(tiny.get(RunSettings.POLICY_LR)).isGreaterThan(1e-6);
    assertThat(tiny.get(RunSettings.BETA2)).isEqualTo(0.95);
    assertThat(tiny.get(RunSettings.POLICY_MINIBATCHES)).isEqualTo(1);
  }

  private static Properties profile(String name) throws Exception {
    Properties properties = new Properties();
    try (Reader reader =
        Files.newBufferedReader(RepoPaths.root().resolve("conf/profiles/" + name + ".properties"))) {
      properties.load(reader);
    }
    return properties;
  }

  @Test
  void everyShippedProfileResolves() throws Exception {
    try (var profiles = Files.list(RepoPaths.root().resolve("conf/profiles"))) {
      for (Path file : profiles.filter(p -> p.toString().endsWith(".properties")).toList()) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
          properties.load(reader);
        }
        RunConfig config = RunConfig.resolve("m", "p", file.getFileName().toString(), properties, Map.of());
        assertThat(config.settings()).as(file.toString()).isNotEmpty();
      }
    }
  }
}
