package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The engine against Hugging Face {@code transformers} on the tiny fixture checkpoint {@code
 * golden/tiny-qwen2} (config.json + model.safetensors): its logits for the fixed sequences of
 * {@code .ci/golden_logits.py} must match that script's {@code golden/golden-logits.json} to 1e-4
 * of the largest logit (both float32; reordered float sums differ by ~1e-6 relative, a wrong rotary
 * layout, norm or bias by O(1)). Until the JSON is committed (it needs a host with torch and
 * transformers) that comparison is skipped through {@code assumeTrue}.
 *
 * <p>The fixture is {@code TestModels.checkpoint(TestModels.untied(), 5, false)}; to regenerate it:
 * {@code mvn -pl pipeline -am test -Dtest=GoldenLogitsTest
 * -Dgolden.write=$PWD/pipeline/src/test/resources/golden/tiny-qwen2}.
 */
class GoldenLogitsTest {
  private static final double TOLERANCE = 1e-4;
  private static final long SEED = 5;

  private static ModelCheckpoint seeded() {
    return TestModels.checkpoint(TestModels.untied(), SEED, false);
  }

  private static Path resource(String name) throws URISyntaxException {
    URL url = GoldenLogitsTest.class.getResource("/golden/" + name);
    return url == null ? null : Path.of(url.toURI());
  }

  @Test
  @EnabledIfSystemProperty(named = "golden.write", matches = ".+")
  void writeTheFixture() throws IOException {
    seeded().write(Path.of(System.getProperty("golden.write")));
  }

  @Test
  void theFixtureIsTheSeededCheckpoint() throws Exception {
    Path fixture = resource("tiny-qwen2");
    assertThat(fixture).as("golden/tiny-qwen2 on the test classpath").isNotNull();
    ModelCheckpoint committed = ModelCheckpoint.read(fixture);
    ModelCheckpoint expected = seeded();
    assertThat(committed.config()).isEqualTo(expected.config());
    assertThat(committed.tensors().keySet()).isEqualTo(expected.tensors().keySet());
    for (Map.Entry<String, TensorValues> entry : expected.tensors().entrySet()) {
      assertThat(values(committed.tensors().get(entry.getKey())))
          .as(entry.getKey())
          .containsExactly(values(entry.getValue()));
    }
  }

  @Test
  void theEngineMatchesTransformersGoldenLogits() throws Exception {
    Path golden = resource("golden-logits.json");
    assumeTrue(golden != null, "golden/golden-logits.json absent: run .ci/golden_logits.py");
    JsonNode sequences = new ObjectMapper().readTree(Files.readString(golden)).get("sequences");
    assertThat(sequences).isNotEmpty();
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.load(resource("tiny-qwen2"), manager);
        GradMode off = GradMode.disabled()) {
      for (JsonNode sequence : sequences) {
        int[] tokens = new int[sequence.get("tokens").size()];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = sequence.get("tokens").get(i).asInt();
        }
        JsonNode expected = sequence.get("logits");
        try (NDManager work = manager.newSubManager()) {
          float[] logits =
              policy
                  .logits(policy.decoder().forward(TokenBatch.padded(new int[][] {tokens}), work))
                  .toFloatArray();
          int vocab = policy.config().vocabSize();
          assertThat(logits).hasSize(tokens.length * vocab);
          double scale = 1;
          for (JsonNode row : expected) {
            for (JsonNode value : row) {
              scale = Math.max(scale, Math.abs(value.asDouble()));
            }
          }
          for (int t = 0; t < tokens.length; t++) {
            for (int v = 0; v < vocab; v++) {
              assertThat((double) logits[t * vocab + v])
                  .as("position %d, token %d", t, v)
                  .isCloseTo(
                      expected.get(t).get(v).asDouble(),
                      org.assertj.core.api.Assertions.within(TOLERANCE * scale));
            }
          }
        }
      }
    }
  }

  private static float[] values(TensorValues tensor) throws IOException {
    float[] values = new float[Math.toIntExact(HostTensor.elementCount(tensor.shape()))];
    try (TensorValues.Reader reader = tensor.open()) {
      reader.read(FloatBuffer.wrap(values));
    }
    return values;
  }
}
