package org.orzspark.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.orzspark.run.Provenance;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSetting;
import org.orzspark.run.RunSettings;
import org.orzspark.run.RunStore;
import org.orzspark.stages.StageRecord;

/**
 * The report's settings section: the run's effective configuration ({@code run.json}) with where
 * each value came from, and the provenance (code, library versions, host, command line) of the
 * iterations, as their stage records hold it.
 *
 * @param baseModel the base model, null without a {@code run.json}
 * @param prompts the prompt set, null without a {@code run.json}
 * @param settings every setting of {@code run.json}, by key
 * @param provenance the iterations' provenance: one entry per distinct provenance, in order of
 *     first appearance (a run resumed by other code or on another host has several)
 */
public record SettingsSection(
    String baseModel, String prompts, List<Setting> settings, List<ProvenanceSpan> provenance) {

  /** What {@link Setting#source()} says of a value that is its setting's built-in default. */
  public static final String DEFAULT = "default";

  /**
   * One setting as the run uses it.
   *
   * @param source {@value #DEFAULT}, or what can have set it: the profile the run was made from or
   *     {@code --set} ({@code run.json} keeps the values, not which of the two set each)
   * @param doc what the setting means
   */
  public record Setting(String key, String value, String source, String doc) {
    public boolean changed() {
      return !source.equals(DEFAULT);
    }
  }

  /**
   * A provenance and the iterations whose records carry it.
   *
   * @param provenance null for records written before provenance was recorded
   */
  public record ProvenanceSpan(List<Integer> iterations, Provenance provenance) {}

  /** No {@code run.json} and no iterations: nothing to show. */
  public static final SettingsSection EMPTY = new SettingsSection(null, null, List.of(), List.of());

  /**
   * Reads {@code run.json} (when present) and the rollout stage record of each of {@code
   * iterations} from {@code store}.
   */
  public static SettingsSection read(RunStore store, List<Integer> iterations) {
    try {
      Optional<RunConfig> config =
          store.exists(store.layout().runJson())
              ? Optional.of(RunConfig.read(store))
              : Optional.empty();
      Map<Provenance, List<Integer>> spans = new LinkedHashMap<>();
      List<Integer> unrecorded = new ArrayList<>();
      for (int iteration : iterations) {
        Optional<byte[]> record =
            store.readIfExists(
                new org.apache.hadoop.fs.Path(
                    store.layout().rollouts(iteration), StageRecord.FILE));
        Provenance p = record.isEmpty() ? null : StageRecord.fromJson(record.get()).provenance();
        (p == null ? unrecorded : spans.computeIfAbsent(p, k -> new ArrayList<>())).add(iteration);
      }
      List<ProvenanceSpan> provenance = new ArrayList<>();
      spans.forEach((p, its) -> provenance.add(new ProvenanceSpan(List.copyOf(its), p)));
      if (!unrecorded.isEmpty()) {
        provenance.add(new ProvenanceSpan(List.copyOf(unrecorded), null));
      }
      return new SettingsSection(
          config.map(RunConfig::baseModel).orElse(null),
          config.map(RunConfig::prompts).orElse(null),
          config.map(SettingsSection::settings).orElse(List.of()),
          List.copyOf(provenance));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the settings of " + store.layout().root(), e);
    }
  }

  /** Every setting of {@code config} in key order, with its source. */
  static List<Setting> settings(RunConfig config) {
    List<Setting> out = new ArrayList<>();
    String set = config.profile() == null ? "--set" : "profile " + config.profile() + " or --set";
    config
        .settings()
        .forEach(
            (key, value) -> {
              RunSetting<?> setting = RunSettings.byKey(key);
              boolean isDefault =
                  Objects.equals(setting.parse(value), setting.parse(setting.defaultValue()));
              out.add(new Setting(key, value, isDefault ? DEFAULT : set, setting.doc()));
            });
    return out;
  }

  /** Ascending iterations as ranges: {@code [1, 2, 3, 5, 7, 8]} → {@code "1–3, 5, 7–8"}. */
  public static String ranges(List<Integer> iterations) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < iterations.size()) {
      int j = i;
      while (j + 1 < iterations.size() && iterations.get(j + 1) == iterations.get(j) + 1) {
        j++;
      }
      out.append(out.isEmpty() ? "" : ", ").append(iterations.get(i));
      if (j > i) {
        out.append('–').append(iterations.get(j));
      }
      i = j + 1;
    }
    return out.toString();
  }
}
