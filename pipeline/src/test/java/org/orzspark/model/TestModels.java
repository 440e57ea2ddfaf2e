package org.orzspark.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/** Tiny random Qwen2 models for tests: weights large enough that logits are far from uniform. */
public final class TestModels {
  private TestModels() {}

  /** vocab 97, width 32, 2 layers, 4 query heads over 2 KV heads, untied LM head. */
  public static Qwen2Config untied() {
    return new Qwen2Config(
        97, 32, 64, 2, 4, 2, 256, 10000.0, 1e-6, false, null, List.of(1), "float32");
  }

  /** vocab 64, width 32, 2 layers, 2 query heads over 1 KV head, tied LM head. */
  public static Qwen2Config tied() {
    return new Qwen2Config(
        64, 32, 48, 2, 2, 1, 256, 500.0, 1e-5, true, 0, List.of(1, 2), "float32");
  }

  /**
   * Weights ~ N(0, 0.25²) (biases too), norm weights ~ 1 + N(0, 0.1²), from {@code seed}; with
   * {@code withValueHead} also a {@code score.weight}.
   */
  public static ModelCheckpoint checkpoint(Qwen2Config config, long seed, boolean withValueHead) {
    Map<String, long[]> shapes = new LinkedHashMap<>(PolicyModel.shapes(config));
    if (withValueHead) {
      shapes.put(CriticModel.VALUE_HEAD, new long[] {1, config.hiddenSize()});
    }
    Map<String, TensorValues> tensors = new LinkedHashMap<>();
    SplittableRandom random = new SplittableRandom(seed);
    shapes.forEach(
        (name, shape) -> {
          float[] values = new float[(int) HostTensor.elementCount(shape)];
          for (int i = 0; i < values.length; i++) {
            values[i] =
                name.endsWith("norm.weight")
                    ? (float) (1 + 0.1 * random.nextGaussian())
                    : (float) (0.25 * random.nextGaussian());
          }
          tensors.put(name, new HostTensor(name, shape, values));
        });
    return new ModelCheckpoint(config, tensors, Map.of(), Optional.empty());
  }

  public static int[] randomTokens(int length, int vocab, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] tokens = new int[length];
    for (int i = 0; i < length; i++) {
      tokens[i] = random.nextInt(vocab);
    }
    return tokens;
  }
}
