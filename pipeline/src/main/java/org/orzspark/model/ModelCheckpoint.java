package org.orzspark.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Hugging Face-layout model directory: {@code config.json}, the weights (one {@code
 * model.safetensors}, or shards {@code model-0000x-of-0000y.safetensors} listed by {@code
 * model.safetensors.index.json}), and the tokenizer files, which are copied along when saving.
 *
 * @param config the architecture
 * @param tensors every tensor by Hugging Face name, as float32 values read on demand (from the
 *     files, from a live model, or generated): reading or writing a checkpoint holds no whole
 *     tensor in Java memory
 * @param sources the file each tensor was read from (for error messages); empty for new weights
 * @param tokenizerDir the directory holding {@code tokenizer.json}, if any
 */
public record ModelCheckpoint(
    Qwen2Config config,
    Map<String, TensorValues> tensors,
    Map<String, Path> sources,
    Optional<Path> tokenizerDir) {

  public static final String WEIGHTS_FILE = "model.safetensors";
  public static final String INDEX_FILE = "model.safetensors.index.json";
  public static final List<String> TOKENIZER_FILES =
      List.of(
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "generation_config.json");

  /** Hugging Face's default shard size. */
  public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

  /** Reads {@code dir}; errors name the file (and the tensor) that is wrong. */
  public static ModelCheckpoint read(Path dir) throws IOException {
    Path configFile = dir.resolve(Qwen2Config.FILE_NAME);
    if (!Files.isRegularFile(configFile)) {
      throw new CheckpointException(configFile + ": missing (not a Hugging Face model directory)");
    }
    Qwen2Config config = Qwen2Config.read(configFile);
    Map<String, TensorValues> tensors = new LinkedHashMap<>();
    Map<String, Path> sources = new LinkedHashMap<>();
    Path single = dir.resolve(WEIGHTS_FILE);
    Path index = dir.resolve(INDEX_FILE);
    if (Files.isRegularFile(single)) {
      readShard(single, tensors, sources);
    } else if (Files.isRegularFile(index)) {
      Map<String, String> weightMap = readIndex(index);
      for (String shard : weightMap.values().stream().distinct().toList()) {
        readShard(dir.resolve(shard), tensors, sources);
      }
      for (Map.Entry<String, String> entry : weightMap.entrySet()) {
        if (!tensors.containsKey(entry.getKey())) {
          throw new CheckpointException(
              dir.resolve(entry.getValue())
                  + ": tensor '"
                  + entry.getKey()
                  + "' listed in "
                  + index.getFileName()
                  + " is missing");
        }
      }
      // transformers finds a tensor through the index alone: one in another shard than the index
      // says, or in none of its entries, would load here and fail (or be dropped) there.
      for (Map.Entry<String, Path> entry : sources.entrySet()) {
        String listed = weightMap.get(entry.getKey());
        if (!entry.getValue().getFileName().toString().equals(listed)) {
          throw new CheckpointException(
              entry.getValue()
                  + ": tensor '"
                  + entry.getKey()
                  + "' is "
                  + (listed == null
                      ? "not listed in " + index.getFileName()
                      : "listed in " + index.getFileName() + " as in " + listed));
        }
      }
    } else {
      throw new CheckpointException(dir + ": neither " + WEIGHTS_FILE + " nor " + INDEX_FILE);
    }
    boolean hasTokenizer = Files.isRegularFile(dir.resolve("tokenizer.json"));
    return new ModelCheckpoint(
        config, tensors, sources, hasTokenizer ? Optional.of(dir) : Optional.empty());
  }

  /**
   * The tensor {@code name} with {@code expectedShape}; a missing tensor or a wrong shape is
   * reported with the file it came from (or should have come from).
   */
  public TensorValues require(String name, long[] expectedShape) throws CheckpointException {
    TensorValues tensor = tensors.get(name);
    if (tensor == null) {
      String where =
          sources.values().stream()
              .distinct()
              .map(Path::toString)
              .reduce((a, b) -> a + ", " + b)
              .orElse("the checkpoint");
      throw new CheckpointException(where + ": missing tensor '" + name + "'");
    }
    if (!Arrays.equals(tensor.shape(), expectedShape)) {
      throw new CheckpointException(
          sources.getOrDefault(name, Path.of("(in memory)"))
              + ": tensor '"
              + name
              + "' has shape "
              + Arrays.toString(tensor.shape())
              + ", expected "
              + Arrays.toString(expectedShape));
    }
    return tensor;
  }

  /** Writes a single-file float32 checkpoint; see {@link #write(Path, SafetensorsDtype, long)}. */
  public void write(Path dir) throws IOException {
    write(dir, SafetensorsDtype.F32, DEFAULT_MAX_SHARD_BYTES);
  }

  /**
   * Writes the directory atomically: everything goes to a sibling temporary directory, which then
   * replaces {@code dir}. Tensors are split into shards of at most {@code maxShardBytes} (a tensor
   * is never split); more than one shard gets Hugging Face's index file. Tokenizer files are copied
   * from {@link #tokenizerDir} when present.
   */
  public void write(Path dir, SafetensorsDtype dtype, long maxShardBytes) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    Files.createDirectories(absolute.getParent());
    Path temp =
        Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".tmp-");
    try {
      String torchDtype =
          switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
          };
      config.withTorchDtype(torchDtype).write(temp.resolve(Qwen2Config.FILE_NAME));
      writeWeights(temp, dtype, maxShardBytes);
      if (tokenizerDir.isPresent()) {
        for (String name : TOKENIZER_FILES) {
          Path source = tokenizerDir.get().resolve(name);
          if (Files.isRegularFile(source)) {
            Files.copy(source, temp.resolve(name));
          }
        }
      }
      if (Files.exists(absolute)) {
        deleteRecursively(absolute);
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(temp)) {
        deleteRecursively(temp);
      }
    }
  }

  private void writeWeights(Path dir, SafetensorsDtype dtype, long maxShardBytes)
      throws IOException {
    List<List<TensorValues>> shards = new ArrayList<>();
    List<TensorValues> current = new ArrayList<>();
    long currentBytes = 0;
    long totalBytes = 0;
    for (TensorValues tensor : tensors.values()) {
      long bytes = Math.multiplyExact(tensor.size(), dtype.bytes());
      if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
        shards.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(tensor);
      currentBytes += bytes;
      totalBytes += bytes;
    }
    shards.add(current);
    if (shards.size() == 1) {
      Safetensors.write(dir.resolve(WEIGHTS_FILE), current, dtype);
      return;
    }
    ObjectNode weightMap = ModelJson.object();
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
      Safetensors.write(dir.resolve(name), shards.get(i), dtype);
      shards.get(i).forEach(t -> weightMap.put(t.name(), name));
    }
    ObjectNode index = ModelJson.object();
    index.putObject("metadata").put("total_size", totalBytes);
    index.set("weight_map", weightMap);
    Files.writeString(
        dir.resolve(INDEX_FILE), ModelJson.pretty(index) + "\n", StandardCharsets.UTF_8);
  }

  private static void readShard(
      Path file, Map<String, TensorValues> tensors, Map<String, Path> sources) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file + ": missing weights file");
    }
    for (TensorValues tensor : Safetensors.read(file).values()) {
      if (tensors.put(tensor.name(), tensor) != null) {
        throw new CheckpointException(
            file
                + ": tensor '"
                + tensor.name()
                + "' also appears in "
                + sources.get(tensor.name()));
      }
      sources.put(tensor.name(), file);
    }
  }

  private static Map<String, String> readIndex(Path index) throws IOException {
    try {
      ObjectNode json = ModelJson.parseObject(Files.readString(index, StandardCharsets.UTF_8));
      JsonNode weightMap = json.get("weight_map");
      if (weightMap == null || weightMap.isNull()) {
        throw new CheckpointException(index + ": missing field 'weight_map'");
      }
      if (!weightMap.isObject()) {
        throw new IllegalStateException("field 'weight_map' is not an object: " + weightMap);
      }
      Map<String, String> result = new LinkedHashMap<>();
      weightMap
          .properties()
          .forEach(e -> result.put(e.getKey(), ModelJson.text(e.getValue(), e.getKey())));
      for (String shard : result.values()) {
        if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
          throw new CheckpointException(
              index + ": shard name '" + shard + "' is not a plain file name");
        }
      }
      return result;
    } catch (JsonProcessingException | IllegalStateException e) {
      throw new CheckpointException(index + ": bad index file: " + e.getMessage(), e);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(path);
        } catch (NoSuchFileException ignored) {
          // already gone: the goal state
        }
      }
    }
  }
}
