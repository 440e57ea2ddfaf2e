package org.orzspark.jobs.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options that make a run's configuration: a profile, the seed and per-key overrides. */
public final class RunConfigOptions {
  @Option(
      names = "--profile",
      description = {
        "Run profile: a properties file, or the name of one packed in the application from"
            + " conf/profiles (tiny-cpu, orz-7b, orz-32b);",
        "without one every setting has its built-in default, the paper's 7B recipe (default: none;"
            + " tiny-cpu for bench iteration)."
      })
  String profile;

  @Option(
      names = "--seed",
      description = "Run seed; overrides the profile's run.seed (default: profile, else 42).")
  Long seed;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one setting, e.g. --set optim.policy_lr=3e-5 (repeatable; default: none);"
              + " the settings and their valid values are listed below.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** Lists every setting under the help of the command that takes these options. */
  @Spec(Spec.Target.MIXEE)
  void listSettings(CommandSpec command) {
    List<String> lines = new ArrayList<>();
    lines.add("%nSettings (--set KEY=VALUE; a value out of range is refused with exit status 2):");
    // Footer lines are format strings: a percent sign in a doc must not become a conversion.
    RunSettings.all()
        .values()
        .forEach(setting -> lines.add("  " + setting.help().replace("%", "%%")));
    command.usageMessage().footer(lines.toArray(String[]::new));
  }

  /** Options whose profile is {@code profile} unless the command line names another. */
  static RunConfigOptions withProfile(String profile) {
    RunConfigOptions options = new RunConfigOptions();
    options.profile = profile;
    return options;
  }

  /** The complete configuration of a run of {@code base} on {@code prompts}. */
  public RunConfig resolve(Path base, String prompts) throws IOException {
    Profiles.Profile loaded = profile();
    return RunConfig.resolve(
        base.toAbsolutePath().toString(),
        Path.of(prompts).toAbsolutePath().toString(),
        loaded.name(),
        loaded.settings(),
        overrides());
  }

  /** The profile named, or {@link Profiles#BUILT_IN} when none is. */
  Profiles.Profile profile() throws IOException {
    return profile == null ? Profiles.BUILT_IN : Profiles.load(profile);
  }

  /** The {@code --set} overrides, with {@code --seed} as an override of {@code run.seed}. */
  Map<String, String> overrides() {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (seed != null) {
      all.put(RunSettings.SEED.key(), Long.toString(seed));
    }
    return all;
  }

  /** Whether the command line names a profile, a seed or an override. */
  boolean anyGiven() {
    return profile != null || seed != null || !overrides.isEmpty();
  }
}
