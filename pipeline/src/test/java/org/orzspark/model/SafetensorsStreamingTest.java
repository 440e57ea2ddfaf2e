package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safetensors streamed in chunks of 12 bytes: 3 F32 values or 6 BF16/F16 values per chunk. */
class SafetensorsStreamingTest {
  private static final float[] VALUES = {
    1f, -2f, 0.5f, 1 + 0x1p-8f, 1 + 0x1.8p-7f, 65519f, 0x1p-24f, -0x1.8p-24f, 3.14159f, -0f
  };
  private static final float[] MATRIX = {0.1f, 0.2f, 0.3f, -0.4f, 1e-3f, 7f};

  private int savedChunk;

  @BeforeEach
  void smallChunks() {
    savedChunk = Safetensors.chunkBytes;
    Safetensors.chunkBytes = 12;
  }

  @AfterEach
  void restoreChunks() {
    Safetensors.chunkBytes = savedChunk;
  }

  @Test
  void narrowingToF16RoundsToNearestEvenByHand() {
    Object[][] table = {
      {1f, 0x3C00},
      {-2f, 0xC000},
      {0.5f, 0x3800},
      {-0f, 0x8000},
      {65504f, 0x7BFF}, // the largest half
      {65519f, 0x7BFF}, // below the half-way point to 65536
      {65520f, 0x7C00}, // half-way: ties to even, and the even neighbour is infinity
      {1 + 0x1p-11f, 0x3C00}, // half-way between 1 and 1 + 2^-10: ties to even 1
      {1 + 0x1.8p-10f, 0x3C02}, // half-way between 0x3C01 and 0x3C02: even 0x3C02
      {Float.intBitsToFloat(0x3F801001), 0x3C01}, // 1 + 2^-11 + 2^-23: just above half-way
      {0x1p-14f, 0x0400}, // the smallest normal
      {0x1p-24f, 0x0001}, // the smallest subnormal
      {0x1p-25f, 0x0000}, // half of it: ties to even 0
      {0x1.8p-25f, 0x0001}, // above half-way
      {0x1.8p-24f, 0x0002}, // 1.5 units: ties to even 2
      {0x1.ff8p-15f, 0x03FF}, // the largest subnormal
      {0x1.ffcp-15f, 0x0400}, // half-way past it: carries into the smallest normal
      {Float.POSITIVE_INFINITY, 0x7C00},
      {Float.NEGATIVE_INFINITY, 0xFC00},
      {Float.NaN, 0x7E00},
    };
    for (Object[] row : table) {
      assertThat(SafetensorsDtype.floatToF16((Float) row[0]))
          .as("%s", row[0])
          .isEqualTo((short) (int) (Integer) row[1]);
    }
  }

