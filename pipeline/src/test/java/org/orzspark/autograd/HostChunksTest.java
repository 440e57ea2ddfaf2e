package org.orzspark.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.FreshManagerTest;

/** Chunks of 3 floats over a [5, 7] array: 35 values, 11 full chunks and one of 2. */
class HostChunksTest extends FreshManagerTest {
  private int savedChunk;

  @BeforeEach
  void smallChunks() {
    savedChunk = HostChunks.chunkFloats;
    HostChunks.chunkFloats = 3;
  }

  @AfterEach
  void restoreChunks() {
    HostChunks.chunkFloats = savedChunk;
  }

  @Test
  void fillAndDrainCoverEveryValueInRowMajorOrder() throws IOException {
    NDArray array = manager.zeros(new Shape(5, 7));
    List<Integer> asked = new ArrayList<>();
    float[] next = {0};
    HostChunks.fill(
        array,
        into -> {
          asked.add(into.remaining());
          while (into.hasRemaining()) {
            into.put(next[0]++);
          }
        });
    assertThat(asked).containsExactly(3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2);
    assertThat(array.toFloatArray()).containsExactly(range(0, 35));

    List<Float> drained = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    HostChunks.drain(
        array,
        chunk -> {
          sizes.add(chunk.remaining());
          while (chunk.hasRemaining()) {
            drained.add(chunk.get());
          }
        });
    assertThat(sizes).containsExactly(3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2);
    assertThat(drained).hasSize(35).first().isEqualTo(0f);
    assertThat(drained.get(34)).isEqualTo(34f);
  }

  @Test
  void getAndSetAddressFlatOffsetsAcrossRows() {
    NDArray array = manager.create(range(0, 35), new Shape(5, 7));
    FloatBuffer out = FloatBuffer.allocate(4);
    HostChunks.get(array, 6, out);
    assertThat(out.array()).containsExactly(6, 7, 8, 9);
    assertThat(out.hasRemaining()).isFalse();

    ByteBuffer values = HostChunks.buffer(3);
    values.asFloatBuffer().put(new float[] {-1, -2, -3});
    HostChunks.set(array, 13, values);
    float[] expected = range(0, 35);
    expected[13] = -1;
    expected[14] = -2;
    expected[15] = -3;
    assertThat(array.toFloatArray()).containsExactly(expected);
    assertThat(array.getShape()).isEqualTo(new Shape(5, 7));

    assertThatThrownBy(() -> HostChunks.get(array, 33, FloatBuffer.allocate(3)))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("[33, 36) outside an array of 35");
  }

  @Test
  void setWritesIntoATrainableParameterWithoutRecordingIt() {
    NDArray parameter = manager.zeros(new Shape(2, 2));
    parameter.setRequiresGradient(true);
    ByteBuffer values = HostChunks.buffer(2);
    values.asFloatBuffer().put(new float[] {5, 6});
    HostChunks.set(parameter, 1, values);
    assertThat(parameter.toFloatArray()).containsExactly(0, 5, 6, 0);
    assertThat(parameter.hasGradient()).isTrue();
  }

  private static float[] range(int from, int to) {
    float[] values = new float[to - from];
    for (int i = 0; i < values.length; i++) {
      values[i] = from + i;
    }
    return values;
  }
}
