package org.orzspark.datasets.curate.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.orzspark.datasets.PromptRecord;

class PromptRulesTest {

  static PromptRecord prompt(String question, String answer) {
    return PromptRecord.of(question, answer, "test", null, null, Map.of());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Which of the following is prime? 4, 6, 7",
        "Which one of the following numbers is even?",
        "What is 2+2?\n(A) 3 (B) 4 (C) 5",
        "What is 2+2? $\\textbf{(A) }3\\qquad\\textbf{(B) }4\\qquad\\textbf{(C) }5$",
        "Pick the largest.\nA. 10\nB. 20\nC. 30",
        "Pick one:\nA) yes\nB) no",
      })
  void multipleChoiceQuestionsAreDropped(String question) {
    assertThat(new MultipleChoiceRule().drops(prompt(question, "B"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Points A and B are 5 apart. Find AB.",
        "Let f(A) = 2A. Find f(3).",
        "A. Smith has 3 apples; how many?",
        "Compute the following sum: 1+2+3.",
      })
  void otherQuestionsAreKeptByTheMultipleChoiceRule(String question) {
    assertThat(new MultipleChoiceRule().drops(prompt(question, "6"))).isFalse();
  }

  @Test
  void choicesMakeAQuestionMultipleChoice() {
    PromptRecord withChoices =
        PromptRecord.of("Pick the prime.", "A", "t", List.of("7", "8"), null, Map.of());
    assertThat(new MultipleChoiceRule().drops(withChoices)).isTrue();
    PromptRecord emptyChoices =
        PromptRecord.of("Pick the prime.", "A", "t", List.of(), null, Map.of());
    assertThat(new MultipleChoiceRule().drops(emptyChoices)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Prove that there are infinitely many primes.",
        "Show that $n^2+n$ is even for every integer n.",
        "Give a proof of the AM-GM inequality.",
        "Let x > 0. Demonstrate that x + 1/x >= 2.",
      })
  void proofProblemsAreDropped(String question) {
    assertThat(new ProofRule().drops(prompt(question, "true"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Find x if 2x = 4.",
        "Improve the bound: what is the least n with n! > 100?",
        "Show your work: 3*4"
      })
  void answerProblemsAreKeptByTheProofRule(String question) {
    assertThat(new ProofRule().drops(prompt(question, "2"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "已知 $x+1=3$，求 $x$ 的值。",
        "Найдите значение выражения $2+3$.",
        "Trouvez la valeur de $x$ sachant que l'équation a été résolue à côté.",
        "Giải phương trình bậc hai sau đây và tìm nghiệm dương của nó.",
      })
  void nonEnglishQuestionsAreDropped(String question) {
    assertThat(new NonEnglishRule().drops(prompt(question, "2"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Find $\\alpha + \\beta$ if $\\alpha = 1$ and $\\beta = 2$.",
        "Let θ be an angle with sin θ = 1/2 and let ω = 3. Find θ + ω in radians.",
        "By Pólya's enumeration theorem, count the colourings of a square's four corners with 2"
            + " colours.",
        "$1+1=?$",
        "12345",
      })
  void englishAndLetterlessQuestionsAreKept(String question) {
    assertThat(new NonEnglishRule().drops(prompt(question, "2"))).isFalse();
  }

  @Test
  void scriptCountsOnHandCountedText() {
    // "ab" Latin, "é" accented Latin, "中文" other, "\\frac" removed, "π" Greek (neither)
    NonEnglishRule.ScriptCounts counts = NonEnglishRule.ScriptCounts.of("ab é 中文 \\frac π");
    assertThat(counts).isEqualTo(new NonEnglishRule.ScriptCounts(3, 1, 2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\\frac{1}{", "\\left( 3, \\frac{\\pi}{2}"})
  void unparseableAnswersAreUnverifiable(String answer) {
    assertThat(new UnverifiableAnswerRule().drops(prompt("Find it.", answer))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"42", "\\frac{3}{4}", "\\left( 3, \\frac{\\pi}{2} \\right)", "x^2+1", "[1,2)"})
  void parseableAnswersAreVerifiable(String answer) {
    assertThat(new UnverifiableAnswerRule().drops(prompt("Find it.", answer))).isFalse();
  }

  /** Gold answers that parse but that no comparison can finish: the reward could never be 1. */
  @ParameterizedTest
  @ValueSource(strings = {"\\binom{5}{10^{10}}", "10^{10^{10}}", "(10^{10})!"})
  void poisonedAnswersAreUnverifiable(String answer) {
    assertThat(new UnverifiableAnswerRule().drops(prompt("Find it.", answer))).isTrue();
  }

  @Test
  void anAnswerLongerThanTheVerifierReadsIsUnverifiable() {
    assertThat(new UnverifiableAnswerRule().drops(prompt("Find it.", "1+".repeat(3000) + "1")))
        .isTrue();
  }

  @Test
  void tooLongCountsTheTemplatedPrompt() {
    TokenCounter words = text -> text.split("\\s+").length;
    int template = words.count(org.orzspark.datasets.PromptTemplate.render(""));
    assertThat(new TooLongRule(words, template + 3).drops(prompt("one two three", "1"))).isFalse();
    assertThat(new TooLongRule(words, template + 2).drops(prompt("one two three", "1"))).isTrue();
  }

  @Test
  void rulesAreBuiltByNameAndUnknownNamesListTheValidOnes() {
    assertThat(FilterRules.of(List.of("proof", "multiple-choice", "proof"), Optional.empty(), 10))
        .extracting(PromptRule::code)
        .containsExactly("proof", "multiple-choice");
    assertThatThrownBy(() -> FilterRules.of(List.of("chinese"), Optional.empty(), 10))
        .hasMessageContaining(
            "valid: [multiple-choice, proof, non-english, unverifiable, too-long]");
    assertThatThrownBy(() -> FilterRules.of(List.of("too-long"), Optional.empty(), 10))
        .hasMessageContaining("--tokenizer");
  }
}
