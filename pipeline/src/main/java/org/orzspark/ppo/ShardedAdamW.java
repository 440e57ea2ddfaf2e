package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.orzspark.autograd.HostChunks;

/**
 * {@link AdamW} sharded over the replicas (ZeRO-1/2 style): each of K replicas keeps the Adam
 * moments of its own 1/K of the parameters ({@link ShardLayout}), and at every step
 *
 * <ol>
 *   <li>the gradients are reduce-scattered, bucket by bucket, so a replica receives the sums of its
 *       own segments only, into a gradient shard;
 *   <li>the owners' per-segment norms and the extras (the loss) travel in one small all-reduce, so
 *       every replica knows the global norm and takes the same decision on a non-finite step;
 *   <li>each replica updates its shard of the fp32 parameters (the master weights) and moments with
 *       AdamW's own element-wise update;
 *   <li>the updated shards are all-gathered into every replica's parameters.
 * </ol>
 *
 * <p>The result equals a replicated AdamW after an all-reduce bit for bit: the reduce-scatter sums
 * each segment in the all-reduce's order, the norm is combined from the same per-segment norms in
 * the same order ({@link Gradients#allReduce}), and the update is element-wise.
 *
 * <p>State: each replica saves its shard to a file of its own ({@link #save}); {@link #load} reads
 * the shard files of any replica count, or a replicated state, and keeps what this replica owns, so
 * a run resumes with another K.
 */
public final class ShardedAdamW implements ReplicaOptimizer, AutoCloseable {
  private static final String MAGIC = "orz-spark AdamW shard";
  private static final int VERSION = 1;

  private final AdamW.Config config;
  private final ParameterList params;
  private final ShardCollective collective;
  private final ShardLayout layout;
  private final List<ShardLayout.Range> owned;
  private final NDManager state;
  private final NDArray firstMoment;
  private final NDArray secondMoment;

  /** This replica's summed gradient values, valid from {@link #reduce} to {@link #step}. */
  private final NDArray gradient;

  private long step;
  private boolean savesMasters;

  /**
   * @param params the model's parameters (their trainable count fixes the layout)
   * @param extras scalars reduced with every step's gradients (the loss: 1)
   * @param parent manager on the parameters' device; the shard lives in a sub-manager of it
   */
  public ShardedAdamW(
      AdamW.Config config,
      NDManager parent,
      ParameterList params,
      int extras,
      ShardCollective collective) {
    this.config = config;
    this.params = params;
    this.collective = collective;
    this.layout =
        ShardLayout.of(Gradients.size(params), extras, collective.worldSize(), collective.rank());
    this.owned = layout.owned();
    this.state = parent.newSubManager();
    Shape shape = new Shape(layout.shardSize());
    this.firstMoment = state.zeros(shape, DataType.FLOAT32);
    this.secondMoment = state.zeros(shape, DataType.FLOAT32);
    this.gradient = state.zeros(shape, DataType.FLOAT32);
  }

  public ShardLayout layout() {
    return layout;
  }

  /**
   * Makes {@link #save} also write this replica's shard of the fp32 master weights (the parameters'
   * owned values), for a checkpoint whose weights are rounded ({@code checkpoint.dtype=bf16});
   * {@link #restoreMasters} puts them back.
   */
  public ShardedAdamW savingMasters(boolean masters) {
    this.savesMasters = masters;
    return this;
  }

  @Override
  public AdamW.Config config() {
    return config;
  }

  @Override
  public long stepCount() {
    return step;
  }

  @Override
  public long stateBytes(ParameterList params) {
    return 2L * Float.BYTES * layout.shardSize();
  }

