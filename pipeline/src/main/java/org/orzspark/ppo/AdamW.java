package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.orzspark.autograd.HostChunks;

/**
 * Adam with decoupled weight decay, PyTorch's {@code torch.optim.AdamW} formula, after global
 * gradient-norm clipping. For optimizer step t (1-based) with learning rate lr_t from the schedule:
 *
 * <pre>
 *   g   = grad * min(1, maxGradNorm / (||grad||_global + 1e-6))     (clip_grad_norm_)
 *   p   = p * (1 - lr_t * weightDecay)                              (decoupled decay)
 *   m   = m + (1 - beta1) * (g - m)
 *   v   = beta2 * v + (1 - beta2) * g^2
 *   p   = p - (lr_t / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * i.e. {@code p -= lr * m_hat / (sqrt(v_hat) + eps)}. DJL's built-in {@code Adam} instead computes
 * {@code lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)}, which puts eps outside the
 * bias correction: its effective eps is {@code eps / sqrt(1 - beta2^t)}, 4.5x PyTorch's at t = 1
 * with beta2 = 0.95 (AdamWTest checks both formulas against DJL and this class).
 *
 * <p>A step whose gradients are not all finite is refused: no parameter, moment or step count
 * changes, and the returned {@link Step} says why. The state (moments and step count) saves and
 * loads bit-exactly, so a resumed run continues as if never stopped.
 *
 * <p>Sizes are unbounded: a tensor is updated in stretches of {@link #stepChunk} values (bounded
 * temporaries, bit-identical results), and the state streams to and from its file a chunk at a
 * time.
 */
public final class AdamW implements AutoCloseable {
  private static final String STATE_MAGIC = "orz-spark AdamW state";

  /** Version 1 stored each moment as DJL's {@code NDArray.encode} bytes (under 2 GiB only). */
  private static final int ENCODED_VERSION = 1;

  private static final int STATE_VERSION = 2;

  /**
   * Values per stretch of a tensor's update: 4M (16 MiB per temporary). Package-private so tests
   * can force many stretches on tiny tensors.
   */
  static long stepChunk = 1 << 22;

  private final Config config;
  private final NDManager stateManager;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private long step;

  /**
   * @param config hyper-parameters
   * @param parent manager on the parameters' device; the moments live in a sub-manager of it
   */
  public AdamW(Config config, NDManager parent) {
    this.config = config;
    this.stateManager = parent.newSubManager();
  }

  /**
   * Hyper-parameters. ORZ: beta = (0.9, 0.95), eps = 1e-8, weight decay 0 (plain Adam), clip 1.0.
   *
   * @param maxGradNorm global L2 norm the gradients are clipped to; {@code <= 0} turns clipping off
   */
  public record Config(
      WarmupSchedule schedule,
      double beta1,
      double beta2,
      double epsilon,
      double weightDecay,
      double maxGradNorm)
      implements java.io.Serializable {
    public static final double BETA1_DEFAULT = 0.9;
    public static final double BETA2_DEFAULT = 0.95;
    public static final double EPSILON_DEFAULT = 1e-8;
    public static final double WEIGHT_DECAY_DEFAULT = 0;
    public static final double MAX_GRAD_NORM_DEFAULT = 1.0;

    public Config {
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException(
            "Invalid Adam betas: (" + beta1 + ", " + beta2 + "), each in [0, 1)");
      }
      if (!(epsilon > 0) || !(weightDecay >= 0) || Double.isNaN(maxGradNorm)) {
        throw new IllegalArgumentException(
            "Invalid Adam eps / weight decay / max grad norm: "
                + epsilon
                + " / "
                + weightDecay
                + " / "
                + maxGradNorm);
      }
    }

