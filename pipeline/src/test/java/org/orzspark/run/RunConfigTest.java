package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
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
  void jsonRoundTripKeepsEverySetting() throws Exception {
    RunConfig config = RunConfig.resolve("m", "p", "x", new Properties(), Map.of("run.seed", "7"));
    ObjectMapper json = new ObjectMapper();
    RunConfig back = json.readValue(json.writeValueAsString(config), RunConfig.class);
    assertThat(back).isEqualTo(config);
    assertThat(back.get(RunSettings.SEED)).isEqualTo(7L);
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
