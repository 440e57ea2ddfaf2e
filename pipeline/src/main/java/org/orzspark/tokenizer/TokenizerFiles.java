package org.orzspark.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link BpeVocabulary} as the Hugging Face tokenizer files ({@code tokenizer.json},
 * {@code tokenizer_config.json}) in the layout Qwen2/Qwen3 use: NFC normaliser, the Qwen2 split
 * regex then {@code ByteLevel} (no prefix space), a BPE model with vocab and merges, {@code
 * ByteLevel} decoder, and the added tokens. DJL's {@code HuggingFaceTokenizer} (see {@code
 * org.orzspark.model.Tokenizers}) and {@code transformers} read them.
 */
public final class TokenizerFiles {

  public static final String TOKENIZER_JSON = "tokenizer.json";
  public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";

  /** Longest sequence the tokenizer files advertise (the model's context is set by its config). */
  public static final int MODEL_MAX_LENGTH = 4096;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TokenizerFiles() {}

  /** Writes both files into {@code dir} (created if missing). */
  public static void write(BpeVocabulary vocabulary, Path dir) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(TOKENIZER_JSON).toFile(), tokenizerJson(vocabulary));
    JSON.writeValue(dir.resolve(TOKENIZER_CONFIG_JSON).toFile(), tokenizerConfigJson(vocabulary));
  }

  static ObjectNode tokenizerJson(BpeVocabulary vocabulary) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (String token : vocabulary.addedTokens()) {
      ObjectNode entry = addedTokenEntry(token);
      added.add(JSON.createObjectNode().put("id", vocabulary.addedTokenId(token)).setAll(entry));
    }
    root.putObject("normalizer").put("type", "NFC");
    ObjectNode preTokenizer = root.putObject("pre_tokenizer").put("type", "Sequence");
    ArrayNode steps = preTokenizer.putArray("pretokenizers");
    ObjectNode split = steps.addObject().put("type", "Split");
    split.putObject("pattern").put("Regex", ByteLevelPreTokenizer.PATTERN);
    split.put("behavior", "Isolated").put("invert", false);
    steps.add(byteLevel("ByteLevel"));
    root.set("post_processor", byteLevel("ByteLevel"));
    root.set("decoder", byteLevel("ByteLevel"));
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    for (int id = 0; id < vocabulary.tokens().size(); id++) {
      vocab.put(vocabulary.tokens().get(id), id);
    }
    ArrayNode merges = model.putArray("merges");
    for (BpeVocabulary.Merge merge : vocabulary.merges()) {
      merges.addArray().add(merge.left()).add(merge.right());
    }
    return root;
  }

  static ObjectNode tokenizerConfigJson(BpeVocabulary vocabulary) {
    ObjectNode root = JSON.createObjectNode();
    root.put("add_bos_token", false);
    root.put("add_prefix_space", false);
    ObjectNode decoder = root.putObject("added_tokens_decoder");
    for (String token : vocabulary.addedTokens()) {
      decoder.set(String.valueOf(vocabulary.addedTokenId(token)), addedTokenEntry(token));
    }
    root.putNull("bos_token");
    root.put("clean_up_tokenization_spaces", false);
    root.put("eos_token", SpecialTokens.END_OF_TEXT);
    root.put("errors", "replace");
    root.put("model_max_length", MODEL_MAX_LENGTH);
    root.put("pad_token", SpecialTokens.END_OF_TEXT);
    root.put("split_special_tokens", false);
    root.put("tokenizer_class", "Qwen2Tokenizer");
    root.putNull("unk_token");
    return root;
  }

  private static ObjectNode addedTokenEntry(String token) {
    return JSON.createObjectNode()
        .put("content", token)
        .put("single_word", false)
        .put("lstrip", false)
        .put("rstrip", false)
        .put("normalized", false)
        .put("special", SpecialTokens.isControl(token));
  }

  private static ObjectNode byteLevel(String type) {
    return JSON.createObjectNode()
        .put("type", type)
        .put("add_prefix_space", false)
        .put("trim_offsets", false)
        .put("use_regex", false);
  }
}
