package org.orzspark.collective;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RingAllReduceTest {

  /**
   * n ranks as threads of this JVM, each with its own random vector; lengths not divisible by n.
   */
  @ParameterizedTest
  @CsvSource({"1,5", "2,7", "3,10", "4,3", "3,100003", "2,1000003"})
  void everyRankEndsWithTheElementwiseSumBitIdentical(int n, int length) throws Exception {
    float[][] inputs = new float[n][length];
    Random random = new Random(n * 31L + length);
    for (float[] input : inputs) {
      for (int i = 0; i < length; i++) {
        input[i] = random.nextFloat() * 2 - 1;
      }
    }
    float[][] outputs = runRing(inputs);
    for (int i = 0; i < length; i++) {
      double expected = 0;
      for (float[] input : inputs) {
        expected += input[i];
      }
      assertThat((double) outputs[0][i])
          .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
    }
    for (int r = 1; r < n; r++) {
      assertThat(outputs[r]).as("rank %d equals rank 0 bit for bit", r).isEqualTo(outputs[0]);
    }
  }

  @ParameterizedTest
  @CsvSource({"2", "3"})
  void ringIsReusableAcrossManyCalls(int n) throws Exception {
    float[][] inputs = new float[n][4];
    for (int r = 0; r < n; r++) {
      java.util.Arrays.fill(inputs[r], r + 1);
    }
    float[][] outputs = runRing(inputs, 5);
    float expected = (float) (n * (n + 1) / 2) * (float) Math.pow(n, 4);
    assertThat(outputs[0]).containsOnly(expected);
  }

  /** Segments of 10-11 floats sent in pieces of 3: the same sums, bit for bit, as in one piece. */
  @ParameterizedTest
  @CsvSource({"2", "3"})
  void segmentsTravelInPiecesWithIdenticalSums(int n) throws Exception {
    float[][] inputs = new float[n][31];
    Random random = new Random(n);
    for (float[] input : inputs) {
      for (int i = 0; i < input.length; i++) {
        input[i] = random.nextFloat() * 2 - 1;
      }
    }
    float[][] whole = runRing(inputs);
    int savedPiece = RingAllReduce.pieceFloats;
    float[][] pieces;
    try {
      RingAllReduce.pieceFloats = 3;
      pieces = runRing(inputs);
    } finally {
      RingAllReduce.pieceFloats = savedPiece;
    }
    for (int r = 0; r < n; r++) {
      assertThat(pieces[r]).as("rank %d", r).isEqualTo(whole[r]);
    }
  }

  /**
   * A reduce-scatter leaves rank r's own segment with the all-reduce's sums bit for bit (same
   * summation order), and an all-gather of those segments rebuilds the all-reduce's vector on every
   * rank: the pair is the sharded optimizer's path, which must match the replicated one exactly.
   */
  @ParameterizedTest
  @CsvSource({"2,7", "3,10", "3,100003", "4,3"})
  void reduceScatterThenAllGatherEqualsTheAllReduceBitForBit(int n, int length) throws Exception {
    float[][] inputs = new float[n][length];
    Random random = new Random(n * 7L + length);
    for (float[] input : inputs) {
      for (int i = 0; i < length; i++) {
        input[i] = (random.nextFloat() * 2 - 1) * (float) Math.pow(10, random.nextInt(6) - 3);
      }
    }
    float[][] allReduced = runRing(inputs);
    int[] start = RingAllReduce.segments(length, n);
    float[][] scattered = runRing(inputs, 1, (ring, data) -> ring.reduceScatter(data));
    float[][] owned = new float[n][length];
    for (int r = 0; r < n; r++) {
      for (int i = start[r]; i < start[r + 1]; i++) {
        assertThat(Float.floatToIntBits(scattered[r][i]))
            .as("rank %d value %d", r, i)
            .isEqualTo(Float.floatToIntBits(allReduced[r][i]));
        owned[r][i] = scattered[r][i];
      }
      // What a rank holds outside its segment must not leak into the gathered vector.
      java.util.Arrays.fill(owned[r], 0, start[r], Float.NaN);
      java.util.Arrays.fill(owned[r], start[r + 1], length, Float.NaN);
    }
    float[][] gathered = runRing(owned, 1, (ring, data) -> ring.allGather(data));
    for (int r = 0; r < n; r++) {
      assertThat(gathered[r]).as("rank %d", r).isEqualTo(allReduced[0]);
    }
  }

  @Test
  void segmentsFollowLongArithmeticPastTheIntRange() {
    // 2^31 - 1 values over 3 ranks: length * c / n overflows int for c >= 2 without long math.
    assertThat(RingAllReduce.segments(Integer.MAX_VALUE, 3))
        .containsExactly(0, 715_827_882, 1_431_655_764, Integer.MAX_VALUE);
  }

  /** Strings of different lengths (one empty, one beyond ASCII) reach every rank, by rank. */
  @ParameterizedTest
  @CsvSource({"1", "2", "3"})
  void everyRankGathersEveryRanksString(int n) throws Exception {
    String[] values = {"digest-0 attempt", "", "\u00e9t\u00e9 \uD83D\uDE00"};
    List<RingAllReduce> rings = LocalRings.open(n, Duration.ofSeconds(20));
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<String[]>> results = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int rank = r;
        results.add(
            pool.submit(
                () -> {
                  try (RingAllReduce ring = rings.get(rank)) {
                    return ring.allGather(values[rank]);
                  }
                }));
      }
      for (Future<String[]> result : results) {
        assertThat(result.get()).containsExactly(java.util.Arrays.copyOf(values, n));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static float[][] runRing(float[][] inputs) throws Exception {
    return runRing(inputs, 1);
  }

  /** Runs {@code rounds} successive all-reduces over one ring (each feeds the next). */
  private static float[][] runRing(float[][] inputs, int rounds) throws Exception {
    return runRing(inputs, rounds, (ring, data) -> ring.sumInPlace(data));
  }

  /** One call of a ring collective on one rank's vector. */
  private interface Call {
    void run(RingAllReduce ring, java.nio.FloatBuffer data) throws java.io.IOException;
  }

  /** Runs {@code rounds} successive calls of {@code call} over one ring. */
  private static float[][] runRing(float[][] inputs, int rounds, Call call) throws Exception {
    int n = inputs.length;
    List<RingAllReduce> rings = LocalRings.open(n, Duration.ofSeconds(20));
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int rank = r;
        results.add(
            pool.submit(
                () -> {
                  float[] data = inputs[rank].clone();
                  try (RingAllReduce ring = rings.get(rank)) {
                    for (int round = 0; round < rounds; round++) {
                      call.run(ring, java.nio.FloatBuffer.wrap(data));
                    }
                  }
                  return data;
                }));
      }
      float[][] outputs = new float[n][];
      for (int r = 0; r < n; r++) {
        outputs[r] = results.get(r).get();
      }
      return outputs;
    } finally {
      pool.shutdownNow();
    }
  }
}
