package org.orzspark.jobs.train;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSetting;
import org.orzspark.run.RunSettings;
import org.orzspark.run.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code orz settings}: every setting's effective value and where it comes from, without Spark.
 * With {@code --profile}/{@code --seed}/{@code --set} it shows what {@code orz init} with the same
 * options would freeze (and refuses what init refuses); with {@code --run-dir} what a run froze.
 */
@Command(
    name = "settings",
    mixinStandardHelpOptions = true,
    description = {
      "Print every setting, one per line: 'key = value  (source)  description and valid values',"
          + " the source being default, profile, set (--set or --seed) or run (the run's run.json).",
      "Without --run-dir: what 'orz init' with the same --profile/--seed/--set would freeze;"
          + " a value init refuses is refused the same way (exit status 2).",
      "With --run-dir: the run's frozen settings; --profile, --seed and --set are refused there."
    })
public final class SettingsCommand implements Callable<Integer> {

  /** Where a setting's effective value comes from. */
  public enum Source {
    DEFAULT,
    PROFILE,
    SET,
    RUN;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One setting's effective value and its source. */
  public record Line(RunSetting<?> setting, String value, Source source) {
    /** {@code key = value (source) doc Valid: valid values.} */
    public String format() {
      return setting.key()
          + " = "
          + value
          + "  ("
          + source
          + ")  "
          + setting.doc()
          + " Valid: "
          + setting.valid()
          + ".";
    }
  }

  @Option(
      names = "--run-dir",
      description = "Show this run's frozen settings (R/run.json) instead (default: none).")
  String runDir;

  @Mixin RunConfigOptions configuration = new RunConfigOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<Line> lines;
    if (runDir != null) {
      if (configuration.anyGiven()) {
        throw new IllegalArgumentException(
            "a run's settings are frozen in its run.json:"
                + " --profile, --seed and --set do not apply with --run-dir");
      }
      RunStore store = RunStore.open(runDir);
      if (!store.exists(store.layout().runJson())) {
        throw new IllegalArgumentException("no run in " + runDir + " (run.json missing)");
      }
      lines = ofRun(RunConfig.read(store));
    } else {
      Profiles.Profile profile = configuration.profile();
      lines = resolve(profile.name(), profile.settings(), configuration.overrides());
    }
    PrintWriter out = spec.commandLine().getOut();
    lines.forEach(line -> out.println(line.format()));
    out.flush();
    return 0;
  }

  /**
   * Every setting in declaration order, resolved exactly as {@link RunConfig#resolve} resolves it
   * (and refused as it refuses), each attributed to the source that won: {@code overrides} over the
   * profile over the built-in default.
   */
  public static List<Line> resolve(
      String profileName, Properties profile, Map<String, String> overrides) {
    RunConfig config = RunConfig.resolve("", "", profileName, profile, overrides);
    List<Line> lines = new ArrayList<>();
    for (RunSetting<?> setting : RunSettings.all().values()) {
      String key = setting.key();
      Source source =
          overrides.containsKey(key)
              ? Source.SET
              : profile.containsKey(key) ? Source.PROFILE : Source.DEFAULT;
      lines.add(new Line(setting, config.settings().get(key), source));
    }
    return lines;
  }

  /** Every setting of a run as its {@code run.json} froze it. */
  public static List<Line> ofRun(RunConfig config) {
    return RunSettings.all().values().stream()
        .map(setting -> new Line(setting, config.settings().get(setting.key()), Source.RUN))
        .toList();
  }
}
