package org.orzspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.orzspark.autograd.HostChunks;
import org.orzspark.autograd.Recomputation;
import org.orzspark.autograd.Scalars;

/**
 * The Qwen2 decoder stack in DJL: token embedding, {@code num_hidden_layers} pre-norm blocks
 * (RMSNorm → grouped-query attention with rotary positions and q/k/v bias → residual, RMSNorm →
 * SwiGLU MLP → residual), final RMSNorm. Parameters carry Hugging Face names ({@code
 * model.embed_tokens.weight}, {@code model.layers.{i}.self_attn.q_proj.weight}, ...) and require
 * gradients, so a DJL {@code GradientCollector} trains them.
 *
 * <p>Temporaries of a forward attach to the manager of its inputs (DJL attaches a result to its
 * first operand's manager, and every operation here takes an activation first), never to the
 * parameters' manager.
 */
public final class Qwen2Decoder implements AutoCloseable {
  /** Additive attention bias of a masked key: exp(MASKED − max) is exactly 0 in float32. */
  public static final float MASKED = -1e30f;

  /**
   * Attention scores are formed over at most this many floats at a time (a block of query rows), so
   * no [B, heads, T, S] array for a whole long sequence is made.
   */
  public static final long ATTENTION_BLOCK_FLOATS = 1L << 22;

  private final Qwen2Config config;
  private final DataType dtype;
  private final NDManager manager;
  private final ParameterList parameters = new ParameterList();
  private final NDArray embedTokens;
  private final NDArray finalNorm;
  private final Layer[] layers;
  private final float[] inverseFrequencies;
  private long attentionBlockFloats = ATTENTION_BLOCK_FLOATS;

  private record Layer(
      NDArray inputNorm,
      NDArray qWeight,
      NDArray qBias,
      NDArray kWeight,
      NDArray kBias,
      NDArray vWeight,
      NDArray vBias,
      NDArray oWeight,
      NDArray postNorm,
      NDArray gate,
      NDArray up,
      NDArray down) {}

