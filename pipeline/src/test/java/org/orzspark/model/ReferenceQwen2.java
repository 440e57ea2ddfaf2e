package org.orzspark.model;

import java.util.Map;

/**
 * A plain scalar Qwen2 forward (loops over arrays, double precision) written from the architecture
 * description, independent of the DJL engine: the reference the engine is tested against.
 */
final class ReferenceQwen2 {
  private final Qwen2Config c;
  private final Map<String, HostTensor> w;

  ReferenceQwen2(ModelCheckpoint checkpoint) {
    this.c = checkpoint.config();
    this.w = new java.util.LinkedHashMap<>();
    checkpoint.tensors().forEach((name, values) -> w.put(name, host(values)));
  }

  /** The tensor in Java memory (a {@link HostTensor} itself, so edits to it show). */
  private static HostTensor host(TensorValues values) {
    try {
      return values instanceof HostTensor tensor ? tensor : HostTensor.copyOf(values);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Logits [T][V] of one sequence (positions 0..T-1, causal attention). */
  double[][] logits(int[] tokens) {
    double[][] hidden = hidden(tokens);
    String head = c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    double[][] logits = new double[tokens.length][];
    for (int t = 0; t < tokens.length; t++) {
      logits[t] = matVec(w.get(head), hidden[t], null);
    }
    return logits;
  }

  /** Final normed hidden states [T][H]. */
  double[][] hidden(int[] tokens) {
    int n = tokens.length;
    int h = c.hiddenSize();
    int d = c.headDim();
    int heads = c.numAttentionHeads();
    int group = c.queryGroupSize();
    double[][] x = new double[n][h];
    float[] embedding = w.get("model.embed_tokens.weight").data();
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < h; i++) {
        x[t][i] = embedding[tokens[t] * h + i];
      }
    }
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      String p = "model.layers." + l + ".";
      double[][] q = new double[n][];
      double[][] k = new double[n][];
      double[][] v = new double[n][];
      for (int t = 0; t < n; t++) {
        double[] normed = rmsNorm(x[t], w.get(p + "input_layernorm.weight"));
        q[t] =
            rotate(
                matVec(
                    w.get(p + "self_attn.q_proj.weight"),
                    normed,
                    w.get(p + "self_attn.q_proj.bias")),
                t,
                d);
        k[t] =
            rotate(
                matVec(
                    w.get(p + "self_attn.k_proj.weight"),
                    normed,
                    w.get(p + "self_attn.k_proj.bias")),
                t,
                d);
        v[t] =
            matVec(
                w.get(p + "self_attn.v_proj.weight"), normed, w.get(p + "self_attn.v_proj.bias"));
      }
      for (int t = 0; t < n; t++) {
        double[] attended = new double[h];
        for (int head = 0; head < heads; head++) {
          int kvHead = head / group;
          double[] scores = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int s = 0; s <= t; s++) {
            double dot = 0;
            for (int i = 0; i < d; i++) {
              dot += q[t][head * d + i] * k[s][kvHead * d + i];
            }
            scores[s] = dot / Math.sqrt(d);
            max = Math.max(max, scores[s]);
          }
          double sum = 0;
          for (int s = 0; s <= t; s++) {
            scores[s] = Math.exp(scores[s] - max);
            sum += scores[s];
          }
          for (int s = 0; s <= t; s++) {
            for (int i = 0; i < d; i++) {
              attended[head * d + i] += scores[s] / sum * v[s][kvHead * d + i];
            }
          }
        }
        double[] out = matVec(w.get(p + "self_attn.o_proj.weight"), attended, null);
        for (int i = 0; i < h; i++) {
          x[t][i] += out[i];
        }
        double[] normed = rmsNorm(x[t], w.get(p + "post_attention_layernorm.weight"));
        double[] gate = matVec(w.get(p + "mlp.gate_proj.weight"), normed, null);
        double[] up = matVec(w.get(p + "mlp.up_proj.weight"), normed, null);
        for (int i = 0; i < gate.length; i++) {
          gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        double[] down = matVec(w.get(p + "mlp.down_proj.weight"), gate, null);
        for (int i = 0; i < h; i++) {
          x[t][i] += down[i];
        }
      }
    }
    double[][] result = new double[n][];
    for (int t = 0; t < n; t++) {
      result[t] = rmsNorm(x[t], w.get("model.norm.weight"));
    }
    return result;
  }

  /** Log-softmax of a logit vector at one index. */
  static double logProb(double[] logits, int index) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (double l : logits) {
      sum += Math.exp(l - max);
    }
    return logits[index] - max - Math.log(sum);
  }

  private double[] rmsNorm(double[] x, HostTensor weight) {
    double mean = 0;
    for (double value : x) {
      mean += value * value;
    }
    mean /= x.length;
    double scale = 1 / Math.sqrt(mean + c.rmsNormEps());
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * scale * weight.data()[i];
    }
    return out;
  }

  /** Rotates each head's pairs (i, i + d/2) by angle position · θ^(−2i/d). */
  private double[] rotate(double[] x, int position, int d) {
    double[] out = new double[x.length];
    for (int head = 0; head < x.length / d; head++) {
      for (int i = 0; i < d / 2; i++) {
        double angle = position * Math.pow(c.ropeTheta(), -2.0 * i / d);
        double a = x[head * d + i];
        double b = x[head * d + i + d / 2];
        out[head * d + i] = a * Math.cos(angle) - b * Math.sin(angle);
        out[head * d + i + d / 2] = b * Math.cos(angle) + a * Math.sin(angle);
      }
    }
    return out;
  }

  private static double[] matVec(HostTensor matrix, double[] x, HostTensor bias) {
    int rows = (int) matrix.shape()[0];
    int cols = (int) matrix.shape()[1];
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      double sum = bias == null ? 0 : bias.data()[r];
      for (int i = 0; i < cols; i++) {
        sum += matrix.data()[r * cols + i] * x[i];
      }
      out[r] = sum;
    }
    return out;
  }
}
