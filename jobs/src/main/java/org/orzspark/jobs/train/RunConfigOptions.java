package org.orzspark.jobs.train;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options that make a run's configuration: a profile, the seed and per-key overrides. */
public final class RunConfigOptions {
  @Option(names = "--profile",
      description = {"Run profile: a properties file, or the name of one in conf/profiles (tiny-cpu, orz-7b, orz-32b);",
          "without one every setting has its built-in default, the paper's 7B recipe (default: none; tiny-cpu for bench iteration)."})
  Path profile;

  @Option(names = "--seed", description = "Run seed; overrides the profile's run.seed (default: profile, else 42).")
  Long seed;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one setting, e.g. --set optim.policy_lr=3e-5 (repeatable; default: none);"
          + " the settings and their valid values are listed below.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** Lists every setting under the help of the command that takes these options. */
  @Spec(Spec.Target.MIXEE)
  void listSettings(CommandSpec command) {
    List<String> lines = new ArrayList<>();
    lines.add("%nSettings (--set KEY=VALUE; a value out of range is refused with exit status 2):");
    // Footer lines are format strings: a percent sign in a doc must not become a conversion.
    RunSettings.all().values().forEach(setting -> lines.add("  " + setting.help().replace("%", "%%")));
    command.usageMessage().footer(lines.toArray(String[]::new));
  }

  /** Options whose profile is {@code profile} unless the command line names another. */
  static RunConfigOptions withProfile(String profile) {
    RunConfigOptions options = new RunConfigOptions();
    options.profile = Path.of(profile);
    return options;
  }

  /** The complete configuration of a run of {@code base} on {@code prompts}. */
  public RunConfig resolve(Path base, String prompts) throws IOException {
    Properties properties = new Properties();
    String profileName = "built-in";
    if (profile != null) {
      Path file = profileFile(profile);
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      }
      profileName = file.getFileName().toString().replaceFirst("\\.properties$", "");
    }
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (seed != null) {
      all.put(RunSettings.SEED.key(), Long.toString(seed));
    }
    return RunConfig.resolve(base.toAbsolutePath().toString(),
        Path.of(prompts).toAbsolutePath().toString(), profileName, properties, all);
  }

  /** A profile file as given, else {@code conf/profiles/NAME.properties} of the installation. */
  static Path profileFile(Path given) {
    if (Files.isRegularFile(given)) {
      return given;
    }
    String home = System.getenv().getOrDefault("ORZ_HOME", ".");
    Path named = Path.of(home, "conf", "profiles", given + ".properties");
    if (Files.isRegularFile(named)) {
      return named;
    }
    throw new IllegalArgumentException("no profile " + given + " (neither a file nor " + named + ")");
  }
}
