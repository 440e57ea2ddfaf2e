package org.orzspark.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptIdTest {

  @Test
  void idIsTheSha256PrefixOfTheNormalisedQuestion() {
    // printf 'What is 2+3?' | sha256sum | cut -c1-16
    assertThat(PromptId.of("What is 2+3?")).isEqualTo("f574924a4d93e5f1");
  }

  @Test
  void normalisationCollapsesWhitespaceAndUnicodeFormsButKeepsCase() {
    assertThat(PromptId.normalise("  What\tis\n\n 2+3? \u2028")).isEqualTo("What is 2+3?");
    // NFKC: full-width digits and the "fi" ligature become their plain forms.
    assertThat(PromptId.normalise("\uFF12 \uFB01sh")).isEqualTo("2 fish");
    assertThat(PromptId.of("What  is 2+3?\n")).isEqualTo(PromptId.of("What is 2+3?"));
    assertThat(PromptId.of("Solve for X.")).isNotEqualTo(PromptId.of("Solve for x."));
  }
}
