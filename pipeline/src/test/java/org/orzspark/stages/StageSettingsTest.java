package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.model.ActivationMemory;
import org.orzspark.ppo.AdamW;
import org.orzspark.ppo.LossReduction;
import org.orzspark.ppo.PolicyLoss;
import org.orzspark.ppo.ValueLoss;
import org.orzspark.ppo.WarmupSchedule;
import org.orzspark.random.Seeds;
import org.orzspark.run.RunConfig;
import org.orzspark.train.ReplicaTrainer;

/** The per-stage settings records, built from a run's configuration by their one factory each. */
class StageSettingsTest {

  private static RunConfig config(Map<String, String> set) {
    return RunConfig.resolve("m", "p", "x", new Properties(), set);
  }

  @Test
  void updateSettingsNestTheLibrarysRecords() {
    UpdateSettings defaults = UpdateSettings.from(RunConfig.defaults());
    assertThat(defaults.reduction()).isEqualTo(LossReduction.SEQUENCE_MEAN);
    assertThat(defaults.policyLoss()).isEqualTo(PolicyLoss.ORZ);
    assertThat(defaults.valueLoss()).isEqualTo(ValueLoss.CLIPPED);
    assertThat(defaults.policyOptimizer()).isEqualTo(AdamW.Config.orz(WarmupSchedule.policy()));
    assertThat(defaults.criticOptimizer()).isEqualTo(AdamW.Config.orz(WarmupSchedule.critic()));
    assertThat(defaults.trainer(3))
        .isEqualTo(
            new ReplicaTrainer.Settings(
                LossReduction.SEQUENCE_MEAN,
                PolicyLoss.ORZ,
                ValueLoss.CLIPPED,
                1,
                12,
                16384,
                Seeds.mix(42, "update", 3),
                ActivationMemory.RECOMPUTE_LOGITS,
                true));

    UpdateSettings set =
        UpdateSettings.from(
            config(
                Map.of(
                    "ppo.value_loss",
                    "plain",
                    "ppo.loss_reduction",
                    "token_mean",
                    "ppo.value_clip",
                    "0.5",
                    "optim.beta2",
                    "0.99")));
    assertThat(set.valueLoss()).isEqualTo(ValueLoss.UNCLIPPED);
    assertThat(set.reduction()).isEqualTo(LossReduction.TOKEN_MEAN);
    assertThat(set.criticOptimizer().beta2()).isEqualTo(0.99);
    assertThat(UpdateSettings.from(config(Map.of("ppo.value_clip", "0.5"))).valueLoss())
        .isEqualTo(new ValueLoss(0.5));
  }

  @Test
  void rolloutAndExperienceSettingsComeFromTheRun() {
    RunConfig run =
        config(
            Map.of("data.prompt_template", "reference", "rollout.top_k", "5", "ppo.gamma", "0.9"));
    RolloutSettings rollout = RolloutSettings.from(run);
    assertThat(rollout.sampling())
        .isEqualTo(
            new RolloutSettings.Sampling(PromptTemplate.Variant.REFERENCE, 8000, 1.0, 1.0, 5, 64));
    assertThat(rollout.generationSeed(2)).isEqualTo(Seeds.mix(42, "rollout", 2));
    assertThat(ExperienceSettings.from(run))
        .isEqualTo(new ExperienceSettings(16384, true, 0.9, 1.0, 0));
  }

  @Test
  void whatTasksReceiveIsSerializable() throws Exception {
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(UpdateSettings.from(RunConfig.defaults()));
      out.writeObject(RolloutSettings.from(RunConfig.defaults()));
      out.writeObject(ExperienceSettings.from(RunConfig.defaults()));
    }
  }
}
