package org.orzspark.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.jobs.OverwriteOption;
import org.orzspark.jobs.train.CheckpointOption;
import org.orzspark.jobs.train.EvaluateCommand;
import org.orzspark.model.CriticModel;
import org.orzspark.model.HostTensor;
import org.orzspark.model.ModelCheckpoint;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.Qwen2Decoder;
import org.orzspark.model.SafetensorsDtype;
import org.orzspark.model.TensorValues;
import org.orzspark.run.CheckpointCache;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.EvalTable;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;
import org.orzspark.stages.RolloutSettings;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz export}: one checkpoint of a run as a folder that transformers ({@code
 * AutoModelForCausalLM.from_pretrained}) and vLLM ({@code vllm serve}) load as it is: the policy
 * alone, in Hugging Face layout, in the chosen dtype, sharded as transformers shards; the ORZ
 * sampling in {@code generation_config.json}; the tokenizer files; a model card. With {@code
 * --critic} the value model goes to {@code critic/} as a {@code Qwen2ForTokenClassification}.
 *
 * <p>The folder is written atomically ({@link AtomicOutput}): a reader sees all of it, with {@code
 * _SUCCESS}, or nothing. Needs no Spark.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "A checkpoint's policy as a Hugging Face model folder for transformers and vLLM "
            + "(sharded safetensors, generation config with the ORZ stop strings, tokenizer, model "
            + "card); --critic adds the value model.")
public final class ExportCommand implements Callable<Integer> {
  public static final String POLICY = "policy";
  public static final String CRITIC = "critic";
  public static final String MODEL_CARD = "README.md";
  public static final String GENERATION_CONFIG = "generation_config.json";

  /** The weights' dtype in the export, by the names users write. */
  public enum Dtype {
    BF16(SafetensorsDtype.BF16, "bfloat16"),
    FP16(SafetensorsDtype.F16, "float16"),
    FP32(SafetensorsDtype.F32, "float32");

    final SafetensorsDtype file;
    final String torch;

    Dtype(SafetensorsDtype file, String torch) {
      this.file = file;
      this.torch = torch;
    }
  }

  @Option(names = "--run-dir", required = true, description = "The run whose checkpoint to export.")
  String runDir;

  @Mixin CheckpointOption checkpoint = new CheckpointOption();

  @Option(
      names = "--dtype",
      defaultValue = "bf16",
      description =
          "Weight dtype: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; training "
              + "keeps fp32).")
  Dtype dtype;

  @Option(
      names = "--critic",
      description = "Also export the critic into DIR/critic/ (default: ${DEFAULT-VALUE}).")
  boolean critic;

  @Option(
      names = "--max-shard-size",
      defaultValue = ShardSize.DEFAULT,
      description =
          "Largest safetensors shard, as transformers' max_shard_size: bytes, KB/MB/GB or "
              + "KiB/MiB/GiB (default: ${DEFAULT-VALUE}); one file when everything fits.")
  String maxShardSize;

  @Option(names = "--output", required = true, description = "The model folder to write (local).")
  Path output;

  @Mixin OverwriteOption overwrite = new OverwriteOption();

  /**
   * What was exported.
   *
   * @param checkpoint the checkpoint's iteration
   * @param folder the export
   * @param shards safetensors files of the policy
   * @param weightBytes bytes of the policy's tensors (the index's {@code total_size})
   */
  public record Result(int checkpoint, Path folder, int shards, long weightBytes) {}

  @Override
  public Integer call() throws Exception {
    Stopwatch watch = Stopwatch.start();
    Result result = run();
    System.out.printf(
        Locale.ROOT,
        "export: checkpoint %d of %s -> %s (%s, %d shard(s), %.1f MB of weights%s) in %.1f s%n",
        result.checkpoint(),
        runDir,
        result.folder(),
        dtype.torch,
        result.shards(),
        result.weightBytes() / 1e6,
        critic ? "; critic in critic/" : "",
        watch.seconds());
    return 0;
  }

  /** Checks the caller's inputs before any work, then writes the export. */
  public Result run() throws IOException {
    long maxShardBytes = ShardSize.parse(maxShardSize);
    RunStore store = RunStore.open(runDir);
    RunLayout layout = store.layout();
    if (!store.exists(layout.runJson())) {
      throw new IllegalArgumentException("no run in " + runDir + " (run.json missing)");
    }
    RunConfig config = RunConfig.read(store);
    Path target = output.toAbsolutePath().normalize();
    // A URI, not a bare path: a site core-site.xml may make another file system the default.
    try (AtomicOutput out =
        AtomicOutput.begin(localFiles(), target.toUri().toString(), overwrite.requested())) {
      CheckpointStore.Verdict verdict = checkpoint(store);
      // The checkpoint as local files: in place on a local run, else a verified cached copy.
      Path checkpointFolder = CheckpointCache.local(verdict.folder().toString());
      Path temp = Path.of(new org.apache.hadoop.fs.Path(out.temp()).toUri());
      Optional<Set<PosixFilePermission>> folderAccess = access(temp);
      ModelCheckpoint policy = policy(checkpointFolder.resolve(POLICY));
      policy.write(temp, dtype.file, maxShardBytes);
      Files.writeString(
          temp.resolve(GENERATION_CONFIG),
          ExportFiles.JSON
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(
                      ExportFiles.generationConfig(
                          policy.config(), RolloutSettings.Sampling.from(config)))
              + "\n");
      if (critic) {
        writeCritic(checkpointFolder.resolve(CRITIC), temp.resolve(CRITIC), maxShardBytes);
      }
      Files.writeString(
          temp.resolve(MODEL_CARD),
          ExportFiles.modelCard(
              new ExportFiles.Card(
                  layout.root().getName(),
                  verdict.iteration(),
                  config,
                  dtype.torch,
                  critic,
                  evaluations(store, verdict.iteration()))));
      // ModelCheckpoint.write's folders are private temporary ones; a model folder is shared
      // (a serving user reads it) as any new folder here is.
      if (folderAccess.isPresent()) {
        Files.setPosixFilePermissions(temp, folderAccess.get());
        if (critic) {
          Files.setPosixFilePermissions(temp.resolve(CRITIC), folderAccess.get());
        }
      }
      out.commit();
      long bytes = 0;
      for (TensorValues tensor : policy.tensors().values()) {
        bytes += tensor.size() * dtype.file.bytes();
      }
      try (Stream<Path> files = Files.list(target)) {
        int shards = (int) files.filter(f -> f.toString().endsWith(".safetensors")).count();
        return new Result(verdict.iteration(), target, shards, bytes);
      }
    }
  }

