package org.orzspark.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptTemplateTest {

  /** Paper Table 1, verbatim (ORZ-FACTS.md), with {{prompt}} = "What is 2+3?". */
  private static final String PAPER =
      "A conversation between User and Assistant. The user asks a question, and the Assistant"
          + " solves it. The assistant first thinks about the reasoning process in the mind and"
          + " then provides the user with the answer. The reasoning process and answer are enclosed"
          + " within <think> </think> and <answer> </answer> tags, respectively, i.e., <think>"
          + " reasoning process here </think> <answer> answer here </answer>. User: You must put"
          + " your answer inside <answer> </answer> tags, i.e., <answer> answer here </answer>. And"
          + " your final answer will be extracted automatically by the \\boxed{} tag. What is"
          + " 2+3?\n"
          + "Assistant: <think>";

  @Test
  void paperTemplateIsTable1Verbatim() {
    assertThat(PromptTemplate.render("What is 2+3?")).isEqualTo(PAPER);
  }

  @Test
  void referenceTemplatePutsTheProblemOnItsOwnLine() {
    String expected =
        PAPER.replace(
            "\\boxed{} tag. What is 2+3?", "\\boxed{} tag.\nThis is the problem:\nWhat is 2+3?");
    assertThat(PromptTemplate.renderReference("What is 2+3?")).isEqualTo(expected);
  }

  @Test
  void aRunNamesItsTemplate() {
    assertThat(PromptTemplate.Variant.REFERENCE.render("Q?"))
        .isEqualTo(PromptTemplate.renderReference("Q?"));
    assertThat(PromptTemplate.Variant.PAPER.render("Q?")).isEqualTo(PromptTemplate.render("Q?"));
    assertThat(PromptTemplate.render("Q?")).isNotEqualTo(PromptTemplate.renderReference("Q?"));
  }

  @Test
  void questionIsInsertedLiterallyEvenWithTemplateLikeText() {
    String question = "Compute $\\frac{1}{2}$ of {{prompt}} and $5.";
    assertThat(PromptTemplate.render(question))
        .contains(" tag. " + question + "\nAssistant: <think>")
        .endsWith("Assistant: <think>");
  }

  @Test
  void stopStringsKeepAnswerEndFirstThenTurnMarkers() {
    assertThat(PromptTemplate.STOP_STRINGS)
        .containsExactly("</answer>", "User:", "Human:", "Assistant:");
    assertThat(PromptTemplate.TURN_STOPS).doesNotContain(PromptTemplate.ANSWER_END);
  }
}
