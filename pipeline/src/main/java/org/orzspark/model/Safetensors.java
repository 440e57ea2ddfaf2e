package org.orzspark.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}},
 * offsets relative to the end of the header), then the raw little-endian tensor bytes.
 *
 * <p>Tensors stream between the file and their {@link TensorValues} in chunks of {@link
 * #chunkBytes}, with {@code long} offsets throughout: no tensor is ever held in one Java array or
 * buffer, so tensors past 2 GiB read and write like small ones. Reading is lazy: {@link #read}
 * parses the header, and each tensor's bytes are read when its values are.
 */
public final class Safetensors {

  /** Headers larger than this are refused (the format's own reference limit is 100 MB). */
  static final long MAX_HEADER_BYTES = 100L << 20;

  /** Bytes of file data per chunk: 4 MiB. Package-private so tests can force many chunks. */
  static int chunkBytes = 4 << 20;

  private Safetensors() {}

  /** One tensor's entry in a file header; {@code begin} and {@code end} relative to the data. */
  public record Entry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {}

  /**
   * Parses and checks the header of {@code file}: dtypes, shapes against byte ranges, file length.
   */
  public static Map<String, Entry> readHeader(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return readHeader(file, channel);
    }
  }

  /**
   * The tensors of {@code file}, in header order, as float32 values read from the file on demand
   * (BF16 and F16 widened exactly). The header is checked now; the data when read.
   */
  public static Map<String, TensorValues> read(Path file) throws IOException {
    Map<String, TensorValues> tensors = new LinkedHashMap<>();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      Map<String, Entry> header = readHeader(file, channel);
      long dataStart = channel.position();
      for (Entry entry : header.values()) {
        tensors.put(entry.name(), new FileTensor(file, entry, dataStart));
      }
    }
    return tensors;
  }

  /**
   * The file position of element {@code element} of {@code entry} when the data starts at {@code
   * dataStart} (8 + header length): in {@code long}, overflow refused.
   */
  static long filePosition(long dataStart, Entry entry, long element) {
    return Math.addExact(
        Math.addExact(dataStart, entry.begin()),
        Math.multiplyExact(element, entry.dtype().bytes()));
  }

  /**
   * The {@code data_offsets} of tensors of {@code sizes} values stored back to back in {@code
   * dtype}: entry i spans bytes {@code [offsets[i], offsets[i + 1])}.
   */
  static long[] dataOffsets(long[] sizes, SafetensorsDtype dtype) {
    long[] offsets = new long[sizes.length + 1];
    for (int i = 0; i < sizes.length; i++) {
      offsets[i + 1] = Math.addExact(offsets[i], Math.multiplyExact(sizes[i], dtype.bytes()));
    }
    return offsets;
  }

  /**
   * Writes {@code tensors} to {@code file} in {@code dtype} (F32, or BF16/F16 narrowed by
   * round-to-nearest-even), in the given order, with the header padded by spaces to a multiple of 8
   * bytes as Hugging Face's writer does.
   */
  public static void write(
      Path file, Collection<? extends TensorValues> tensors, SafetensorsDtype dtype)
      throws IOException {
    long[] offsets = dataOffsets(tensors.stream().mapToLong(TensorValues::size).toArray(), dtype);
    ObjectNode header = ModelJson.object();
    header.putObject("__metadata__").put("format", "pt");
    int i = 0;
    for (TensorValues tensor : tensors) {
      ObjectNode entry = ModelJson.object();
      entry.put("dtype", dtype.name());
      ArrayNode shape = entry.putArray("shape");
      Arrays.stream(tensor.shape()).forEach(shape::add);
      ArrayNode range = entry.putArray("data_offsets");
      range.add(offsets[i]);
      range.add(offsets[i + 1]);
      header.set(tensor.name(), entry);
      i++;
    }
    byte[] json = ModelJson.compact(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(json);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    int chunkFloats = chunkBytes / Float.BYTES;
    FloatBuffer values =
        ByteBuffer.allocateDirect(chunkFloats * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    ByteBuffer bytes =
        ByteBuffer.allocateDirect(chunkFloats * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writeFully(channel, prefix.flip());
      for (TensorValues tensor : tensors) {
        try (TensorValues.Reader reader = tensor.open()) {
          for (long left = tensor.size(); left > 0; ) {
            int n = (int) Math.min(left, chunkFloats);
            values.clear().limit(n);
            reader.read(values);
            encode(values.flip(), dtype, bytes.clear());
            writeFully(channel, bytes.flip());
            left -= n;
          }
        }
      }
    }
  }

  /** Narrows every value of {@code values} into {@code out} as little-endian {@code dtype}. */
  private static void encode(FloatBuffer values, SafetensorsDtype dtype, ByteBuffer out) {
    switch (dtype) {
      case F32 -> {
        int n = values.remaining();
        out.asFloatBuffer().put(values);
        out.position(out.position() + n * Float.BYTES);
      }
      case BF16 -> {
        while (values.hasRemaining()) {
          out.putShort(SafetensorsDtype.floatToBf16(values.get()));
        }
      }
      case F16 -> {
        while (values.hasRemaining()) {
          out.putShort(SafetensorsDtype.floatToF16(values.get()));
        }
      }
      default -> throw new IllegalStateException(dtype.name());
    }
  }

  /** Widens {@code count} little-endian {@code dtype} values of {@code bytes} into {@code into}. */
  private static void decode(
      ByteBuffer bytes, SafetensorsDtype dtype, FloatBuffer into, int count) {
    switch (dtype) {
      case F32 -> into.put(bytes.asFloatBuffer().limit(count));
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          into.put(SafetensorsDtype.bf16ToFloat(bytes.getShort()));
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          into.put(SafetensorsDtype.f16ToFloat(bytes.getShort()));
        }
      }
      default -> throw new IllegalStateException(dtype.name());
    }
  }

  /** A tensor of a safetensors file; each {@link #open} reads it from the file afresh. */
  private record FileTensor(Path file, Entry entry, long dataStart) implements TensorValues {
    @Override
    public String name() {
      return entry.name();
    }

    @Override
    public long[] shape() {
      return entry.shape();
    }

    @Override
    public Reader open() throws IOException {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      int bytesPerValue = entry.dtype().bytes();
      ByteBuffer bytes =
          ByteBuffer.allocateDirect(
                  (int) Math.min(chunkBytes, Math.max(entry.end() - entry.begin(), bytesPerValue)))
              .order(ByteOrder.LITTLE_ENDIAN);
      return new Reader() {
        private long element;

        @Override
        public void read(FloatBuffer into) throws IOException {
          if (into.remaining() > size() - element) {
            throw new IllegalArgumentException(
                "tensor '"
                    + name()
                    + "': "
                    + into.remaining()
                    + " values asked, "
                    + (size() - element)
                    + " left");
          }
          while (into.hasRemaining()) {
            int n = Math.min(into.remaining(), bytes.capacity() / bytesPerValue);
            bytes.clear().limit(n * bytesPerValue);
            readFully(file, channel, bytes, filePosition(dataStart, entry, element));
            decode(bytes.flip(), entry.dtype(), into, n);
            element += n;
          }
        }

        @Override
        public void close() throws IOException {
          channel.close();
        }
      };
    }
  }

  private static Map<String, Entry> readHeader(Path file, FileChannel channel) throws IOException {
    long fileSize = channel.size();
    if (fileSize < 8) {
      throw new CheckpointException(file + ": not a safetensors file (" + fileSize + " bytes)");
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(file, channel, lengthBytes, 0);
    long headerLength = lengthBytes.flip().getLong();
    if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
      throw new CheckpointException(
          file
              + ": bad safetensors header length "
              + Long.toUnsignedString(headerLength)
              + " (file has "
              + fileSize
              + " bytes)");
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    readFully(file, channel, headerBytes, 8);
    ObjectNode json;
    try {
      json = ModelJson.parseObject(new String(headerBytes.array(), StandardCharsets.UTF_8));
    } catch (JsonProcessingException | IllegalStateException e) {
      throw new CheckpointException(file + ": bad safetensors header: " + e.getMessage(), e);
    }
    long dataLength = fileSize - 8 - headerLength;
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : json.properties()) {
      if (field.getKey().equals("__metadata__")) {
        continue;
      }
      Entry entry = parseEntry(file, field.getKey(), field.getValue());
      if (entry.end() > dataLength) {
        throw new CheckpointException(
            file
                + ": tensor '"
                + entry.name()
                + "' is truncated: its data ends at byte "
                + entry.end()
                + " but the file holds "
                + dataLength
                + " data bytes");
      }
      entries.put(entry.name(), entry);
    }
    channel.position(8 + headerLength);
    return entries;
  }

  private static JsonNode array(JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || !value.isArray()) {
      throw new IllegalStateException("field '" + field + "' is not an array: " + value);
    }
    return value;
  }

  private static Entry parseEntry(Path file, String name, JsonNode json)
      throws CheckpointException {
    try {
      if (!json.isObject()) {
        throw new IllegalStateException("not a JSON object");
      }
      String dtypeName = ModelJson.text(json.get("dtype"), "dtype");
      SafetensorsDtype dtype;
      try {
        dtype = SafetensorsDtype.valueOf(dtypeName);
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(
            file
                + ": tensor '"
                + name
                + "' has unsupported dtype "
                + dtypeName
                + " (supported: F32, F16, BF16)");
      }
      List<Long> dims = new ArrayList<>();
      array(json, "shape").forEach(d -> dims.add(ModelJson.integer(d, "shape")));
      long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
      long begin = ModelJson.integer(array(json, "data_offsets").get(0), "data_offsets");
      long end = ModelJson.integer(array(json, "data_offsets").get(1), "data_offsets");
      long expected = Math.multiplyExact(HostTensor.elementCount(shape), dtype.bytes());
      if (begin < 0 || end - begin != expected) {
        throw new CheckpointException(
            file
                + ": tensor '"
                + name
                + "' has shape "
                + Arrays.toString(shape)
                + " of "
                + dtype
                + " ("
                + expected
                + " bytes) but data_offsets ["
                + begin
                + ", "
                + end
                + "]");
      }
      return new Entry(name, dtype, shape, begin, end);
    } catch (RuntimeException e) {
      throw new CheckpointException(
          file + ": bad header entry for tensor '" + name + "': " + json, e);
    }
  }

  private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new CheckpointException(file + ": truncated at byte " + at);
      }
      at += read;
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
