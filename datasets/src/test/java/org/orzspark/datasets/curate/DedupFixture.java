package org.orzspark.datasets.curate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.read.InputFormat;
import org.orzspark.datasets.read.ParsedPrompt;
import org.orzspark.datasets.read.PromptFiles;
import org.orzspark.testing.RepoData;
import org.orzspark.testing.SharedSpark;

/**
 * Real MATH500 problems with planted duplicates: for each of the first {@code withVariants}
 * problems, by index mod 5, an exact variant (spacing, case, {@code \dfrac}, delimiters), a LaTeX
 * spacing variant, a numbers-changed variant, a reworded variant, or a chain (one number changed,
 * then a second); the next {@code singletons} problems are true non-duplicates. {@link #cluster}
 * maps each prompt id to the problem it derives from.
 */
final class DedupFixture {

  private static final Pattern NUMBER = Pattern.compile("\\d+");

  final List<PromptRecord> prompts = new ArrayList<>();
  final Map<String, Integer> cluster = new LinkedHashMap<>();

  static List<PromptRecord> math500() throws IOException {
    return PromptFiles.read(
            SharedSpark.session(),
            RepoData.resolve("eval/math500.json").toString(),
            InputFormat.AUTO)
        .parsed()
        .stream()
        .map(ParsedPrompt::record)
        .toList();
  }

  DedupFixture(int withVariants, int singletons) throws IOException {
    List<PromptRecord> math = math500();
    for (int i = 0; i < withVariants + singletons; i++) {
      PromptRecord base = math.get(i);
      add(base, i);
      if (i >= withVariants) {
        continue;
      }
      String q = base.question();
      switch (i % 5) {
        case 0 ->
            add(
                variant(
                    base,
                    upperCaseStart("  " + q.replace(" ", "   ").replace("\\frac", "\\dfrac"))),
                i);
        case 1 ->
            add(variant(base, q.replace("=", "=\\,").replace("$", " $ ").replace("+", " + ")), i);
        case 2 -> add(variant(base, changeNumber(q, 0)), i);
        case 3 ->
            add(
                variant(
                    base,
                    "Question: "
                        + q.replaceFirst("^(Find|What is|Compute|Determine)", "Please $1")),
                i);
        default -> {
          String once = changeNumber(q, 0);
          add(variant(base, once), i);
          add(variant(base, changeNumber(once, 1)), i);
        }
      }
    }
  }

  private void add(PromptRecord record, int clusterId) {
    if (cluster.putIfAbsent(record.promptId(), clusterId) == null) {
      prompts.add(record);
    }
  }

  private static PromptRecord variant(PromptRecord base, String question) {
    return PromptRecord.of(
        question, base.answer(), base.source() + "/variant", null, null, Map.of());
  }

  private static String upperCaseStart(String text) {
    int end = Math.min(text.length(), 12);
    return text.substring(0, end).toUpperCase(java.util.Locale.ROOT) + text.substring(end);
  }

  /** The question with its {@code k}-th number (from the end, wrapping) increased by 7. */
  static String changeNumber(String question, int k) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = NUMBER.matcher(question);
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) {
      return question + " Use 7.";
    }
    int[] span = spans.get(Math.floorMod(spans.size() - 1 - k, spans.size()));
    String number = question.substring(span[0], span[1]);
    String changed =
        new java.math.BigInteger(number).add(java.math.BigInteger.valueOf(7)).toString();
    return question.substring(0, span[0]) + changed + question.substring(span[1]);
  }

  int clusters() {
    return (int) cluster.values().stream().distinct().count();
  }
}
