package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.TokenBatch;
import org.orzspark.testing.FreshManagerTest;
import org.orzspark.train.ParameterDigest;

/**
 * A policy saved, loaded, given one gradient, all-reduced bucket by bucket, stepped by AdamW, and
 * saved and loaded again with its optimizer state: every stage must reproduce the weights and the
 * state bit for bit. Fast on a small model cut into many buckets and stretches; {@code slow} with
 * Qwen2.5-7B's embedding (vocab 152,064 x hidden 3,584: 545M floats, 2.2 GB, past every 2 GiB
 * limit).
 */
class LargeTensorRoundTripTest extends FreshManagerTest {

  @Test
  void smallModelInManyBucketsAndStretches(@TempDir Path dir) throws Exception {
    int savedBucket = Gradients.bucketFloats;
    long savedStretch = AdamW.stepChunk;
    try {
      Gradients.bucketFloats = 1000;
      AdamW.stepChunk = 777;
      Qwen2Config config =
          new Qwen2Config(500, 64, 96, 1, 4, 2, 256, 1e4, 1e-6, true, null, List.of(), "float32");
      // 500 x 64 embedding + one layer = 63,040 gradients, plus the loss: 64 buckets of 1000.
      assertThat(roundTrip(config, dir)).isEqualTo(64);
    } finally {
      Gradients.bucketFloats = savedBucket;
      AdamW.stepChunk = savedStretch;
    }
  }

  @Test
  @Tag("slow")
  void qwen7bEmbeddingShape(@TempDir Path dir) throws Exception {
    long started = System.nanoTime();
    Qwen2Config config =
        new Qwen2Config(
            152_064, 3_584, 256, 1, 28, 4, 2048, 1e6, 1e-6, true, null, List.of(), "float32");
    int buckets = roundTrip(config, dir);
    assertThat(buckets).isGreaterThan(1);
    System.out.printf(
        "qwen7bEmbeddingShape: %d all-reduce buckets, %.1f s, peak RSS %s%n",
        buckets, (System.nanoTime() - started) / 1e9, peakResidentMemory());
  }

  /** Runs the whole cycle; returns the number of all-reduce buckets. */
  private int roundTrip(Qwen2Config config, Path dir) throws IOException {
    String initial;
    try (PolicyModel policy = PolicyModel.random(config, 7, manager)) {
      policy.save(dir.resolve("initial"));
      initial = ParameterDigest.of(policy.parameters());
    }
    long embeddingBytes = 4L * config.vocabSize() * config.hiddenSize();
    assertThat(Files.size(dir.resolve("initial/model.safetensors"))).isGreaterThan(embeddingBytes);

    Path state = dir.resolve("adamw.state");
    String stepped;
    byte[] savedState;
    int[] buckets = {0};
    AdamW.Config optimizer = AdamW.Config.orz(new WarmupSchedule(1e-3, 0));
    try (PolicyModel policy = PolicyModel.load(dir.resolve("initial"), manager);
        AdamW adam = new AdamW(optimizer, manager)) {
      assertThat(ParameterDigest.of(policy.parameters())).isEqualTo(initial);
      TokenBatch batch = TokenBatch.padded(new int[][] {{1, config.vocabSize() - 1, 42, 7}});
      double loss =
          GradientAccumulator.accumulate(
              policy.parameters(),
              List.of(batch),
              (b, scope) -> policy.tokenLogProbs(b, scope).sum().neg());
      float[] extras = {(float) loss};
      double normBefore = Gradients.globalNorm(policy.parameters());
      Gradients.allReduce(
          policy.parameters(),
          extras,
          local -> {
            buckets[0]++;
            return local;
          });
      assertThat(extras[0]).isEqualTo((float) loss);
      assertThat(Gradients.globalNorm(policy.parameters())).isEqualTo(normBefore).isPositive();
      AdamW.Step step = adam.step(policy.parameters());
      assertThat(step.applied()).isTrue();
      stepped = ParameterDigest.of(policy.parameters());
      assertThat(stepped).isNotEqualTo(initial);
      policy.save(dir.resolve("stepped"));
      savedState = save(adam, Files.newOutputStream(state));
    }
    try (AdamW adam = new AdamW(optimizer, manager);
        InputStream in = new BufferedInputStream(Files.newInputStream(state))) {
      adam.load(in);
      assertThat(adam.stepCount()).isEqualTo(1);
      assertThat(save(adam, OutputStream.nullOutputStream())).isEqualTo(savedState);
    }
    try (PolicyModel policy = PolicyModel.load(dir.resolve("stepped"), manager)) {
      assertThat(ParameterDigest.of(policy.parameters())).isEqualTo(stepped);
    }
    return buckets[0];
  }

  /** Saves {@code adam} to {@code target}; returns the SHA-256 of the bytes written. */
  private static byte[] save(AdamW adam, OutputStream target) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (DigestOutputStream out = new DigestOutputStream(new BufferedOutputStream(target), sha)) {
      adam.save(out);
    }
    return sha.digest();
  }

  private static String peakResidentMemory() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(line -> line.startsWith("VmHWM:"))
        .map(line -> line.substring("VmHWM:".length()).trim())
        .findFirst()
        .orElse("unknown");
  }
}
