package org.orzspark.datasets.synth;

import java.util.List;

/**
 * One generated reasoning task with an exactly verifiable answer.
 *
 * @param question short plain-English question (digits, {@code + - * / = ( )})
 * @param answer the exact answer: an integer, a reduced fraction such as {@code 3/4} or {@code
 *     -2/5}, or a short word ({@code yes}/{@code no}, {@code A}/{@code B}) where the question asks
 *     for one
 * @param family the {@link SyntheticFamily#id()} that generated it
 * @param difficulty 1 (easiest) to 3
 * @param solutionSteps a correct worked solution, one short step per string; the last step ends
 *     with {@code answer}
 */
public record SyntheticProblem(
    String question, String answer, String family, int difficulty, List<String> solutionSteps) {

  public SyntheticProblem {
    solutionSteps = List.copyOf(solutionSteps);
  }
}
