package org.orzspark.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.tokenizer.BpeTrainer;
import org.orzspark.tokenizer.BpeVocabulary;
import org.orzspark.tokenizer.SpecialTokens;
import org.orzspark.tokenizer.TokenizerFiles;

/**
 * Qwen2 models whose outputs are known by construction, for tests of what the real engine,
 * tokenizer and reward make of known responses.
 *
 * <p>Every attention and MLP weight and bias is zero, so each layer adds nothing to the residual
 * stream and the final hidden state is RMSNorm(embed(current token)): the model is a bigram model.
 * The i-th token that has successors embeds to the one-hot vector e_i (width {@value #WIDTH}),
 * which RMSNorm scales to √{@value #WIDTH}·e_i; column i of the LM head holds {@value #MARGIN} at
 * each successor and 0 elsewhere. So the successors get logit {@value #MARGIN}·√{@value #WIDTH} =
 * 120 each and every other token logit 0: each successor has probability exactly 1/(number of
 * successors) in float32, any other token exp(−120) = 0. With one successor the next token is
 * certain at any temperature; with two, inverse-CDF sampling takes the lower id iff the uniform
 * number is below 1/2. Tokens without successors embed to zero (never reached from the prompt).
 *
 * <p>The pieces of the transitions are added tokens (after the project's {@link SpecialTokens}, in
 * order of first appearance), so a response is a handful of ids; the rest of the tokenizer is
 * byte-level BPE trained on the prompt template's text, which keeps templated prompts short. Both
 * templates end with {@code <think>}, the last prompt token, from which responses start.
 */
public final class BigramModels {
  /** Model width: at most this many tokens can have successors. */
  public static final int WIDTH = 16;

  /** LM-head weight of a successor (logit MARGIN·√WIDTH). */
  public static final float MARGIN = 30f;

  /** BPE merges learnt from the template text (enough to make each of its words one token). */
  private static final int TEMPLATE_MERGES = 400;

  private BigramModels() {}

  /**
   * Transitions of a model that answers {@code <think>} with {@code </think><answer>\boxed{a}
   * </answer>}, choosing uniformly among {@code answers} at the third response token (one answer:
   * always that one). With two answers the first has the lower id, so sample j of question q takes
   * it iff {@code SampleRandom.uniform(seed, q, j, 2) < 0.5}.
   */
  public static Map<String, List<String>> answering(String... answers) {
    Map<String, List<String>> next = new LinkedHashMap<>();
    next.put(SpecialTokens.THINK_OPEN, List.of(SpecialTokens.THINK_CLOSE));
    next.put(SpecialTokens.THINK_CLOSE, List.of(SpecialTokens.ANSWER_OPEN));
    List<String> boxed = new ArrayList<>();
    for (String answer : answers) {
      boxed.add(boxed(answer));
      next.put(boxed(answer), List.of(SpecialTokens.ANSWER_CLOSE));
    }
    next.put(SpecialTokens.ANSWER_OPEN, boxed);
    return next;
  }

  /** The response piece {@code \boxed{answer}}. */
  public static String boxed(String answer) {
    return "\\boxed{" + answer + "}";
  }

  /**
   * Writes a model in Hugging Face layout (config.json, model.safetensors, tokenizer files) to
   * {@code folder}.
   *
   * @param successors for each token (an added token or a new piece), the tokens that may follow
   *     it, equally likely
   */
  public static Path write(Path folder, Map<String, List<String>> successors) throws IOException {
    Set<String> added = new LinkedHashSet<>(SpecialTokens.ALL);
    successors.forEach(
        (token, next) -> {
          added.add(token);
          added.addAll(next);
        });
    List<String> addedTokens = List.copyOf(added);
    BpeVocabulary vocabulary =
        BpeTrainer.train(
            List.of(PromptTemplate.render("")),
            new BpeTrainer.Options(256 + addedTokens.size() + TEMPLATE_MERGES, 1, addedTokens));
    if (successors.size() > WIDTH) {
      throw new IllegalArgumentException(
          successors.size() + " tokens with successors; at most " + WIDTH);
    }
    int vocab = vocabulary.size();
    Qwen2Config config =
        new Qwen2Config(
            vocab,
            WIDTH,
            8,
            1,
            2,
            1,
            8192,
            10000.0,
            1e-6,
            false,
            null,
            List.of(vocabulary.addedTokenId(SpecialTokens.END_OF_TEXT)),
            "float32");
    float[] embedding = new float[vocab * WIDTH];
    float[] head = new float[vocab * WIDTH];
    int dimension = 0;
    for (Map.Entry<String, List<String>> entry : successors.entrySet()) {
      embedding[vocabulary.addedTokenId(entry.getKey()) * WIDTH + dimension] = 1f;
      for (String next : entry.getValue()) {
        head[vocabulary.addedTokenId(next) * WIDTH + dimension] = MARGIN;
      }
      dimension++;
    }
    Map<String, TensorValues> tensors = new LinkedHashMap<>();
    PolicyModel.shapes(config)
        .forEach(
            (name, shape) -> {
              float[] values;
              if (name.equals("model.embed_tokens.weight")) {
                values = embedding;
              } else if (name.equals("lm_head.weight")) {
                values = head;
              } else {
                values = new float[(int) HostTensor.elementCount(shape)];
                if (name.endsWith("norm.weight")) {
                  Arrays.fill(values, 1f);
                }
              }
              tensors.put(name, new HostTensor(name, shape, values));
            });
    new ModelCheckpoint(config, tensors, Map.of(), Optional.empty()).write(folder);
    TokenizerFiles.write(vocabulary, folder);
    return folder;
  }
}
