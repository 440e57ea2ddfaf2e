package org.orzspark.datasets.synth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.orzspark.datasets.PromptRecord;

/**
 * A prompt set with planted duplicates and the truth about them, for deduplication benchmarks and
 * cluster tests. Originals are diverse: a story of 12-24 words drawn from a seeded vocabulary of
 * made-up words, then a synthetic problem ({@link SyntheticTasks}). Each duplicate copies a random
 * earlier original and, in equal shares, (1) respaces and recases it (an exact duplicate once
 * normalised), (2) changes one number of it, or (3) replaces one story word. Deterministic in the
 * seed.
 */
public final class PlantedDuplicates {

  private static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ne", "tu", "ra", "so", "vi", "de", "po", "gu", "fe", "zi", "ba", "ho", "ry"
  };
  private static final int VOCABULARY = 5000;
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  /**
   * @param prompts originals and duplicates, shuffled
   * @param original for every prompt id, the id of the original it derives from (itself for
   *     originals)
   */
  public record PlantedSet(List<PromptRecord> prompts, Map<String, String> original) {
    /** Duplicates planted (prompts minus distinct originals). */
    public long planted() {
      return prompts.size() - original.values().stream().distinct().count();
    }
  }

  private PlantedDuplicates() {}

  public static PlantedSet generate(int count, double duplicateShare, long seed) {
    if (count < 1 || !(duplicateShare >= 0 && duplicateShare < 1)) {
      throw new IllegalArgumentException("need count >= 1 and a duplicate share in [0, 1)");
    }
    SplittableRandom random = new SplittableRandom(seed);
    String[] vocabulary = vocabulary(random);
    int originals = Math.max(1, (int) Math.round(count * (1 - duplicateShare)));
    List<SyntheticProblem> problems =
        SyntheticTasks.generate(
            List.of("arithmetic", "linear", "modular", "fractions", "counting", "comparison"),
            originals,
            seed);
    List<PromptRecord> prompts = new ArrayList<>(count);
    Map<String, String> original = new HashMap<>();
    for (SyntheticProblem problem : problems) {
      StringBuilder story = new StringBuilder();
      int words = random.nextInt(12, 25);
      for (int w = 0; w < words; w++) {
        story.append(w == 0 ? "" : " ").append(vocabulary[random.nextInt(VOCABULARY)]);
      }
      PromptRecord record =
          record(
              capitalise(story) + ". " + problem.question(), problem.answer(), "planted/original");
      if (original.putIfAbsent(record.promptId(), record.promptId()) == null) {
        prompts.add(record);
      }
    }
    int bases = prompts.size();
    while (prompts.size() < count) {
      PromptRecord base = prompts.get(random.nextInt(bases));
      String question =
          switch (random.nextInt(3)) {
            case 0 ->
                "  " + base.question().toUpperCase(java.util.Locale.ROOT).replace(" ", "  ") + " ";
            case 1 -> changeOneNumber(base.question(), random);
            default -> replaceOneWord(base.question(), vocabulary, random);
          };
      PromptRecord duplicate = record(question, base.answer(), "planted/duplicate");
      if (original.putIfAbsent(duplicate.promptId(), base.promptId()) == null) {
        prompts.add(duplicate);
      }
    }
    for (int i = prompts.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      PromptRecord t = prompts.get(i);
      prompts.set(i, prompts.get(j));
      prompts.set(j, t);
    }
    return new PlantedSet(prompts, original);
  }

  private static PromptRecord record(String question, String answer, String source) {
    return PromptRecord.of(question, answer, source, null, null, Map.of());
  }

  private static String[] vocabulary(SplittableRandom random) {
    String[] words = new String[VOCABULARY];
    for (int i = 0; i < words.length; i++) {
      StringBuilder word = new StringBuilder();
      int syllables = random.nextInt(2, 5);
      for (int s = 0; s < syllables; s++) {
        word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
      words[i] = word.toString();
    }
    return words;
  }

  private static String capitalise(CharSequence text) {
    return Character.toUpperCase(text.charAt(0)) + text.subSequence(1, text.length()).toString();
  }

  private static String changeOneNumber(String question, SplittableRandom random) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = NUMBER.matcher(question);
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) {
      return question + " 1";
    }
    int[] span = spans.get(random.nextInt(spans.size()));
    long changed = Long.parseLong(question.substring(span[0], span[1])) + random.nextInt(1, 10);
    return question.substring(0, span[0]) + changed + question.substring(span[1]);
  }

  private static String replaceOneWord(
      String question, String[] vocabulary, SplittableRandom random) {
    String[] words = question.split(" ", -1);
    int storyWords =
        Math.max(
            1,
            question.indexOf(". ") < 0
                ? words.length
                : question.substring(0, question.indexOf(". ")).split(" ").length);
    int at = random.nextInt(storyWords);
    boolean endsStory = words[at].endsWith(".");
    words[at] = vocabulary[random.nextInt(vocabulary.length)] + (endsStory ? "." : "");
    return String.join(" ", words);
  }
}