  @Test
  void narrowingToBf16RoundsToNearestEvenByHand() {
    // bf16 keeps 7 fraction bits: one unit at 1.0 is 2^-7.
    assertThat(SafetensorsDtype.floatToBf16(1f)).isEqualTo((short) 0x3F80);
    assertThat(SafetensorsDtype.floatToBf16(1 + 0x1p-8f)).isEqualTo((short) 0x3F80); // tie: even
    assertThat(SafetensorsDtype.floatToBf16(1 + 0x1.8p-7f)).isEqualTo((short) 0x3F82); // tie: even
    // 1 + 2^-8 + 2^-23: just above half-way
    assertThat(SafetensorsDtype.floatToBf16(Float.intBitsToFloat(0x3F808001)))
        .isEqualTo((short) 0x3F81);
    assertThat(SafetensorsDtype.floatToBf16(-5f)).isEqualTo((short) 0xC0A0);
    assertThat(SafetensorsDtype.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
  }

  @Test
  void everyHalfAndBfloatWidensAndNarrowsBackToItself() {
    for (int bits = 0; bits < 1 << 16; bits++) {
      short h = (short) bits;
      if (!Float.isNaN(SafetensorsDtype.f16ToFloat(h))) {
        assertThat(SafetensorsDtype.floatToF16(SafetensorsDtype.f16ToFloat(h))).isEqualTo(h);
      }
      if (!Float.isNaN(SafetensorsDtype.bf16ToFloat(h))) {
        assertThat(SafetensorsDtype.floatToBf16(SafetensorsDtype.bf16ToFloat(h))).isEqualTo(h);
      }
    }
  }

  @Test
  void everyDtypeRoundTripsThroughManySmallChunks(@TempDir Path dir) throws Exception {
    for (SafetensorsDtype dtype : SafetensorsDtype.values()) {
      Path file = dir.resolve(dtype + ".safetensors");
      Safetensors.write(
          file,
          List.of(
              new HostTensor("v", new long[] {10}, VALUES),
              new HostTensor("m", new long[] {2, 3}, MATRIX)),
          dtype);
      Map<String, Safetensors.Entry> header = Safetensors.readHeader(file);
      assertThat(header.get("v").begin()).isZero();
      assertThat(header.get("v").end()).isEqualTo(10L * dtype.bytes());
      assertThat(header.get("m").end()).isEqualTo(16L * dtype.bytes());
      Map<String, TensorValues> read = Safetensors.read(file);
      assertThat(read.keySet()).containsExactly("v", "m");
      assertThat(read.get("m").shape()).containsExactly(2, 3);
      assertThat(HostTensor.copyOf(read.get("v")).data()).containsExactly(narrowed(VALUES, dtype));
      assertThat(HostTensor.copyOf(read.get("m")).data()).containsExactly(narrowed(MATRIX, dtype));
    }
  }

  @Test
  void writerLaysOutTheSpecByteForByte(@TempDir Path dir) throws Exception {
    // What every writer of this format produces (and this project's did before streaming):
    // length, compact JSON header padded by spaces to 8 bytes, then the little-endian values.
    String json =
        "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,1],\"data_offsets\":[4,6]}}";
    int padded = (json.length() + 7) / 8 * 8;
    ByteBuffer expected = ByteBuffer.allocate(8 + padded + 6).order(ByteOrder.LITTLE_ENDIAN);
    expected.putLong(padded).put(json.getBytes(StandardCharsets.UTF_8));
    while (expected.position() < 8 + padded) {
      expected.put((byte) ' ');
    }
    expected.putShort((short) 0x3F80).putShort((short) 0xC000).putShort((short) 0x3F00);

    Path file = dir.resolve("spec.safetensors");
    Safetensors.write(
        file,
        List.of(
            new HostTensor("a", new long[] {2}, new float[] {1f, -2f}),
            new HostTensor("b", new long[] {1, 1}, new float[] {0.5f})),
        SafetensorsDtype.BF16);
    assertThat(Files.readAllBytes(file)).isEqualTo(expected.array());
    assertThat(HostTensor.copyOf(Safetensors.read(file).get("a")).data()).containsExactly(1f, -2f);
  }

  @Test
  void offsetsPastTwoGigabytesAreLongs() {
    long embedding = 152_064L * 3_584; // Qwen2.5-7B's embedding: 544,997,376 floats
    assertThat(Safetensors.dataOffsets(new long[] {embedding, embedding, 3}, SafetensorsDtype.F32))
        .containsExactly(0L, 2_179_989_504L, 4_359_979_008L, 4_359_979_020L);
    Safetensors.Entry last =
        new Safetensors.Entry(
            "w", SafetensorsDtype.BF16, new long[] {3}, 4_359_979_008L, 4_359_979_014L);
    assertThat(Safetensors.filePosition(1024, last, 2)).isEqualTo(4_359_980_036L);
    assertThatThrownBy(
            () ->
                Safetensors.dataOffsets(
                    new long[] {Long.MAX_VALUE / 4, Long.MAX_VALUE / 4}, SafetensorsDtype.F32))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void aTensorStoredPastTwoGigabytesReads(@TempDir Path dir) throws Exception {
    // A sparse file: 2.4 GB of never-written padding, then three values.
    long pad = 600_000_000L;
    String json =
        "{\"pad\":{\"dtype\":\"F32\",\"shape\":["
            + pad
            + "],\"data_offsets\":[0,"
            + pad * 4
            + "]},\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":["
            + pad * 4
            + ","
            + (pad * 4 + 12)
            + "]}}";
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("sparse.safetensors");
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.SPARSE)) {
      ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
      channel.write(prefix.putLong(header.length).put(header).flip());
      ByteBuffer values = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      values.putFloat(1f).putFloat(-2f).putFloat(0.5f).flip();
      channel.write(values, 8 + header.length + pad * 4);
    }
    TensorValues w = Safetensors.read(file).get("w");
    assertThat(HostTensor.copyOf(w).data()).containsExactly(1f, -2f, 0.5f);
  }

  private static float[] narrowed(float[] values, SafetensorsDtype dtype) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] =
          switch (dtype) {
            case F32 -> values[i];
            case BF16 -> SafetensorsDtype.bf16ToFloat(SafetensorsDtype.floatToBf16(values[i]));
            case F16 -> SafetensorsDtype.f16ToFloat(SafetensorsDtype.floatToF16(values[i]));
          };
    }
    return out;
  }
}
