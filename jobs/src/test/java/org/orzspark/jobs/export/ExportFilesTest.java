package org.orzspark.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.TestModels;
import org.orzspark.stages.RolloutSettings;

class ExportFilesTest {

  @Test
  void generationConfigSamplesAsTheRolloutsWithTransformersNames() {
    Qwen2Config tied = TestModels.tied();
    assertThat(
            ExportFiles.generationConfig(
                    tied,
                    new RolloutSettings.Sampling(
                        PromptTemplate.Variant.PAPER, 8000, 1.0, 1.0, 0, 64))
                .toString())
        .isEqualTo(
            "{\"bos_token_id\":0,\"eos_token_id\":[1,2],\"do_sample\":true,"
                + "\"temperature\":1.0,\"top_p\":1.0,\"top_k\":0,\"max_new_tokens\":8000,"
                + "\"stop_strings\":[\"</answer>\",\"User:\",\"Human:\",\"Assistant:\"]}");
  }

  @Test
  void greedyDecodingIsDoSampleFalseWithoutSamplingFields() {
    Qwen2Config single = TestModels.untied().withSpecialTokens(null, List.of(7));
    assertThat(
            ExportFiles.generationConfig(
                    single,
                    new RolloutSettings.Sampling(PromptTemplate.Variant.PAPER, 12, 0.0, 0.9, 3, 64))
                .toString())
        .isEqualTo(
            "{\"eos_token_id\":7,\"do_sample\":false,\"max_new_tokens\":12,"
                + "\"stop_strings\":[\"</answer>\",\"User:\",\"Human:\",\"Assistant:\"]}");
  }

  @Test
  void theCriticConfigIsATokenClassifierWithOneLabelAndKeepsTheArchitecture() throws Exception {
    var causal =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            ExportFiles.JSON.readTree(
                "{\"architectures\": [\"Qwen2ForCausalLM\"], \"hidden_size\": 32}");
    assertThat(ExportFiles.criticConfig(causal).toString())
        .isEqualTo(
            "{\"architectures\":[\"Qwen2ForTokenClassification\"],\"hidden_size\":32,"
                + "\"num_labels\":1,\"id2label\":{\"0\":\"value\"},\"label2id\":{\"value\":0}}");
    assertThat(causal.get("architectures").get(0).asText()).isEqualTo("Qwen2ForCausalLM");
  }
}