  @Override
  public double reduce(ParameterList params, float[] extras) {
    if (extras.length != layout.extras()) {
      throw new IllegalArgumentException(
          "Expected " + layout.extras() + " extras, got " + extras.length);
    }
    int ranks = layout.ranks();
    int rank = layout.rank();
    float[] scalars = new float[layout.buckets() * ranks + extras.length];
    ByteBuffer bucket = HostChunks.buffer(layout.bucket());
    FloatBuffer floats = bucket.asFloatBuffer();
    long gradients = layout.gradients();
    int next = 0;
    for (int b = 0; b < layout.buckets(); b++) {
      long from = layout.bucketStart(b);
      int n = layout.bucketLength(b);
      int fromGradients = Gradients.fillBucket(params, extras, layout, b, floats);
      collective.reduceScatter(floats.slice(0, n));
      long[] segment = layout.gradientSegment(b, rank);
      int at = (int) (segment[0] - from);
      int count = (int) (segment[1] - segment[0]);
      scalars[b * ranks + rank] = Gradients.segmentNorm(floats.slice(at, count));
      if (count > 0) {
        HostChunks.set(
            gradient,
            owned.get(next++).offset(),
            bucket.slice(at * Float.BYTES, count * Float.BYTES));
      }
      // Owned extras: every other replica contributes 0, so the sum below is exactly the value.
      int ownedTo = ShardCollective.segmentStart(n, ranks, rank + 1);
      for (int i = Math.max(fromGradients, ShardCollective.segmentStart(n, ranks, rank));
          i < ownedTo;
          i++) {
        scalars[layout.buckets() * ranks + (int) (from + i - gradients)] = floats.get(i);
      }
    }
    collective.sum(FloatBuffer.wrap(scalars));
    System.arraycopy(scalars, layout.buckets() * ranks, extras, 0, extras.length);
    return Gradients.combineNorms(Arrays.copyOf(scalars, layout.buckets() * ranks));
  }

  @Override
  public AdamW.Step step(ParameterList params, double norm) {
    long t = step + 1;
    double lr = config.schedule().learningRate(t);
    if (!Double.isFinite(norm)) {
      return new AdamW.Step(
          false, "non-finite gradient (global norm " + norm + ")", step, lr, norm);
    }
    AdamW.StepScalars scalars = AdamW.StepScalars.of(config, t, norm);
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager scope = state.newSubManager()) {
      NDArray master = scope.create(new Shape(layout.shardSize()), DataType.FLOAT32);
      copyOwned(params, master);
      scope.tempAttachAll(firstMoment, secondMoment, gradient);
      AdamW.update(config, scalars, master, gradient, firstMoment, secondMoment, scope);
      gather(params, master);
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    step = t;
    return new AdamW.Step(true, null, step, lr, norm);
  }

  /** Copies the owned stretches of the parameters into the 1-D {@code shard}. */
  private void copyOwned(ParameterList params, NDArray shard) {
    ByteBuffer staging = HostChunks.buffer(HostChunks.chunkFloats());
    for (ShardLayout.Range range : owned) {
      for (long at = range.from(); at < range.to(); ) {
        int n = (int) Math.min(HostChunks.chunkFloats(), range.to() - at);
        FloatBuffer floats = staging.clear().asFloatBuffer().limit(n);
        Gradients.readParameters(params, at, floats);
        HostChunks.set(shard, range.offset() + at - range.from(), staging.limit(n * Float.BYTES));
        at += n;
      }
    }
  }

  /**
   * Writes every replica's {@code shard} (1-D, its owned stretches) into every replica's
   * parameters: one all-gather per bucket.
   */
  private void gather(ParameterList params, NDArray shard) {
    ByteBuffer bucket = HostChunks.buffer(layout.bucket());
    FloatBuffer floats = bucket.asFloatBuffer();
    int next = 0;
    for (int b = 0; b < layout.buckets(); b++) {
      long from = layout.bucketStart(b);
      int n = layout.bucketLength(b);
      int fromGradients = (int) Math.max(0, Math.min(n, layout.gradients() - from));
      long[] segment = layout.gradientSegment(b, layout.rank());
      int count = (int) (segment[1] - segment[0]);
      floats.clear();
      if (count > 0) {
        HostChunks.get(
            shard, owned.get(next++).offset(), floats.slice((int) (segment[0] - from), count));
      }
      collective.allGather(floats.slice(0, n));
      if (fromGradients > 0) {
        Gradients.writeParameters(params, from, bucket.slice(0, fromGradients * Float.BYTES));
      }
    }
  }

  /**
   * Writes this replica's shard: the step count, the model's trainable count, the owned flat
   * ranges, whether master weights follow, then the first and the second moment of every range (and
   * the masters), float32 little-endian.
   */
  @Override
  public void save(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeUTF(MAGIC);
    data.writeInt(VERSION);
    data.writeLong(step);
    data.writeLong(layout.gradients());
    data.writeInt(owned.size());
    for (ShardLayout.Range range : owned) {
      data.writeLong(range.from());
      data.writeLong(range.to());
    }
    data.writeBoolean(savesMasters);
    FlatMoments.write(data, firstMoment);
    FlatMoments.write(data, secondMoment);
    if (savesMasters) {
      try (NDManager scope = state.newSubManager()) {
        NDArray master = scope.create(new Shape(layout.shardSize()), DataType.FLOAT32);
        copyOwned(params, master);
        FlatMoments.write(data, master);
      }
    }
    data.flush();
  }

