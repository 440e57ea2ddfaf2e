package org.orzspark.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 */
public final class Safetensors {

  /** Headers larger than this are refused (the format's own reference limit is 100 MB). */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private Safetensors() {}

  /** One tensor's entry in a file header. */
  public record Entry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {}

  /**
   * Parses and checks the header of {@code file}: dtypes, shapes against byte ranges, file length.
   */
  public static Map<String, Entry> readHeader(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return readHeader(file, channel);
    }
  }

  /** Reads every tensor of {@code file}, widened to float32, in header order. */
  public static Map<String, HostTensor> read(Path file) throws IOException {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      Map<String, Entry> header = readHeader(file, channel);
      long dataStart = channel.position();
      for (Entry entry : header.values()) {
        tensors.put(entry.name(), readTensor(file, channel, dataStart, entry));
      }
    }
    return tensors;
  }

  /**
   * Writes {@code tensors} to {@code file} in {@code dtype} (F32 or BF16), in the given order, with
   * the header padded by spaces to a multiple of 8 bytes as Hugging Face's writer does.
   */
  public static void write(Path file, Collection<HostTensor> tensors, SafetensorsDtype dtype)
      throws IOException {
    if (dtype == SafetensorsDtype.F16) {
      throw new IllegalArgumentException("writing F16 is not supported; use F32 or BF16");
    }
    ObjectNode header = ModelJson.object();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (HostTensor tensor : tensors) {
      ObjectNode entry = ModelJson.object();
      entry.put("dtype", dtype.name());
      ArrayNode shape = entry.putArray("shape");
      Arrays.stream(tensor.shape()).forEach(shape::add);
      ArrayNode offsets = entry.putArray("data_offsets");
      long size = (long) tensor.data().length * dtype.bytes();
      offsets.add(offset);
      offsets.add(offset + size);
      header.set(tensor.name(), entry);
      offset += size;
    }
    byte[] json = ModelJson.compact(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(json);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(prefix.array());
      for (HostTensor tensor : tensors) {
        out.write(encode(tensor.data(), dtype));
      }
    }
  }

  private static byte[] encode(float[] values, SafetensorsDtype dtype) {
    ByteBuffer buffer =
        ByteBuffer.allocate(values.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      if (dtype == SafetensorsDtype.F32) {
        buffer.putFloat(value);
      } else {
        buffer.putShort(SafetensorsDtype.floatToBf16(value));
      }
    }
    return buffer.array();
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
      long expected = HostTensor.elementCount(shape) * dtype.bytes();
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
      if (expected / dtype.bytes() > Integer.MAX_VALUE - 8) {
        throw new CheckpointException(file + ": tensor '" + name + "' is too large for one array");
      }
      return new Entry(name, dtype, shape, begin, end);
    } catch (RuntimeException e) {
      throw new CheckpointException(
          file + ": bad header entry for tensor '" + name + "': " + json, e);
    }
  }

  private static HostTensor readTensor(Path file, FileChannel channel, long dataStart, Entry entry)
      throws IOException {
    int count = (int) (HostTensor.elementCount(entry.shape()));
    ByteBuffer bytes =
        ByteBuffer.allocate(count * entry.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
    readFully(file, channel, bytes, dataStart + entry.begin());
    bytes.flip();
    float[] values = new float[count];
    switch (entry.dtype()) {
      case F32 -> bytes.asFloatBuffer().get(values);
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          values[i] = SafetensorsDtype.bf16ToFloat(bytes.getShort());
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          values[i] = SafetensorsDtype.f16ToFloat(bytes.getShort());
        }
      }
      default -> throw new IllegalStateException(entry.dtype().name());
    }
    return new HostTensor(entry.name(), entry.shape(), values);
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
}
