package org.orzspark.datasets.curate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuestionNormalizerTest {

  @ParameterizedTest(name = "{0} ~ {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "What is $2 + 3$?                 | what is 2+3",
        "WHAT   IS 2+3 ?                  | what is 2+3",
        "What is\\,\\,2+3?                | what is 2+3",
        "Find $\\dfrac{1}{2}+x$.          | find\\frac{1}{2}+x",
        "Find \\(\\tfrac12 + x\\)         | find\\frac12+x",
        "Compute \\left( 1+2 \\right)^2!  | compute(1+2)^2",
        "Let x = 3.5, y = 1,000. Find x.  | let x=3.5 y=1,000 find x",
        "\"Quoted\"   words;  here:       | quoted words here",
        "Ｆｕｌｌ width 　 text            | full width text",
        "$\\quad$                         | ''",
      })
  void normalisesLookOnlyDifferences(String question, String expected) {
    assertThat(QuestionNormalizer.normalise(question)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} !~ {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "What is 2+3?   | What is 2+4?",
        "Find x if 2x=4 | Find y if 2y=4",
        "Compute 3.5    | Compute 35",
        "Solve x^2=4    | Solve x_2=4",
      })
  void keepsMathematicalDifferences(String a, String b) {
    assertThat(QuestionNormalizer.normalise(a)).isNotEqualTo(QuestionNormalizer.normalise(b));
  }
}
