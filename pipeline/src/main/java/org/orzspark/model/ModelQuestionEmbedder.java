package org.orzspark.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.orzspark.datasets.curate.QuestionEmbedder;

/**
 * Question embeddings from the engine's Qwen2 model: the mean over a question's tokens of the final
 * hidden states ([B, T, H] → [B, H], padding masked out), for questions cut to {@code maxTokens}
 * tokens. The model and tokenizer are loaded on first use once per executor JVM (a static cache by
 * path), then shared by all tasks and stages of that JVM; forwards run without autograd.
 */
public final class ModelQuestionEmbedder implements QuestionEmbedder {

  private static final ConcurrentHashMap<String, Loaded> MODELS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();

  private final String modelDir;
  private final int batchSize;
  private final int maxTokens;

  /** A model directory's policy, its tokenizer and the manager that owns the weights. */
  private record Loaded(NDManager manager, PolicyModel model, HuggingFaceTokenizer tokenizer) {}

  public ModelQuestionEmbedder(String modelDir, int batchSize, int maxTokens) {
    if (batchSize < 1 || maxTokens < 1) {
      throw new IllegalArgumentException("batch size and max tokens must be >= 1");
    }
    this.modelDir = Path.of(modelDir).toAbsolutePath().toString();
    this.batchSize = batchSize;
    this.maxTokens = maxTokens;
  }

  /** Loads of {@code modelDir} in this JVM so far (tests check that tasks share one load). */
  public static int loads(String modelDir) {
    AtomicInteger loads = LOADS.get(Path.of(modelDir).toAbsolutePath().toString());
    return loads == null ? 0 : loads.get();
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public float[][] embed(List<String> questions) {
    Loaded loaded = MODELS.computeIfAbsent(modelDir, ModelQuestionEmbedder::load);
    List<int[]> tokens = new ArrayList<>();
    for (String q : questions) {
      int[] ids = Tokenizers.encode(loaded.tokenizer(), q);
      tokens.add(Arrays.copyOf(ids, Math.min(ids.length, maxTokens)));
    }
    int hidden = loaded.model().config().hiddenSize();
    float[][] out = new float[questions.size()][hidden];
    List<Integer> nonEmpty = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).length > 0) {
        nonEmpty.add(i);
      }
    }
    if (nonEmpty.isEmpty()) {
      return out;
    }
    float[] means =
        meanHidden(
            loaded.model(),
            TokenBatch.padded(nonEmpty.stream().map(tokens::get).toArray(int[][]::new)),
            loaded.manager());
    for (int k = 0; k < nonEmpty.size(); k++) {
      System.arraycopy(means, k * hidden, out[nonEmpty.get(k)], 0, hidden);
    }
    return out;
  }

  /**
   * Mean-pooled final hidden states: Σ_t mask[b,t]·h[b,t,:] / Σ_t mask[b,t].
   *
   * @return [B × H] row-major
   */
  static float[] meanHidden(PolicyModel model, TokenBatch batch, NDManager parent) {
    try (GradMode noGrad = GradMode.disabled();
        NDManager work = parent.newSubManager()) {
      NDList inputs = Qwen2Decoder.inputs(batch, work);
      NDArray hidden = model.decoder().forward(inputs.get(0), inputs.get(1), inputs.get(2));
      NDArray mask = work.create(batch.tokenMask(), new Shape(batch.rows(), batch.length(), 1));
      NDArray sum = hidden.mul(mask).sum(new int[] {1});
      NDArray count = mask.sum(new int[] {1});
      return sum.div(count).toFloatArray();
    }
  }

  private static Loaded load(String dir) {
    NDManager manager = NDManager.newBaseManager();
    try {
      PolicyModel model = PolicyModel.load(Path.of(dir), manager);
      HuggingFaceTokenizer tokenizer = Tokenizers.load(Path.of(dir));
      LOADS.computeIfAbsent(dir, d -> new AtomicInteger()).incrementAndGet();
      return new Loaded(manager, model, tokenizer);
    } catch (IOException e) {
      manager.close();
      throw new UncheckedIOException("cannot load the embedding model " + dir, e);
    }
  }
}
