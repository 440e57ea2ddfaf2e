package org.orzspark.reward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.reward.extract.ExtractionConfig;
import org.orzspark.reward.verify.MathVerifier;
import org.orzspark.reward.verify.Verdict;
import org.orzspark.reward.verify.VerifyOptions;
import org.orzspark.testing.RepoData;

/** Every MATH500 reference answer must earn reward 1 when a response boxes exactly that answer. */
class Math500RewardTest {

  static List<String> finalAnswers() throws IOException {
    JsonNode root = new ObjectMapper().readTree(RepoData.resolve("eval/math500.json").toFile());
    List<String> answers = new ArrayList<>();
    root.forEach(problem -> answers.add(problem.get("final_answer").asText()));
    return answers;
  }

  @Test
  void everyFinalAnswerVerifiesAgainstItselfBoxed() throws IOException {
    List<String> answers = finalAnswers();
    int failures = 0;
    int crashes = 0;
    for (String answer : answers) {
      String boxed = "\\boxed{" + answer + "}";
      String response = "<think>...</think> <answer>" + boxed + "</answer>";
      List<Verdict> verdicts =
          List.of(
              OrzReward.judge(response, answer, true, VerifyOptions.DEFAULTS),
              OrzReward.judge(response, boxed, true, VerifyOptions.DEFAULTS),
              MathVerifier.verify(
                  boxed, response, ExtractionConfig.DEFAULTS, VerifyOptions.DEFAULTS));
      for (Verdict v : verdicts) {
        if (Verdict.INTERNAL_ERROR.equals(v.reason())) {
          crashes++;
        } else if (!v.equal()) {
          failures++;
          System.out.println("MATH500 failure: " + answer + " -> " + v);
        }
      }
    }
    System.out.printf(
        "MATH500 self-verification: %d answers, %d failures, %d crashes%n",
        answers.size(), failures, crashes);
    assertThat(answers).hasSize(500);
    assertThat(crashes).isZero();
    assertThat(failures).isZero();
  }

  @Test
  void mostFinalAnswersParseAsMath() throws IOException {
    int parsed = 0;
    List<String> answers = finalAnswers();
    for (String answer : answers) {
      try {
        org.orzspark.reward.latex.LatexParser.parseLatex(answer);
        parsed++;
      } catch (org.orzspark.reward.latex.LatexParseException notParsed) {
        System.out.println(
            "MATH500 answer not parsed: " + answer + " (" + notParsed.getMessage() + ")");
      }
    }
    System.out.printf("MATH500 answers parsed: %d/%d%n", parsed, answers.size());
    assertThat(parsed).isGreaterThanOrEqualTo(MIN_PARSED);
  }

  /** All 500 parse (prose answers would still verify through string equality). */
  static final int MIN_PARSED = 500;
}