  /**
   * Overwrites {@code params} with the fp32 master weights that the shard files of a sharded state
   * (of any replica count) hold, when they hold them.
   *
   * @return whether the shards held master weights
   */
  public static boolean restoreMasters(ParameterList params, List<InputStream> shards)
      throws IOException {
    List<FlatMoments.Target> targets = new ArrayList<>();
    long from = 0;
    for (Pair<String, NDArray> p : Gradients.trainable(params)) {
      long size = p.getValue().size();
      targets.add(
          new FlatMoments.Target(from, from + size, 0, new NDArray[] {null, null, p.getValue()}));
      from += size;
    }
    FlatMoments.Visitor into = FlatMoments.into(targets);
    long[] masters = {0};
    readAll(
        shards,
        from,
        (kind, at, values) -> {
          if (kind == FlatMoments.MASTER) {
            masters[0] += values.remaining();
            into.values(kind, at, values);
          }
        });
    return masters[0] > 0;
  }

  /**
   * Replaces this replica's state with its part of a saved one: the shard files of a sharded state
   * of any replica count ({@code shards}, all of them), or else the replicated {@link AdamW} state
   * {@code replicated} (version 2) of the same model.
   */
  public void load(ParameterList params, List<InputStream> shards, InputStream replicated)
      throws IOException {
    List<FlatMoments.Target> targets = new ArrayList<>();
    for (ShardLayout.Range range : owned) {
      targets.add(
          new FlatMoments.Target(
              range.from(),
              range.to(),
              range.offset(),
              new NDArray[] {firstMoment, secondMoment, null}));
    }
    FlatMoments.Visitor into = FlatMoments.into(targets);
    if (!shards.isEmpty()) {
      step = readAll(shards, layout.gradients(), into);
      return;
    }
    Map<String, Long> offsets = new LinkedHashMap<>();
    long from = 0;
    for (Pair<String, NDArray> p : Gradients.trainable(params)) {
      offsets.put(p.getKey(), from);
      from += p.getValue().size();
    }
    step = AdamW.readFlat(replicated, offsets, into);
  }

  /**
   * Streams the shard files of one sharded state (of any replica count) to {@code visitor}; they
   * must agree on the step count and the model's size, and cover every value exactly once.
   *
   * @return the step count
   */
  static long readAll(List<InputStream> shards, long gradients, FlatMoments.Visitor visitor)
      throws IOException {
    long loadedStep = -1;
    long covered = 0;
    for (InputStream in : shards) {
      DataInputStream data = new DataInputStream(in);
      String magic = data.readUTF();
      int version = data.readInt();
      if (!MAGIC.equals(magic) || version != VERSION) {
        throw new IOException("Not an AdamW shard (version " + VERSION + "): " + magic);
      }
      long shardStep = data.readLong();
      long size = data.readLong();
      if (size != gradients || (loadedStep >= 0 && shardStep != loadedStep)) {
        throw new IOException(
            "Optimizer shards disagree: "
                + size
                + " values at step "
                + shardStep
                + ", expected "
                + gradients
                + (loadedStep >= 0 ? " at step " + loadedStep : ""));
      }
      loadedStep = shardStep;
      int n = data.readInt();
      long[][] ranges = new long[n][2];
      for (int i = 0; i < n; i++) {
        ranges[i][0] = data.readLong();
        ranges[i][1] = data.readLong();
        if (ranges[i][0] < 0 || ranges[i][1] < ranges[i][0] || ranges[i][1] > gradients) {
          throw new IOException("Corrupt AdamW shard: range " + Arrays.toString(ranges[i]));
        }
        covered += ranges[i][1] - ranges[i][0];
      }
      boolean masters = data.readBoolean();
      for (int kind : new int[] {FlatMoments.FIRST, FlatMoments.SECOND, FlatMoments.MASTER}) {
        for (long[] range : ranges) {
          if (kind != FlatMoments.MASTER || masters) {
            FlatMoments.read(data, range[1] - range[0], kind, range[0], visitor);
          }
        }
      }
    }
    if (covered != gradients) {
      throw new IOException(
          "Optimizer shards cover " + covered + " of " + gradients + " values (a shard missing?)");
    }
    return loadedStep;
  }

  @Override
  public void close() {
    state.close();
  }
}
