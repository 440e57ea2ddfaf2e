package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.Orz;
import org.orzspark.jobs.train.SettingsCommand.Line;
import org.orzspark.jobs.train.SettingsCommand.Source;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSettings;
import picocli.CommandLine;

class SettingsCommandTest {

  @TempDir Path dir;

  private static Map<String, Line> byKey(List<Line> lines) {
    return lines.stream()
        .collect(Collectors.toMap(line -> line.setting().key(), Function.identity()));
  }

  @Test
  void eachValueIsAttributedToTheSourceThatWon() {
    Properties profile = new Properties();
    profile.setProperty("data.prompts_per_iteration", " 16 ");
    profile.setProperty("ppo.lambda", "0.95");
    // The override beats the profile on data.prompts_per_iteration; ppo.gamma only has an override.
    List<Line> lines =
        SettingsCommand.resolve(
            "mine", profile, Map.of("data.prompts_per_iteration", "32", "ppo.gamma", "0.99"));

    assertThat(lines)
        .extracting(line -> line.setting().key())
        .containsExactlyElementsOf(RunSettings.all().keySet());
    Map<String, Line> byKey = byKey(lines);
    assertThat(byKey.get("data.prompts_per_iteration"))
        .extracting(Line::value, Line::source)
        .containsExactly("32", Source.SET);
    assertThat(byKey.get("ppo.gamma"))
        .extracting(Line::value, Line::source)
        .containsExactly("0.99", Source.SET);
    assertThat(byKey.get("ppo.lambda"))
        .extracting(Line::value, Line::source)
        .containsExactly("0.95", Source.PROFILE);
    assertThat(byKey.get("ppo.clip_epsilon"))
        .extracting(Line::value, Line::source)
        .containsExactly(RunSettings.CLIP_EPSILON.defaultValue(), Source.DEFAULT);
    assertThat(lines)
        .filteredOn(line -> line.source() == Source.DEFAULT)
        .allSatisfy(line -> assertThat(line.value()).isEqualTo(line.setting().defaultValue()))
        .hasSize(RunSettings.all().size() - 3);
  }

  @Test
  void aRunsSettingsAllComeFromItsRunJson() {
    Properties profile = new Properties();
    profile.setProperty("ppo.lambda", "0.95");
    RunConfig config = RunConfig.resolve("base", "prompts", "mine", profile, Map.of());
    List<Line> lines = SettingsCommand.ofRun(config);
    assertThat(lines)
        .hasSize(RunSettings.all().size())
        .allSatisfy(
            line -> {
              assertThat(line.source()).isEqualTo(Source.RUN);
              assertThat(line.value()).isEqualTo(config.settings().get(line.setting().key()));
            });
  }

  @Test
  void aLineIsKeyValueSourceAndTheDocWithTheValidValues() {
    Line line =
        byKey(SettingsCommand.resolve("built-in", new Properties(), Map.of("ppo.gamma", "0.99")))
            .get("ppo.gamma");
    assertThat(line.format())
        .isEqualTo("ppo.gamma = 0.99  (set)  GAE discount γ. Valid: a finite number in [0, 1].");
    assertThat(new Line(RunSettings.TOP_K, "0", Source.DEFAULT).format())
        .isEqualTo(
            "rollout.top_k = 0  (default)  Top-k sampling (0 = off). Valid: an integer >= 0.");
  }

  @Test
  void anInvalidValueIsRefusedAsInitRefusesIt() {
    assertThatThrownBy(
            () -> SettingsCommand.resolve("built-in", new Properties(), Map.of("ppo.gamma", "NaN")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ppo.gamma=NaN is out of range; valid: a finite number in [0, 1]");
  }

  private record Outcome(int status, String out, String err) {}

  private static Outcome orz(String... args) {
    CommandLine orz = Orz.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    orz.setOut(new PrintWriter(out, true));
    orz.setErr(new PrintWriter(err, true));
    int status = orz.execute(args);
    return new Outcome(status, out.toString(), err.toString());
  }

  @Test
  void theCommandPrintsOneLinePerSettingWithAPackedProfile() {
    Outcome outcome =
        orz("settings", "--profile", "tiny-cpu", "--set", "ppo.gamma=0.99", "--seed", "7");
    assertThat(outcome.status()).as(outcome.err()).isZero();
    List<String> lines = outcome.out().lines().toList();
    assertThat(lines).hasSize(RunSettings.all().size());
    assertThat(lines)
        .contains(
            "data.prompts_per_iteration = 16  (profile)  Prompts sampled per iteration. Valid: an integer >= 1.",
            "ppo.gamma = 0.99  (set)  GAE discount γ. Valid: a finite number in [0, 1].",
            "run.seed = 7  (set)  Run seed: every random choice derives from it. Valid: any 64-bit integer.",
            "ppo.clip_epsilon = 0.2  (default)  PPO ratio clip ε. Below 1: from ε = 1 on, the lower clip"
                + " 1 − ε no longer bounds the ratio. Valid: a finite number in (0, 1).");
  }

  @Test
  void theCommandShowsARunsFrozenSettings() throws Exception {
    RunConfig config =
        RunConfig.resolve(
            "base", "prompts", "mine", new Properties(), Map.of("optim.policy_lr", "3e-5"));
    new ObjectMapper().writeValue(dir.resolve("run.json").toFile(), config);

    Outcome outcome = orz("settings", "--run-dir", dir.toString());
    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(outcome.out().lines().toList())
        .hasSize(RunSettings.all().size())
        .allSatisfy(line -> assertThat(line).contains("  (run)  "))
        .anySatisfy(line -> assertThat(line).startsWith("optim.policy_lr = 3e-5  (run)  "));
  }

  @Test
  void mistakesAreOneLineWithExitStatusTwo() throws Exception {
    new ObjectMapper()
        .writeValue(
            dir.resolve("run.json").toFile(),
            RunConfig.resolve("base", "prompts", "built-in", new Properties(), Map.of()));
    for (var expected :
        Map.of(
                List.of("settings", "--set", "ppo.gamma=NaN"),
                "orz settings: ppo.gamma=NaN is out of range; valid: a finite number in [0, 1]",
                List.of("settings", "--profile", "orz-70b"),
                "orz settings: unknown profile 'orz-70b'; packed profiles: ",
                List.of("settings", "--set", "ppo.gama=1"),
                "orz settings: in --set: unknown setting 'ppo.gama'; valid settings: ",
                List.of("settings", "--run-dir", dir.toString(), "--set", "ppo.gamma=0.9"),
                "orz settings: a run's settings are frozen in its run.json: --profile, --seed and --set do not"
                    + " apply with --run-dir",
                List.of("settings", "--run-dir", dir.resolve("absent").toString()),
                "orz settings: no run in " + dir.resolve("absent") + " (run.json missing)")
            .entrySet()) {
      Outcome outcome = orz(expected.getKey().toArray(String[]::new));
      assertThat(outcome.status()).as(expected.getKey().toString()).isEqualTo(2);
      assertThat(outcome.out()).isEmpty();
      assertThat(outcome.err().lines().toList())
          .as(expected.getKey().toString())
          .singleElement()
          .asString()
          .startsWith(expected.getValue());
    }
  }
}