    /** ORZ's optimizer with the given learning-rate schedule. */
    public static Config orz(WarmupSchedule schedule) {
      return new Config(
          schedule,
          BETA1_DEFAULT,
          BETA2_DEFAULT,
          EPSILON_DEFAULT,
          WEIGHT_DECAY_DEFAULT,
          MAX_GRAD_NORM_DEFAULT);
    }
  }

  /**
   * What one call of {@link #step} did.
   *
   * @param applied false when the step was refused (nothing changed)
   * @param refusal why it was refused, null when applied
   * @param step the optimizer step count after the call
   * @param learningRate the learning rate used (or that would have been used)
   * @param gradNorm global gradient norm before clipping
   */
  public record Step(
      boolean applied, String refusal, long step, double learningRate, double gradNorm) {}

  public Config config() {
    return config;
  }

  /** Optimizer steps taken so far. */
  public long stepCount() {
    return step;
  }

  /** Applies one step from the gradients currently held by {@code params}. */
  public Step step(ParameterList params) {
    return step(params, Gradients.globalNorm(params));
  }

  /**
   * Applies one step from the gradients currently held by {@code params}, whose global norm is
   * {@code norm} (computed where the gradients were summed, see {@link Gradients#allReduce}).
   */
  public Step step(ParameterList params, double norm) {
    List<Pair<String, NDArray>> trainable = Gradients.trainable(params);
    long t = step + 1;
    double lr = config.schedule().learningRate(t);
    if (!Double.isFinite(norm)) {
      return new Step(false, "non-finite gradient (global norm " + norm + ")", step, lr, norm);
    }
    for (Pair<String, NDArray> p : trainable) {
      NDArray m = firstMoments.get(p.getKey());
      if (step > 0 && (m == null || !m.getShape().equals(p.getValue().getShape()))) {
        throw new IllegalStateException(
            "Optimizer state does not fit parameter "
                + p.getKey()
                + " "
                + p.getValue().getShape()
                + ": moments "
                + (m == null ? "missing" : m.getShape())
                + " (state of another model?)");
      }
    }
    StepScalars scalars = StepScalars.of(config, t, norm);
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      for (Pair<String, NDArray> p : trainable) {
        NDArray param = p.getValue();
        NDArray m = firstMoments.computeIfAbsent(p.getKey(), k -> moment(param));
        NDArray v = secondMoments.computeIfAbsent(p.getKey(), k -> moment(param));
        try (NDManager scope = param.getManager().newSubManager()) {
          NDArray grad = Gradients.gradient(param, scope);
          // Flat views of the tensors' storage, owned by the scope like the temporaries below.
          scope.tempAttachAll(param, m, v);
          update(
              config,
              scalars,
              param.reshape(-1),
              grad.reshape(-1),
              m.reshape(-1),
              v.reshape(-1),
              scope);
        }
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    step = t;
    return new Step(true, null, step, scalars.lr(), norm);
  }

  /**
   * The scalars of optimizer step t: the clip factor from the global norm, the learning rate, the
   * step size {@code lr / (1 - beta1^t)} and {@code sqrt(1 - beta2^t)}, all in double.
   */
  record StepScalars(double clip, double lr, double stepSize, double biasCorrection2Sqrt) {
    static StepScalars of(Config config, long t, double norm) {
      double lr = config.schedule().learningRate(t);
      double clip =
          config.maxGradNorm() > 0 ? Math.min(1.0, config.maxGradNorm() / (norm + 1e-6)) : 1.0;
      return new StepScalars(
          clip,
          lr,
          lr / (1 - Math.pow(config.beta1(), t)),
          Math.sqrt(1 - Math.pow(config.beta2(), t)));
    }
  }

  /**
   * Updates flat (1-D) parameter values {@code p} and moments {@code m}, {@code v} in place from
   * gradient {@code g}, in stretches of {@link #stepChunk} values (bounded temporaries): the whole
   * tensor of a replicated step, or a replica's shard of a sharded one. Element-wise, so any cut
   * into stretches or shards leaves every result bit-identical.
   */
  static void update(
      Config config, StepScalars s, NDArray p, NDArray g, NDArray m, NDArray v, NDManager scope) {
    long size = p.size();
    for (long from = 0; from < size; from += stepChunk) {
      NDIndex range = new NDIndex("{}:{}", from, Math.min(size, from + stepChunk));
      try (NDManager chunk = scope.newSubManager()) {
        // Slices are views: in-place updates land in the parameter and the moments.
        chunk.tempAttachAll(p, g, m, v);
        update(config, s, p.get(range), g.get(range), m.get(range), v.get(range));
      }
    }
  }

  /**
   * The update of one stretch, in place on views of its parameter values {@code p} and moments
   * {@code m}, {@code v}, from its gradient {@code g}. StepScalars are computed in double and
   * applied as float, as PyTorch's fp32 kernels do; four temporaries of the stretch's size.
   */
  private static void update(
      Config config, StepScalars s, NDArray p, NDArray g, NDArray m, NDArray v) {
    if (s.clip() < 1.0) {
      g.muli((float) s.clip());
    }
    if (config.weightDecay() > 0) {
      p.muli((float) (1 - s.lr() * config.weightDecay()));
    }
    m.addi(g.sub(m).muli((float) (1 - config.beta1())));
    v.muli((float) config.beta2()).addi(g.square().muli((float) (1 - config.beta2())));
    NDArray denom = v.sqrt().divi((float) s.biasCorrection2Sqrt()).addi((float) config.epsilon());
    p.subi(m.div(denom).muli((float) s.stepSize()));
  }

  private NDArray moment(NDArray param) {
    return stateManager.zeros(param.getShape(), param.getDataType(), param.getDevice());
  }

  /**
   * Writes the step count and every moment to {@code out}: per moment its shape, then its float32
   * values little-endian, streamed a chunk at a time (no moment is ever copied whole to Java).
   */
  public void save(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeUTF(STATE_MAGIC);
    data.writeInt(STATE_VERSION);
    data.writeLong(step);
    data.writeInt(firstMoments.size());
    for (Map.Entry<String, NDArray> e : firstMoments.entrySet()) {
      data.writeUTF(e.getKey());
      writeArray(data, e.getValue());
      writeArray(data, secondMoments.get(e.getKey()));
    }
    data.flush();
  }

  /**
   * Replaces this optimizer's state with one written by {@link #save}, or by the version-1 format
   * of earlier releases (each moment in DJL's {@code NDArray.encode} bytes).
   */
  public void load(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int version = readVersion(data, true);
    long loadedStep = data.readLong();
    int n = data.readInt();
    Map<String, NDArray> m = new LinkedHashMap<>();
    Map<String, NDArray> v = new LinkedHashMap<>();
    try {
      for (int i = 0; i < n; i++) {
        String name = data.readUTF();
        m.put(name, version == ENCODED_VERSION ? readEncoded(data) : readArray(data));
        v.put(name, version == ENCODED_VERSION ? readEncoded(data) : readArray(data));
      }
    } catch (IOException | RuntimeException e) {
      m.values().forEach(NDArray::close);
      v.values().forEach(NDArray::close);
      throw e;
    }
    replaceState(m, v, loadedStep);
  }

  /** Closes the current moments and takes {@code m}, {@code v} and {@code loadedStep} instead. */
  private void replaceState(Map<String, NDArray> m, Map<String, NDArray> v, long loadedStep) {
    firstMoments.values().forEach(NDArray::close);
    secondMoments.values().forEach(NDArray::close);
    firstMoments.clear();
    secondMoments.clear();
    firstMoments.putAll(m);
    secondMoments.putAll(v);
    step = loadedStep;
  }

  private static void writeArray(DataOutputStream data, NDArray array) throws IOException {
    long[] shape = array.getShape().getShape();
    data.writeInt(shape.length);
    for (long dim : shape) {
      data.writeLong(dim);
    }
    FlatMoments.write(data, array);
  }

  /**
   * Streams a state written by {@link #save} as flat moments: each tensor's values go to {@code
   * visitor} at the flat index {@code offsets} gives its name (the model's {@link Gradients}
   * order).
   *
   * @return the state's step count
   */
  static long readFlat(InputStream in, Map<String, Long> offsets, FlatMoments.Visitor visitor)
      throws IOException {
    DataInputStream data = new DataInputStream(in);
    readVersion(data, false);
    long loadedStep = data.readLong();
    int n = data.readInt();
    for (int i = 0; i < n; i++) {
      String name = data.readUTF();
      Long offset = offsets.get(name);
      if (offset == null) {
        throw new IOException("Optimizer state has moments of " + name + ", not in the model");
      }
      for (int kind : new int[] {FlatMoments.FIRST, FlatMoments.SECOND}) {
        FlatMoments.read(data, new Shape(readShape(data)).size(), kind, offset, visitor);
      }
    }
    return loadedStep;
  }

  /**
   * Replaces this optimizer's state with the flat moments of {@code states} (the shard files of a
   * sharded optimizer, of any replica count): each trainable parameter of {@code params} gets the
   * values of its flat range.
   */
  public void loadShards(ParameterList params, List<InputStream> states) throws IOException {
    Map<String, NDArray> m = new LinkedHashMap<>();
    Map<String, NDArray> v = new LinkedHashMap<>();
    List<FlatMoments.Target> targets = new ArrayList<>();
    long from = 0;
    for (Pair<String, NDArray> p : Gradients.trainable(params)) {
      NDArray first = moment(p.getValue());
      NDArray second = moment(p.getValue());
      m.put(p.getKey(), first);
      v.put(p.getKey(), second);
      long size = p.getValue().size();
      targets.add(
          new FlatMoments.Target(from, from + size, 0, new NDArray[] {first, second, null}));
      from += size;
    }
    long loadedStep = ShardedAdamW.readAll(states, from, FlatMoments.into(targets));
    replaceState(m, v, loadedStep);
  }

  /**
   * Reads and checks a state's magic and version: {@link #STATE_VERSION}, or also {@link
   * #ENCODED_VERSION} where {@code encoded} (a version-1 state loads unsharded only).
   */
  private static int readVersion(DataInputStream data, boolean encoded) throws IOException {
    String magic = data.readUTF();
    int version = data.readInt();
    if (!STATE_MAGIC.equals(magic)
        || (version != STATE_VERSION && !(encoded && version == ENCODED_VERSION))) {
      throw new IOException(
          "Not an AdamW state (version "
              + (encoded ? ENCODED_VERSION + " or " : "")
              + STATE_VERSION
              + "): "
              + magic
              + " v"
              + version);
    }
    return version;
  }

  private static long[] readShape(DataInputStream data) throws IOException {
    int rank = data.readInt();
    if (rank < 0 || rank > 32) {
      throw new IOException("Corrupt AdamW state: rank " + rank);
    }
    long[] shape = new long[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = data.readLong();
      if (shape[i] < 0) {
        throw new IOException("Corrupt AdamW state: shape " + Arrays.toString(shape));
      }
    }
    return shape;
  }

  private NDArray readArray(DataInputStream data) throws IOException {
    long[] shape = readShape(data);
    NDArray array = stateManager.create(new Shape(shape), DataType.FLOAT32);
    ByteBuffer bytes = littleEndian(array.size());
    try {
      HostChunks.fill(
          array,
          into -> {
            int n = into.remaining();
            data.readFully(bytes.array(), 0, n * Float.BYTES);
            into.put(bytes.clear().limit(n * Float.BYTES).asFloatBuffer());
          });
    } catch (EOFException e) {
      array.close();
      throw new IOException("Corrupt AdamW state: truncated array", e);
    }
    return array;
  }

  /** A heap buffer for one chunk of at most {@code size} floats, little-endian. */
  private static ByteBuffer littleEndian(long size) {
    int floats = (int) Math.min(HostChunks.chunkFloats(), Math.max(size, 1));
    return ByteBuffer.allocate(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A moment of a version-1 state: its length, then DJL's encoding of the array. */
  private NDArray readEncoded(DataInputStream data) throws IOException {
    int len = data.readInt();
    if (len < 0) {
      throw new IOException("Corrupt AdamW state: negative array length " + len);
    }
    byte[] bytes = data.readNBytes(len);
    if (bytes.length != len) {
      throw new IOException("Corrupt AdamW state: truncated array");
    }
    return NDArray.decode(stateManager, bytes);
  }

  @Override
  public void close() {
    stateManager.close();
  }
}