  /**
   * Creates the parameters from {@code checkpoint} (names and shapes checked) on a child manager,
   * stored in {@code dtype}, the dtype its forward computes in (see {@link ModelDtype}).
   */
  Qwen2Decoder(ModelCheckpoint checkpoint, NDManager parent, DataType dtype)
      throws CheckpointException {
    this.config = checkpoint.config();
    this.dtype = dtype;
    this.manager = parent.newSubManager();
    try {
      Map<String, long[]> shapes = shapes(config);
      Map<String, NDArray> arrays = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> entry : shapes.entrySet()) {
        arrays.put(
            entry.getKey(), addParameter(checkpoint.require(entry.getKey(), entry.getValue())));
      }
      embedTokens = arrays.get("model.embed_tokens.weight");
      finalNorm = arrays.get("model.norm.weight");
      layers = new Layer[config.numHiddenLayers()];
      for (int i = 0; i < layers.length; i++) {
        String p = "model.layers." + i + ".";
        layers[i] =
            new Layer(
                arrays.get(p + "input_layernorm.weight"),
                arrays.get(p + "self_attn.q_proj.weight"),
                arrays.get(p + "self_attn.q_proj.bias"),
                arrays.get(p + "self_attn.k_proj.weight"),
                arrays.get(p + "self_attn.k_proj.bias"),
                arrays.get(p + "self_attn.v_proj.weight"),
                arrays.get(p + "self_attn.v_proj.bias"),
                arrays.get(p + "self_attn.o_proj.weight"),
                arrays.get(p + "post_attention_layernorm.weight"),
                arrays.get(p + "mlp.gate_proj.weight"),
                arrays.get(p + "mlp.up_proj.weight"),
                arrays.get(p + "mlp.down_proj.weight"));
      }
      inverseFrequencies = inverseFrequencies(config.headDim(), config.ropeTheta());
    } catch (CheckpointException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Hugging Face names and shapes of the decoder's parameters, in Hugging Face's order. */
  public static Map<String, long[]> shapes(Qwen2Config c) {
    long h = c.hiddenSize();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      shapes.put(p + "self_attn.q_proj.weight", new long[] {h, h});
      shapes.put(p + "self_attn.q_proj.bias", new long[] {h});
      shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
      shapes.put(p + "self_attn.k_proj.bias", new long[] {kv});
      shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
      shapes.put(p + "self_attn.v_proj.bias", new long[] {kv});
      shapes.put(p + "self_attn.o_proj.weight", new long[] {h, h});
      shapes.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), h});
      shapes.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), h});
      shapes.put(p + "mlp.down_proj.weight", new long[] {h, c.intermediateSize()});
      shapes.put(p + "input_layernorm.weight", new long[] {h});
      shapes.put(p + "post_attention_layernorm.weight", new long[] {h});
    }
    shapes.put("model.norm.weight", new long[] {h});
    return shapes;
  }

  /**
   * Adds a parameter (a trainable array of the compute dtype on this decoder's manager) named as
   * {@code tensor}, its values copied in chunk by chunk (see {@link HostChunks}) as float32, then
   * converted once.
   */
  NDArray addParameter(TensorValues tensor) throws CheckpointException {
    NDArray filled = manager.create(new Shape(tensor.shape()), DataType.FLOAT32);
    try (TensorValues.Reader reader = tensor.open()) {
      HostChunks.fill(filled, reader::read);
    } catch (CheckpointException e) {
      filled.close();
      throw e;
    } catch (IOException e) {
      filled.close();
      throw new CheckpointException("tensor '" + tensor.name() + "': " + e.getMessage(), e);
    }
    NDArray array = filled;
    if (dtype != DataType.FLOAT32) {
      array = filled.toType(dtype, false);
      filled.close();
    }
    array.setName(tensor.name());
    array.setRequiresGradient(true);
    Parameter.Type type =
        tensor.name().endsWith(".bias")
            ? Parameter.Type.BIAS
            : tensor.name().endsWith("norm.weight") ? Parameter.Type.GAMMA : Parameter.Type.WEIGHT;
    parameters.add(
        tensor.name(),
        Parameter.builder()
            .setName(tensor.name())
            .setType(type)
            .optArray(array)
            .optRequiresGrad(true)
            .build());
    return array;
  }

  public Qwen2Config config() {
    return config;
  }

  /**
   * The dtype of the weights, activations and KV cache (logits and log-probabilities are float32).
   * Only float32 trains: DJL 0.36 casts under PyTorch's no-grad guard, so a cast cuts the autograd
   * graph; a model in another dtype serves generation and forwards without gradients.
   */
  public DataType dtype() {
    return dtype;
  }

  /** {@code x} in the compute dtype (itself when already so), attached to {@code x}'s manager. */
  NDArray toCompute(NDArray x) {
    return castTo(x, dtype);
  }

  /**
   * {@code x} as {@code type} (itself when already so), attached to {@code x}'s manager. Not
   * differentiable (see {@link #dtype()}): float32 models never cast.
   */
  static NDArray castTo(NDArray x, DataType type) {
    return x.getDataType() == type ? x : x.toType(type, false);
  }

  /** Every parameter by Hugging Face name (heads added by the owning model included). */
  public ParameterList parameters() {
    return parameters;
  }

  /** The token embedding [vocab, H] (also the LM head when tied). */
  NDArray embedTokens() {
    return embedTokens;
  }

  /**
   * The decoder forward.
   *
   * @param ids token ids [B, T] (int64)
   * @param positions rotary positions [B, T] (float32)
   * @param bias additive attention bias [B, 1, 1, T, T], 0 or {@link #MASKED}
   * @return final hidden states [B, T, H], attached to {@code ids}' manager
   */
  public NDArray forward(NDArray ids, NDArray positions, NDArray bias) {
    return forward(ids, positions, AttentionBias.of(bias), null, null);
  }

  /**
   * The prompt forward of generation: the full forward of {@code batch}, then each layer's keys and
   * values of the tokens at {@code columns} written to {@code cache} at {@code slots}.
   *
   * @param columns [N] int64, flat positions (row · T + column) of the tokens to store
   * @param slots [N] int64, their cache slots
   * @return final hidden states [B, T, H], attached to {@code m}
   */
  public NDArray prefill(
      TokenBatch batch, NDManager m, KvCache cache, NDArray columns, NDArray slots) {
    NDArray[][] keysValues = new NDArray[layers.length][];
    NDArray hidden =
        forward(
            ids(batch, m),
            positions(batch, m),
            AttentionBias.segmentCausal(segments(batch, m)),
            null,
            keysValues);
    long tokens = (long) batch.rows() * batch.length();
    long kv = config.numKeyValueHeads();
    long d = config.headDim();
    NDIndex stored = new NDIndex("{}", columns);
    NDArray rows = cache.headRows(slots).reshape(-1);
    for (int l = 0; l < layers.length; l++) {
      // keys [B, kv, d, T] and values [B, kv, T, d] → [B·T, kv, d], the stored tokens picked
      NDArray k = keysValues[l][0].transpose(0, 3, 1, 2).reshape(tokens, kv, d).get(stored);
      NDArray v = keysValues[l][1].transpose(0, 2, 1, 3).reshape(tokens, kv, d).get(stored);
      cache.write(l, rows, k, v);
    }
    return hidden;
  }

  /**
   * One decode step of R sequences over the block KV cache: each row's one new token is embedded,
   * its keys and values written to the cache at its slot, and every layer attends ({@link
   * #decodeAttention}) to the columns the row reads from the cache, its new token included.
   *
   * @param ids [R, 1] int64, each row's newest token
   * @param positions [R, 1] float32, its position (the row's tokens already in the cache)
   * @param writeSlots [R] int64, the cache slot of the new token
   * @param readSlots [R, W] int64, the cache slots of the row's columns [0, W) (prompt, then
   *     response); entries past a row's length are any slot, masked by {@code bias}
   * @param bias [R, 1, 1, W] float32, 0 for the row's columns, {@link #MASKED} past them
   * @return final hidden states [R, 1, H], attached to {@code ids}' manager
   */
  public NDArray decode(
      NDArray ids,
      NDArray positions,
      KvCache cache,
      NDArray writeSlots,
      NDArray readSlots,
      NDArray bias) {
    NDManager step = ids.getManager();
    NDArray[] cosSin = rotary(positions);
    NDArray x = embed(ids);
    // pool rows, computed once for all layers: [R · kv] to write, [R, kv, W] to read
    NDArray writeRows = cache.headRows(writeSlots).reshape(-1);
    NDArray readRows = cache.headRows(readSlots).transpose(0, 2, 1);
    for (int l = 0; l < layers.length; l++) {
      Layer layer = layers[l];
      try (NDManager scope = step.newSubManager()) {
        scope.tempAttachAll(x);
        Projections p = project(layer, x, cosSin);
        cache.write(l, writeRows, p.keysT().squeeze(3), p.v().squeeze(2));
        NDArray[] kv = cache.read(l, readRows, scope);
        NDArray next =
            finish(layer, x, decodeAttention(p.q(), kv[0], kv[1], bias, config.queryGroupSize()));
        next.attach(step);
        x = next;
      }
    }
    return rmsNorm(x, finalNorm, config.rmsNormEps());
  }

  /**
   * The decode path's grouped-query attention: one query per row over the keys and values gathered
   * from the block cache (the training forward's {@link #attention} works on query blocks of whole
   * sequences instead). Query head h reads key/value head h / g.
   *
   * @param q [R, kv·g, 1, d]
   * @param keys [R, kv, W, d]
   * @param values [R, kv, W, d]
   * @param bias [R, 1, 1, W], added to the scores
   * @return [R, kv·g, 1, d], attached to {@code q}'s manager
   */
  static NDArray decodeAttention(NDArray q, NDArray keys, NDArray values, NDArray bias, int g) {
    Shape qs = q.getShape();
    long r = qs.get(0);
    long heads = qs.get(1);
    long d = qs.get(3);
    long kv = heads / g;
    NDArray scores =
        Scalars.times(q, 1.0 / Math.sqrt(d))
            .reshape(r, kv, g, d)
            .matMul(keys.transpose(0, 1, 3, 2));
    // the softmax in float32, as in the training attention; back to the compute dtype for values
    NDArray weights =
        castTo(castTo(scores, DataType.FLOAT32).add(bias).softmax(-1), values.getDataType());
    return weights.matMul(values).reshape(r, heads, 1, d);
  }

  /**
   * The full forward of {@code batch} (no cache), its block-diagonal causal bias made one query
   * block at a time.
   *
   * @return final hidden states [B, T, H], attached to {@code m}
   */
  public NDArray forward(TokenBatch batch, NDManager m) {
    return forward(
        ids(batch, m),
        positions(batch, m),
        AttentionBias.segmentCausal(segments(batch, m)),
        null,
        null);
  }

  /**
   * {@link #forward(TokenBatch, NDManager)} with per-layer activation checkpointing under autograd:
   * the layers run without autograd, each keeping only its input; the output enters the graph as a
   * leaf whose deferred backward ({@link Recomputation}) re-runs the layers from the top, one at a
   * time, and ends in the embedding. Without autograd this is the plain forward.
   */
  public NDArray forwardRecomputingLayers(TokenBatch batch, NDManager m) {
    if (!GradMode.isEnabled()) {
      return forward(batch, m);
    }
    NDArray[] cosSin = rotary(positions(batch, m));
    AttentionBias bias = AttentionBias.segmentCausal(segments(batch, m));
    NDArray embedded = embed(ids(batch, m));
    NDArray[] inputs = new NDArray[layers.length];
    NDArray top;
    try (GradMode off = GradMode.disabled()) {
      top = Recomputation.leaf(layers(embedded.stopGradient(), cosSin, bias, null, null, inputs));
    }
    Recomputation.defer(
        () -> {
          NDArray gradient = top.getGradient();
          for (int l = layers.length - 1; l >= 0; l--) {
            gradient = layerBackward(layers[l], inputs[l], gradient, cosSin, bias, m);
          }
          Recomputation.propagate(embedded, gradient, false);
        });
    return rmsNorm(top, finalNorm, config.rmsNormEps());
  }

  /**
   * A forward whose every layer may first attend to keys and values computed before ({@code
   * prefix}, per layer {keysT [1, kv, d, P], values [1, kv, P, d]}, shared by all rows; {@code
   * bias} then covers P + T keys) and may hand its own keys and values out ({@code keep}). Both
   * stay differentiable.
   */
  private NDArray forward(
      NDArray ids, NDArray positions, AttentionBias bias, NDArray[][] prefix, NDArray[][] keep) {
    NDArray x = layers(embed(ids), rotary(positions), bias, prefix, keep, null);
    return rmsNorm(x, finalNorm, config.rmsNormEps());
  }

  /** Embeddings [B, T, H] in the compute dtype (rows looked up first, then cast: no table copy). */
  private NDArray embed(NDArray ids) {
    return toCompute(Embedding.embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow());
  }

  /**
   * The decoder layers on embeddings x [B, T, H] (see {@link #forward(NDArray, NDArray,
   * AttentionBias, NDArray[][], NDArray[][])}); with {@code inputs}, each layer's input is stored
   * there. Each layer's temporaries live on a manager of their own, closed after the layer: without
   * autograd nothing of a layer but its output outlives it.
   *
   * @return the last layer's output [B, T, H], attached to {@code x}'s manager
   */
  private NDArray layers(
      NDArray x,
      NDArray[] cosSin,
      AttentionBias bias,
      NDArray[][] prefix,
      NDArray[][] keep,
      NDArray[] inputs) {
    NDManager step = x.getManager();
    long b = x.getShape().get(0);
    for (int l = 0; l < layers.length; l++) {
      if (inputs != null) {
        inputs[l] = x;
      }
      Layer layer = layers[l];
      try (NDManager scope = step.newSubManager()) {
        scope.tempAttachAll(x);
        Projections p = project(layer, x, cosSin);
        NDArray keysT = p.keysT();
        NDArray v = p.v();
        if (keep != null) {
          keysT.attach(step);
          v.attach(step);
          keep[l] = new NDArray[] {keysT, v};
        }
        if (prefix != null) {
          Shape pk = prefix[l][0].getShape();
          Shape pv = prefix[l][1].getShape();
          keysT = prefix[l][0].broadcast(b, pk.get(1), pk.get(2), pk.get(3)).concat(keysT, 3);
          v = prefix[l][1].broadcast(b, pv.get(1), pv.get(2), pv.get(3)).concat(v, 2);
        }
        NDArray next = finish(layer, x, attention(p.q(), keysT, v, bias));
        next.attach(step);
        x = next;
      }
    }
    return x;
  }

  /**
   * The backward pass of one layer, recomputed from its input: the layer re-run with autograd up to
   * its queries, keys and values; attention without autograd; the rest with autograd and the
   * gradient {@code gradient} propagated through it; then attention's backward one query block at a
   * time (each block's probabilities recomputed and freed), and the q/k/v gradients propagated into
   * the layer's input. Parameter gradients accumulate on the way.
   *
   * @param input the layer's input [B, T, H] (no graph)
   * @param gradient d loss / d layer output, [B, T, H]
   * @return d loss / d input, [B, T, H], attached to {@code step}
   */
  private NDArray layerBackward(
      Layer layer,
      NDArray input,
      NDArray gradient,
      NDArray[] cosSin,
      AttentionBias bias,
      NDManager step) {
    try (NDManager scope = step.newSubManager()) {
      NDArray x = Recomputation.leaf(input);
      x.attach(scope);
      Projections p = project(layer, x, cosSin);
      NDArray q = Recomputation.leaf(p.q());
      NDArray keysT = Recomputation.leaf(p.keysT());
      NDArray v = Recomputation.leaf(p.v());
      NDArray attended;
      try (GradMode off = GradMode.disabled()) {
        attended = Recomputation.leaf(attention(q, keysT, v, bias));
      }
      Recomputation.propagate(finish(layer, x, attended), gradient, false);
      NDArray attendedGradient = attended.getGradient();
      long t = q.getShape().get(2);
      long blockRows =
          queryBlockRows(q.getShape().get(0), q.getShape().get(1), keysT.getShape().get(3));
      for (long from = 0; from < t; from += blockRows) {
        long to = Math.min(t, from + blockRows);
        try (NDManager block = scope.newSubManager()) {
          Recomputation.propagate(
              attentionRows(q, keysT, v, bias, config.queryGroupSize(), from, to, block),
              attendedGradient.get(block, new NDIndex(":, :, {}:{}, :", from, to)),
              false);
        }
      }
      // d/dθ Σ q·dq + Σ k·dk + Σ v·dv: the three gradients through the projections in one pass
      NDArray projected =
          p.q()
              .mul(q.getGradient())
              .sum()
              .add(p.keysT().mul(keysT.getGradient()).sum())
              .add(p.v().mul(v.getGradient()).sum());
      Recomputation.propagate(projected, scope.ones(new Shape()), false);
      NDArray inputGradient = x.getGradient();
      inputGradient.attach(step);
      return inputGradient;
    }
  }

  /**
   * A layer's queries [B, heads, T, d], keys transposed [B, kv, d, T] and values [B, kv, T, d],
   * rotary positions applied.
   */
  private record Projections(NDArray q, NDArray keysT, NDArray v) {}

  /** The input RMSNorm and the q/k/v projections of {@code layer} on its input x [B, T, H]. */
  private Projections project(Layer layer, NDArray x, NDArray[] cosSin) {
    int d = config.headDim();
    NDArray h = rmsNorm(x, layer.inputNorm(), config.rmsNormEps());
    NDArray q =
        splitHeads(
            Linear.linear(h, layer.qWeight(), layer.qBias()).singletonOrThrow(),
            config.numAttentionHeads(),
            d);
    NDArray k =
        splitHeads(
            Linear.linear(h, layer.kWeight(), layer.kBias()).singletonOrThrow(),
            config.numKeyValueHeads(),
            d);
    NDArray v =
        splitHeads(
            Linear.linear(h, layer.vWeight(), layer.vBias()).singletonOrThrow(),
            config.numKeyValueHeads(),
            d);
    return new Projections(
        applyRotary(q, cosSin[0], cosSin[1]),
        applyRotary(k, cosSin[0], cosSin[1]).transpose(0, 1, 3, 2),
        v);
  }

  /**
   * The rest of {@code layer} after attention: output projection and residual, then RMSNorm, the
   * SwiGLU MLP and residual.
   *
   * @param x the layer's input [B, T, H]
   * @param attended [B, heads, T, d]
   */
  private NDArray finish(Layer layer, NDArray x, NDArray attended) {
    Shape s = x.getShape();
    NDArray merged = attended.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(1), s.get(2));
    NDArray y = x.add(Linear.linear(merged, layer.oWeight()).singletonOrThrow());
    NDArray h = rmsNorm(y, layer.postNorm(), config.rmsNormEps());
    NDArray gate = Linear.linear(h, layer.gate()).singletonOrThrow();
    NDArray up = Linear.linear(h, layer.up()).singletonOrThrow();
    return y.add(
        Linear.linear(gate.mul(Activation.sigmoid(gate)).mul(up), layer.down()).singletonOrThrow());
  }

  /**
   * {@link #attention(NDArray, NDArray, NDArray, AttentionBias, int, long)} in this decoder's
   * blocks.
   */
  private NDArray attention(NDArray q, NDArray keysT, NDArray v, AttentionBias bias) {
    return attention(
        q,
        keysT,
        v,
        bias,
        config.queryGroupSize(),
        queryBlockRows(q.getShape().get(0), q.getShape().get(1), keysT.getShape().get(3)));
  }

  /** Query rows per attention block: {@link #ATTENTION_BLOCK_FLOATS} scores (at least one row). */
  private long queryBlockRows(long b, long heads, long s) {
    return Math.max(1, attentionBlockFloats / (b * heads * s));
  }

  /** Sets the scores per attention block (tests use a few rows' worth to cut short sequences). */
  void setAttentionBlockFloats(long floats) {
    attentionBlockFloats = floats;
  }

  /**
   * RMSNorm: x / sqrt(mean(x², last axis) + eps) · weight, the normalisation in float32 whatever
   * x's dtype and the result back in it before the weight (Hugging Face's {@code Qwen2RMSNorm}).
   *
   * @param x [..., H]
   * @param weight [H], of x's dtype
   */
  static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
    NDArray wide = castTo(x, DataType.FLOAT32);
    NDArray rms = wide.square().mean(new int[] {-1}, true).add(eps).sqrt();
    return castTo(wide.div(rms), x.getDataType()).mul(weight);
  }

  /** [B, T, heads·d] → [B, heads, T, d]. */
  private static NDArray splitHeads(NDArray x, int heads, int d) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), heads, d).transpose(0, 2, 1, 3);
  }

  /** Rotary frequencies θ^(−2i/d) for i in [0, d/2), in float32 as Hugging Face computes them. */
  static float[] inverseFrequencies(int headDim, double theta) {
    float[] frequencies = new float[headDim / 2];
    for (int i = 0; i < frequencies.length; i++) {
      frequencies[i] = (float) (1.0 / Math.pow(theta, (float) (2 * i) / headDim));
    }
    return frequencies;
  }

  /**
   * cos and sin of the rotary angles, each [B, 1, T, d]: angle(p, j) = p · f[j mod d/2], the
   * frequencies repeated twice along the last axis (Hugging Face's layout); computed in float32,
   * then cast to the compute dtype, as Hugging Face does.
   *
   * @param positions [B, T] float32
   */
  private NDArray[] rotary(NDArray positions) {
    NDArray frequencies = positions.getManager().create(inverseFrequencies);
    NDArray angles = positions.expandDims(-1).mul(frequencies);
    NDArray full = angles.concat(angles, -1).expandDims(1);
    return new NDArray[] {toCompute(full.cos()), toCompute(full.sin())};
  }

  /**
   * Hugging Face's rotary embedding: x·cos + rotate_half(x)·sin, where rotate_half(x) = [−x₂, x₁]
   * for the two halves x₁, x₂ of the last axis.
   *
   * @param x [B, heads, T, d]
   * @param cos [B, 1, T, d]
   * @param sin [B, 1, T, d]
   */
  static NDArray applyRotary(NDArray x, NDArray cos, NDArray sin) {
    long half = x.getShape().get(3) / 2;
    NDArray first = x.get("..., :{}", half);
    NDArray second = x.get("..., {}:", half);
    NDArray rotated = second.neg().concat(first, -1);
    return x.mul(cos).add(rotated.mul(sin));
  }

  /**
   * Grouped-query scaled dot-product attention, {@code blockRows} queries at a time: no [B, heads,
   * T, S] score array for the whole T exists at once (without autograd; under autograd each block's
   * probabilities stay for the backward pass, as one whole array would).
   *
   * @param q [B, kv·g, T, d]
   * @param keysT keys transposed, [B, kv, d, S]
   * @param v [B, kv, S, d]
   * @param g query heads per KV head
   * @return [B, kv·g, T, d], attached to {@code q}'s manager
   */
  static NDArray attention(
      NDArray q, NDArray keysT, NDArray v, AttentionBias bias, int g, long blockRows) {
    long t = q.getShape().get(2);
    NDManager m = q.getManager();
    if (blockRows >= t) {
      return attentionRows(q, keysT, v, bias, g, 0, t, m);
    }
    NDList blocks = new NDList();
    for (long from = 0; from < t; from += blockRows) {
      try (NDManager block = m.newSubManager()) {
        NDArray out =
            attentionRows(q, keysT, v, bias, g, from, Math.min(t, from + blockRows), block);
        out.attach(m);
        blocks.add(out);
      }
    }
    return NDArrays.concat(blocks, 2);
  }

  /**
   * Attention of the query rows [from, to): query head h reads key/value head h / g. Computed
   * without repeating K and V: queries of one KV head are stacked to [B, kv, g·rows, d].
   *
   * @return [B, kv·g, to − from, d], attached to {@code m}
   */
  static NDArray attentionRows(
      NDArray q,
      NDArray keysT,
      NDArray v,
      AttentionBias bias,
      int g,
      long from,
      long to,
      NDManager m) {
    Shape qs = q.getShape();
    long b = qs.get(0);
    long heads = qs.get(1);
    long t = to - from;
    long d = qs.get(3);
    long kv = heads / g;
    long s = keysT.getShape().get(3);
    NDArray rows = q.get(m, new NDIndex(":, :, {}:{}, :", from, to));
    NDArray scores =
        Scalars.times(rows, 1.0 / Math.sqrt(d))
            .reshape(b, kv, g * t, d)
            .matMul(keysT)
            .reshape(b, kv, g, t, s);
    // Bias and softmax in float32 (the bias's MASKED overflows fp16), the probabilities back in the
    // values' dtype for the second matmul, as Hugging Face's eager attention does.
    NDArray probabilities =
        castTo(
            castTo(scores, DataType.FLOAT32).add(bias.rows(from, to, m)).softmax(-1),
            v.getDataType());
    return probabilities.reshape(b, kv, g * t, s).matMul(v).reshape(b, heads, t, d);
  }

  /**
   * Block-diagonal causal attention bias from segment ids: query i may read key j iff j ≤ i and
   * both have the same segment id (padding, segment 0, reads padding, so no row is fully masked).
   *
   * @param segments [B, T] int32
   * @return [B, 1, 1, T, T] float32: 0 where allowed, {@link #MASKED} elsewhere
   */
  public static NDArray segmentCausalBias(NDArray segments) {
    return AttentionBias.segmentCausal(segments)
        .rows(0, segments.getShape().get(1), segments.getManager());
  }

  /**
   * The forward of a batch with a shared prefix of P = {@link TokenBatch#sharedPrefixLength()}
   * tokens: the prefix once, as one row, then the rest of every sequence ({@link
   * TokenBatch#rest()}, sequences packed side by side as in the batch) attending to the prefix's
   * keys and values and to the earlier tokens of its own sequence. The hidden states equal those of
   * the full forward.
   */
  public SharedPrefixForward forwardSharingPrefix(TokenBatch batch, NDManager m) {
    int p = batch.sharedPrefixLength();
    if (p == 0) {
      throw new IllegalArgumentException("the batch has no shared prefix");
    }
    int rows = batch.rows();
    TokenBatch.Rest rest = batch.rest();
    NDArray prefixIds =
        m.create(java.util.Arrays.copyOf(batch.tokens(), p), new Shape(1, p))
            .toType(DataType.INT64, false);
    NDArray prefixPositions = m.arange(0, p, 1, DataType.FLOAT32).reshape(1, p);
    AttentionBias prefixBias = AttentionBias.segmentCausal(m.ones(new Shape(1, p), DataType.INT32));
    NDArray[][] prefixKeysValues = new NDArray[layers.length][];
    NDArray prefixHidden = forward(prefixIds, prefixPositions, prefixBias, null, prefixKeysValues);

    Shape shape = new Shape(rows, rest.length());
    NDArray restIds = m.create(rest.tokens(), shape).toType(DataType.INT64, false);
    NDArray segmentIds = m.create(rest.segments(), shape);
    AttentionBias ownBias = AttentionBias.segmentCausal(segmentIds);
    // Every sequence's token reads the whole prefix; padding (segment 0) reads none of it.
    AttentionBias restBias =
        (from, to, bm) ->
            segmentIds
                .get(bm, new NDIndex(":, {}:{}", from, to))
                .neq(0)
                .toType(DataType.FLOAT32, false)
                .sub(1f)
                .mul(-MASKED)
                .reshape(rows, 1, 1, to - from, 1)
                .broadcast(rows, 1, 1, to - from, p)
                .concat(ownBias.rows(from, to, bm), 4);
    NDArray restHidden =
        forward(
            restIds,
            m.create(rest.positions(), shape).toType(DataType.FLOAT32, false),
            restBias,
            prefixKeysValues,
            null);
    NDArray restStarts =
        m.create(rest.positions(), shape).eq(p).logicalAnd(segmentIds.neq(0)).reshape(rows, -1, 1);
    NDArray gatherIndex =
        m.create(rest.gatherIndex(), new Shape(rows, batch.length())).toType(DataType.INT64, false);
    return new SharedPrefixForward(
        prefixIds, prefixHidden, restIds, restHidden, restStarts, gatherIndex);
  }

  /**
   * @param prefixIds [1, P] int64
   * @param prefixHidden [1, P, H] final hidden states of the prefix
   * @param restIds [B, R] int64, the rest of every sequence (see {@link TokenBatch#rest()})
   * @param restHidden [B, R, H]
   * @param restStarts [B, R, 1] boolean: true at the first rest token of each sequence (position
   *     P), the token the prefix's last hidden state predicts
   * @param gatherIndex [B, T] int64, see {@link #toBatch}
   */
  public record SharedPrefixForward(
      NDArray prefixIds,
      NDArray prefixHidden,
      NDArray restIds,
      NDArray restHidden,
      NDArray restStarts,
      NDArray gatherIndex) {

    /**
     * Per-token values back in the batch's [B, T] layout, differentiable: {@code prefix[0, j]} at
     * every sequence's position j &lt; P, the rest's value after it, 0 at padding.
     *
     * @param prefix [1, P]
     * @param rest [B, R]
     */
    public NDArray toBatch(NDArray prefix, NDArray rest) {
      NDArray flat =
          NDArrays.concat(
              new NDList(
                  prefix.getManager().zeros(new Shape(1)), prefix.reshape(-1), rest.reshape(-1)));
      return flat.take(gatherIndex);
    }
  }

  /** Inputs of a full forward over {@code batch}: {ids [B,T] int64, positions [B,T], bias}. */
  public static NDList inputs(TokenBatch batch, NDManager m) {
    return new NDList(ids(batch, m), positions(batch, m), segmentCausalBias(segments(batch, m)));
  }

  /** Token ids [B, T] int64. */
  static NDArray ids(TokenBatch batch, NDManager m) {
    return m.create(batch.tokens(), new Shape(batch.rows(), batch.length()))
        .toType(DataType.INT64, false);
  }

  private static NDArray positions(TokenBatch batch, NDManager m) {
    return m.create(batch.positions(), new Shape(batch.rows(), batch.length()))
        .toType(DataType.FLOAT32, false);
  }

  private static NDArray segments(TokenBatch batch, NDManager m) {
    return m.create(batch.segments(), new Shape(batch.rows(), batch.length()));
  }

  @Override
  public void close() {
    manager.close();
  }
}
