package org.orzspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.orzspark.autograd.HostChunks;

/**
 * A Qwen2 decoder plus a head, stored as a Hugging Face-layout directory. Subclasses: {@link
 * PolicyModel} (LM head) and {@link CriticModel} (value head). The model owns a child of the
 * manager it was created on; {@link #close()} frees its parameters.
 */
public abstract class Qwen2Model implements AutoCloseable {
  private final Qwen2Decoder decoder;
  private Optional<Path> tokenizerDir;

  Qwen2Model(Qwen2Decoder decoder, Optional<Path> tokenizerDir) {
    this.decoder = decoder;
    this.tokenizerDir = tokenizerDir;
  }

  public Qwen2Config config() {
    return decoder.config();
  }

  /** Every trainable parameter by Hugging Face name, in the order the checkpoint stores them. */
  public ParameterList parameters() {
    return decoder.parameters();
  }

  public Qwen2Decoder decoder() {
    return decoder;
  }

  /** The directory whose {@code tokenizer.json} (and companions) {@link #save} copies, if any. */
  public Optional<Path> tokenizerDir() {
    return tokenizerDir;
  }

  public void setTokenizerDir(Path dir) {
    this.tokenizerDir = Optional.of(dir);
  }

  /**
   * The current weights as a checkpoint whose tensors read the live parameters chunk by chunk
   * (nothing is copied until it is written, and it sees later updates).
   */
  public ModelCheckpoint toCheckpoint() {
    Map<String, TensorValues> tensors = new LinkedHashMap<>();
    for (Pair<String, Parameter> entry : parameters()) {
      tensors.put(entry.getKey(), new EngineTensor(entry.getKey(), entry.getValue().getArray()));
    }
    return new ModelCheckpoint(config(), tensors, Map.of(), tokenizerDir);
  }

  /** Writes config, float32 weights and tokenizer files to {@code dir}, atomically. */
  public void save(Path dir) throws IOException {
    toCheckpoint().write(dir);
  }

  /** Writes config, weights in {@code dtype} and tokenizer files to {@code dir}, atomically. */
  public void save(Path dir, SafetensorsDtype dtype) throws IOException {
    toCheckpoint().write(dir, dtype, ModelCheckpoint.DEFAULT_MAX_SHARD_BYTES);
  }

  /**
   * Writes every parameter in float32 to one safetensors {@code file}: the master weights beside a
   * checkpoint whose weights are rounded (see {@link CheckpointDtype}).
   */
  public void writeMasters(Path file) throws IOException {
    Safetensors.write(file, toCheckpoint().tensors().values(), SafetensorsDtype.F32);
  }

  /**
   * Overwrites every parameter with its float32 values from {@code file} (written by {@link
   * #writeMasters}), a chunk at a time.
   */
  public void readMasters(Path file) throws IOException {
    Map<String, TensorValues> masters = Safetensors.read(file);
    for (Pair<String, Parameter> entry : parameters()) {
      TensorValues values = masters.get(entry.getKey());
      NDArray array = entry.getValue().getArray();
      if (values == null || values.size() != array.size()) {
        throw new CheckpointException(
            file + ": no master weights of shape " + array.getShape() + " for " + entry.getKey());
      }
      try (TensorValues.Reader reader = values.open()) {
        HostChunks.fill(array, reader::read);
      }
    }
  }

  /** Creates the parameter {@code name} from {@code checkpoint} (shape checked). */
  final NDArray addHead(ModelCheckpoint checkpoint, String name, long[] shape)
      throws CheckpointException {
    return decoder.addParameter(checkpoint.require(name, shape));
  }

  static Qwen2Decoder decoder(ModelCheckpoint checkpoint, NDManager parent, DataType dtype)
      throws CheckpointException {
    return new Qwen2Decoder(checkpoint, parent, dtype);
  }

  /**
   * A head's output in float32 (logits, values), its matmul in the compute dtype: {@code head}
   * (stored weights) applied to hidden states [..., H].
   */
  final NDArray headOutput(NDArray hidden, NDArray head) {
    return Qwen2Decoder.castTo(Linear.linear(hidden, head).singletonOrThrow(), DataType.FLOAT32);
  }

  @Override
  public void close() {
    decoder.close();
  }
}
