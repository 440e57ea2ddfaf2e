package org.orzspark.jobs.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.orzspark.generation.SamplingParams;
import org.orzspark.model.Qwen2Config;
import org.orzspark.run.EvalTable;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSettings;
import org.orzspark.stages.RolloutSettings;

/**
 * The JSON and Markdown files of an export that are not weights: {@code generation_config.json},
 * the critic's {@code config.json} fields and the model card. Pure functions of the run's facts.
 */
final class ExportFiles {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The critic's only label: the value estimate V(s_t) of each token. */
  static final String VALUE_LABEL = "value";

  /**
   * The bias {@code Qwen2ForTokenClassification}'s {@code score} layer has and training has not.
   */
  static final String VALUE_BIAS = "score.bias";

  private ExportFiles() {}

  /** One benchmark's figures of the exported checkpoint, keyed by {@link EvalTable}'s columns. */
  record Evaluation(String benchmark, Map<String, Double> figures) {}

  /** What the model card tells. */
  record Card(
      String runName,
      int checkpoint,
      RunConfig config,
      String torchDtype,
      boolean critic,
      List<Evaluation> evaluations) {}

  /**
   * {@code generation_config.json} with transformers' {@code GenerationConfig} field names, set to
   * how the run's rollouts sampled: its temperature, top-p, top-k (0 is off in transformers as
   * here), response length, the model's eos tokens and the ORZ stop strings ({@code </answer>} ends
   * the answer; {@code User:}, {@code Human:}, {@code Assistant:} a new turn). Temperature 0 is
   * greedy decoding, which transformers spells {@code do_sample: false}.
   */
  static ObjectNode generationConfig(Qwen2Config model, RolloutSettings.Sampling sampling) {
    ObjectNode json = JSON.createObjectNode();
    if (model.bosTokenId() != null) {
      json.put("bos_token_id", model.bosTokenId());
    }
    List<Integer> eos = model.eosTokenIds();
    if (eos.size() == 1) {
      json.put("eos_token_id", eos.get(0));
    } else if (!eos.isEmpty()) {
      ArrayNode ids = json.putArray("eos_token_id");
      eos.forEach(ids::add);
    }
    boolean sample = sampling.temperature() > 0;
    json.put("do_sample", sample);
    if (sample) {
      json.put("temperature", sampling.temperature());
      json.put("top_p", sampling.topP());
      json.put("top_k", sampling.topK());
    }
    json.put("max_new_tokens", sampling.maxResponseTokens());
    ArrayNode stops = json.putArray("stop_strings");
    SamplingParams.ORZ_STOP_STRINGS.forEach(stops::add);
    return json;
  }

  /**
   * Turns a causal LM's {@code config.json} into a {@code Qwen2ForTokenClassification} one with a
   * single label: the value head is that class's {@code score} layer.
   */
  static ObjectNode criticConfig(ObjectNode causalLmConfig) {
    ObjectNode json = causalLmConfig.deepCopy();
    json.putArray("architectures").add("Qwen2ForTokenClassification");
    json.put("num_labels", 1);
    json.putObject("id2label").put("0", VALUE_LABEL);
    json.putObject("label2id").put(VALUE_LABEL, 0);
    return json;
  }

  /** The model card {@code README.md}: what the model is, how it was trained and evaluated. */
  static String modelCard(Card card) {
    RunConfig config = card.config();
    StringBuilder md = new StringBuilder();
    md.append("---\nlibrary_name: transformers\npipeline_tag: text-generation\n")
        .append("tags:\n- orz-spark\n- open-reasoner-zero\n- ppo\n---\n\n");
    md.append("# ")
        .append(card.runName())
        .append(", checkpoint ")
        .append(card.checkpoint())
        .append("\n\n");
    md.append(
            "A Qwen2 causal LM trained with reinforcement learning (PPO, rule-based reward) by"
                + " orz-spark, the Open-Reasoner-Zero recipe as Spark jobs: the policy of run `")
        .append(card.runName())
        .append("` ")
        .append(
            card.checkpoint() == 0
                ? "at checkpoint 0, before any training (the base model's weights)"
                : "after " + card.checkpoint() + " iteration(s)")
        .append(", weights in ")
        .append(card.torchDtype())
        .append(".\n\n");
    md.append("- Base model: `").append(config.baseModel()).append("`\n");
    md.append("- Prompt set: `").append(config.prompts()).append("`\n");
    md.append("- Profile: `").append(config.profile()).append("`\n");
    if (card.critic()) {
      md.append(
              "- `critic/`: the PPO value model, a `Qwen2ForTokenClassification` with one label"
                  + " (`")
          .append(VALUE_LABEL)
          .append(
              "`, the value of each token); its `score.bias` is"
                  + " zero, as training had no bias.\n");
    }
    md.append("\n## Prompt and stopping\n\n")
        .append("Prompts use the ORZ template `")
        .append(config.get(RunSettings.PROMPT_TEMPLATE).key())
        .append(
            "` (no chat template): the question inside a fixed instruction that ends with"
                + " `Assistant: <think>`. `generation_config.json` samples as the run's rollouts did"
                + " and stops at `</answer>`, or at the start of a new turn (`User:`, `Human:`,"
                + " `Assistant:`); transformers applies `stop_strings` when `generate` is given the"
                + " tokenizer, vLLM when a request names them in `stop`.\n");
    md.append("\n## Run settings\n\n");
    Map<String, String> defaults = RunConfig.defaults().settings();
    List<Map.Entry<String, String>> changed =
        config.settings().entrySet().stream()
            .filter(e -> !e.getValue().equals(defaults.get(e.getKey())))
            .toList();
    if (changed.isEmpty()) {
      md.append("Every setting at its built-in default (`orz settings` lists them).\n");
    } else {
      md.append("Settings that differ from the built-in defaults (`orz settings` lists all):\n\n")
          .append("| setting | value | default |\n|---|---|---|\n");
      changed.forEach(
          e ->
              md.append("| `")
                  .append(e.getKey())
                  .append("` | ")
                  .append(e.getValue())
                  .append(" | ")
                  .append(defaults.get(e.getKey()))
                  .append(" |\n"));
    }
    md.append("\n## Evaluation\n\n");
    if (card.evaluations().isEmpty()) {
      md.append("Not evaluated (`orz evaluate --run-dir R --checkpoint ")
          .append(card.checkpoint())
          .append(" --benchmark ...` adds results to the run).\n");
    } else {
      md.append("`orz evaluate` on this checkpoint; k samples per question:\n\n")
          .append("| benchmark | questions | k | avg@k | pass@k | maj@k | format |\n")
          .append("|---|---|---|---|---|---|---|\n");
      for (Evaluation e : card.evaluations()) {
        Map<String, Double> f = e.figures();
        String cells =
            String.join(
                " | ",
                e.benchmark(),
                whole(f.get(EvalTable.QUESTIONS)),
                whole(f.get(EvalTable.SAMPLES)),
                share(f.get(EvalTable.AVG_AT_K)),
                share(f.get(EvalTable.PASS_AT_K)),
                share(f.get(EvalTable.MAJ_AT_K)),
                share(f.get(EvalTable.FORMAT_RATE)));
        md.append("| ").append(cells).append(" |\n");
      }
    }
    return md.toString();
  }

  private static String whole(Double value) {
    return value == null ? "" : String.valueOf(Math.round(value));
  }

  private static String share(Double value) {
    return value == null ? "" : String.format(Locale.ROOT, "%.3f", value);
  }
}
