package org.orzspark.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Learns a byte-level BPE vocabulary from text (the GPT-2 / Qwen recipe).
 *
 * <ol>
 *   <li>Cut each text at the added tokens (they are single ids, never part of a BPE word), split
 *       the rest with {@link ByteLevelPreTokenizer}, map each word's UTF-8 bytes through {@link
 *       ByteLevelAlphabet} and count word frequencies.
 *   <li>Start from the 256 byte characters; repeatedly merge the adjacent symbol pair with the
 *       highest frequency (summed over words, weighted by word frequency) in every word, until the
 *       vocabulary (BPE tokens + added tokens) reaches {@code vocabSize} or no pair occurs {@code
 *       minPairFrequency} times.
 *   <li>Ties break towards the lexicographically smallest {@code (left, right)} pair, so the result
 *       depends only on the texts, never on hash order.
 * </ol>
 */
public final class BpeTrainer {

  /**
   * @param vocabSize target number of ids including the 256 bytes and the added tokens
   * @param minPairFrequency a pair seen fewer times than this is not merged
   * @param addedTokens tokens kept whole (ids after the BPE tokens)
   */
  public record Options(int vocabSize, int minPairFrequency, List<String> addedTokens) {
    public Options {
      addedTokens = List.copyOf(addedTokens);
      int floor = ByteLevelAlphabet.SIZE + addedTokens.size();
      if (vocabSize < floor) {
        throw new IllegalArgumentException(
            "vocabSize "
                + vocabSize
                + " is below 256 byte tokens + "
                + addedTokens.size()
                + " added tokens");
      }
      if (minPairFrequency < 1) {
        throw new IllegalArgumentException(
            "minPairFrequency must be >= 1, got " + minPairFrequency);
      }
    }

    /** The project's tokens ({@link SpecialTokens#ALL}), merging pairs seen at least twice. */
    public static Options withProjectTokens(int vocabSize) {
      return new Options(vocabSize, 2, SpecialTokens.ALL);
    }
  }

  private BpeTrainer() {}

  /** Trains on {@code texts} (iterated once). */
  public static BpeVocabulary train(Iterable<String> texts, Options options) {
    Map<String, Long> wordCounts = countWords(texts, options.addedTokens());
    List<String> symbols = new ArrayList<>();
    Map<String, Integer> symbolIds = new HashMap<>();
    for (int b = 0; b < ByteLevelAlphabet.SIZE; b++) {
      String symbol = String.valueOf(ByteLevelAlphabet.charOf(b));
      symbolIds.put(symbol, symbols.size());
      symbols.add(symbol);
    }
    // Words in sorted order (TreeMap) so the symbol sequences are built deterministically.
    List<int[]> words = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (Map.Entry<String, Long> entry : new TreeMap<>(wordCounts).entrySet()) {
      String word = entry.getKey();
      int[] ids = new int[word.length()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = symbolIds.get(String.valueOf(word.charAt(i)));
      }
      words.add(ids);
      counts.add(entry.getValue());
    }

    List<BpeVocabulary.Merge> merges = new ArrayList<>();
    int bpeTarget = options.vocabSize() - options.addedTokens().size();
    while (symbols.size() < bpeTarget) {
      Map<Long, Long> pairCounts = countPairs(words, counts);
      long best = bestPair(pairCounts, symbols, options.minPairFrequency());
      if (best < 0) {
        break;
      }
      int left = (int) (best >>> 32);
      int right = (int) best;
      String merged = symbols.get(left) + symbols.get(right);
      // A string reachable by two merge paths ("ab"+"c", "a"+"bc") keeps its first id.
      Integer mergedId = symbolIds.get(merged);
      if (mergedId == null) {
        mergedId = symbols.size();
        symbols.add(merged);
        symbolIds.put(merged, mergedId);
      }
      merges.add(new BpeVocabulary.Merge(symbols.get(left), symbols.get(right)));
      for (int w = 0; w < words.size(); w++) {
        words.set(w, applyMerge(words.get(w), left, right, mergedId));
      }
    }
    return new BpeVocabulary(symbols, merges, options.addedTokens());
  }

  /** Frequencies of byte-level words in {@code texts}, with the added tokens cut out. */
  static Map<String, Long> countWords(Iterable<String> texts, List<String> addedTokens) {
    Pattern cut =
        addedTokens.isEmpty()
            ? null
            : Pattern.compile(
                addedTokens.stream().map(Pattern::quote).collect(Collectors.joining("|")));
    Map<String, Long> counts = new HashMap<>();
    for (String text : texts) {
      String[] pieces = cut == null ? new String[] {text} : cut.split(text);
      for (String piece : pieces) {
        for (String word : ByteLevelPreTokenizer.split(piece)) {
          counts.merge(ByteLevelAlphabet.encode(word), 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  /** Pair key {@code left << 32 | right} to its frequency over all words. */
  private static Map<Long, Long> countPairs(List<int[]> words, List<Long> counts) {
    Map<Long, Long> pairCounts = new HashMap<>();
    for (int w = 0; w < words.size(); w++) {
      int[] word = words.get(w);
      long count = counts.get(w);
      for (int i = 0; i + 1 < word.length; i++) {
        pairCounts.merge(pairKey(word[i], word[i + 1]), count, Long::sum);
      }
    }
    return pairCounts;
  }

  /**
   * The most frequent pair with at least {@code minFrequency} occurrences, ties to the smallest
   * {@code (left, right)} strings; -1 when none qualifies.
   */
  static long bestPair(Map<Long, Long> pairCounts, List<String> symbols, int minFrequency) {
    long best = -1;
    long bestCount = 0;
    for (Map.Entry<Long, Long> entry : pairCounts.entrySet()) {
      long count = entry.getValue();
      if (count < minFrequency || count < bestCount) {
        continue;
      }
      long key = entry.getKey();
      if (count > bestCount || comparePairs(key, best, symbols) < 0) {
        best = key;
        bestCount = count;
      }
    }
    return best;
  }

  private static int comparePairs(long a, long b, List<String> symbols) {
    int byLeft = symbols.get((int) (a >>> 32)).compareTo(symbols.get((int) (b >>> 32)));
    return byLeft != 0 ? byLeft : symbols.get((int) a).compareTo(symbols.get((int) b));
  }

  /**
   * {@code word} with every non-overlapping {@code left right}, scanned left to right, replaced.
   */
  static int[] applyMerge(int[] word, int left, int right, int merged) {
    int[] out = new int[word.length];
    int n = 0;
    for (int i = 0; i < word.length; i++) {
      if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
        out[n++] = merged;
        i++;
      } else {
        out[n++] = word[i];
      }
    }
    return n == word.length ? word : Arrays.copyOf(out, n);
  }

  private static long pairKey(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }
}