  /** The POSIX permissions of {@code folder}, where the file system has them. */
  private static Optional<Set<PosixFilePermission>> access(Path folder) throws IOException {
    return Files.getFileStore(folder).supportsFileAttributeView(PosixFileAttributeView.class)
        ? Optional.of(Files.getPosixFilePermissions(folder))
        : Optional.empty();
  }

  /**
   * Hadoop's raw local file system, not cached: the export is a folder of plain files, without the
   * {@code .crc} companions the checksummed local file system would add for each.
   */
  private static Configuration localFiles() {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", RawLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  /** {@code --checkpoint}'s checkpoint, or the latest complete one; refused when not usable. */
  private CheckpointStore.Verdict checkpoint(RunStore runStore) throws IOException {
    return new CheckpointStore(runStore).usable(checkpoint.iteration());
  }

  /** The causal LM's tensors of a checkpoint's policy, in Hugging Face's order, shapes checked. */
  private static ModelCheckpoint policy(Path folder) throws IOException {
    ModelCheckpoint read = ModelCheckpoint.read(folder);
    return select(read, PolicyModel.shapes(read.config()));
  }

  /**
   * The critic as {@code Qwen2ForTokenClassification}: the decoder, {@code score.weight [1, H]} and
   * the zero {@code score.bias [1]} that class's {@code nn.Linear(hidden, num_labels)} has.
   */
  private void writeCritic(Path from, Path to, long maxShardBytes) throws IOException {
    ModelCheckpoint read = ModelCheckpoint.read(from);
    Qwen2Config c = read.config();
    Map<String, long[]> shapes = new LinkedHashMap<>(Qwen2Decoder.shapes(c));
    shapes.put(CriticModel.VALUE_HEAD, new long[] {1, c.hiddenSize()});
    ModelCheckpoint selected = select(read, shapes);
    Map<String, TensorValues> tensors = new LinkedHashMap<>(selected.tensors());
    tensors.put(
        ExportFiles.VALUE_BIAS,
        new HostTensor(ExportFiles.VALUE_BIAS, new long[] {1}, new float[1]));
    new ModelCheckpoint(c, tensors, selected.sources(), selected.tokenizerDir())
        .write(to, dtype.file, maxShardBytes);
    Path configFile = to.resolve(Qwen2Config.FILE_NAME);
    ObjectNode config = (ObjectNode) ExportFiles.JSON.readTree(configFile.toFile());
    Files.writeString(
        configFile,
        ExportFiles.JSON
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(ExportFiles.criticConfig(config))
            + "\n");
  }

  private static ModelCheckpoint select(ModelCheckpoint read, Map<String, long[]> shapes)
      throws IOException {
    Map<String, TensorValues> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> entry : shapes.entrySet()) {
      tensors.put(entry.getKey(), read.require(entry.getKey(), entry.getValue()));
    }
    return new ModelCheckpoint(read.config(), tensors, read.sources(), read.tokenizerDir());
  }

  /** The figures {@code orz evaluate} stored for {@code checkpoint}, by benchmark name. */
  private static List<ExportFiles.Evaluation> evaluations(RunStore store, int checkpoint)
      throws IOException {
    org.apache.hadoop.fs.Path folder = store.layout().eval(checkpoint);
    List<ExportFiles.Evaluation> evaluations = new ArrayList<>();
    if (!store.isDirectory(folder)) {
      return evaluations;
    }
    String prefix = EvalTable.BENCHMARK + "=";
    List<org.apache.hadoop.fs.Path> benchmarks =
        store.list(folder).stream().map(FileStatus::getPath).sorted().toList();
    for (org.apache.hadoop.fs.Path benchmark : benchmarks) {
      org.apache.hadoop.fs.Path result =
          new org.apache.hadoop.fs.Path(benchmark, EvaluateCommand.RESULT_FILE);
      String name = benchmark.getName();
      if (!name.startsWith(prefix)
          || !store.exists(result)
          || !AtomicOutput.isComplete(store.fs().getConf(), benchmark.toString())) {
        continue;
      }
      Map<String, Double> figures = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e :
          ExportFiles.JSON.readTree(store.read(result)).properties()) {
        figures.put(e.getKey(), e.getValue().asDouble());
      }
      evaluations.add(new ExportFiles.Evaluation(name.substring(prefix.length()), figures));
    }
    return evaluations;
  }
}
