package org.orzspark.plan;

import java.util.List;
import java.util.Locale;
import org.orzspark.model.Qwen2Config;

/**
 * Model architectures a plan can name without a {@code config.json} at hand: the project's own
 * {@code tiny} and {@code small} ({@link Qwen2Config#named}) and the Qwen2.5 base models the paper
 * trains (0.5B, 1.5B, 7B, 32B).
 */
public final class ModelShapes {
  private ModelShapes() {}

  /** The names {@link #named} knows, in size order. */
  public static final List<String> NAMES =
      List.of("tiny", "small", "qwen2.5-0.5b", "qwen2.5-1.5b", "qwen2.5-7b", "qwen2.5-32b");

  /** Qwen2.5 base models: bos and eos are both {@code <|endoftext|>}. */
  private static final int QWEN_END_OF_TEXT = 151_643;

  /**
   * The architecture called {@code name} (case-insensitive). The Qwen2.5 numbers are those of the
   * public {@code config.json} of Qwen/Qwen2.5-{0.5B,1.5B,7B,32B} on the Hugging Face Hub:
   *
   * <pre>
   *          vocab    hidden  intermediate  layers  heads  kv heads  tied   max positions  rms eps
   * 0.5B    151,936     896         4,864      24     14        2  yes          32,768     1e-6
   * 1.5B    151,936   1,536         8,960      28     12        2  yes         131,072     1e-6
   * 7B      152,064   3,584        18,944      28     28        4  no          131,072     1e-6
   * 32B     152,064   5,120        27,648      64     40        8  no          131,072     1e-5
   * </pre>
   *
   * all with rope_theta 1,000,000 and bfloat16 weights. Their parameter counts reproduce the
   * published totals: 494,032,768 (0.5B), 1,543,714,304 (1.5B), 7,615,616,512 (7B), 32,763,876,352
   * (32B).
   */
  public static Qwen2Config named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "tiny", "small" -> Qwen2Config.named(name);
      case "qwen2.5-0.5b" -> qwen(151_936, 896, 4_864, 24, 14, 2, true, 32_768, 1e-6);
      case "qwen2.5-1.5b" -> qwen(151_936, 1_536, 8_960, 28, 12, 2, true, 131_072, 1e-6);
      case "qwen2.5-7b" -> qwen(152_064, 3_584, 18_944, 28, 28, 4, false, 131_072, 1e-6);
      case "qwen2.5-32b" -> qwen(152_064, 5_120, 27_648, 64, 40, 8, false, 131_072, 1e-5);
      default ->
          throw new IllegalArgumentException(
              "unknown model '" + name + "'; valid names: " + String.join(", ", NAMES));
    };
  }

  private static Qwen2Config qwen(
      int vocab,
      int hidden,
      int intermediate,
      int layers,
      int heads,
      int kvHeads,
      boolean tied,
      int maxPositions,
      double rmsNormEps) {
    return new Qwen2Config(
        vocab,
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        maxPositions,
        1_000_000.0,
        rmsNormEps,
        tied,
        QWEN_END_OF_TEXT,
        List.of(QWEN_END_OF_TEXT),
        "bfloat16");
  }
}
