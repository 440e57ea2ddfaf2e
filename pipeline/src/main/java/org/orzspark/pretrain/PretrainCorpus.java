package org.orzspark.pretrain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.datasets.synth.SyntheticProblem;
import org.orzspark.random.Seeds;

/**
 * The text the base model is pre-trained on: each synthetic problem rendered with the ORZ prompt
 * template, followed by a worked solution (see {@link WorkedSolutions}). A share {@code
 * corruptedShare} of the examples is written in one of the {@link SolutionStyle#CORRUPTED} styles,
 * drawn uniformly. Example {@code i} draws from its own stream seeded by (seed, i), so it does not
 * depend on the other examples.
 */
public final class PretrainCorpus {

  private PretrainCorpus() {}

  /**
   * One training text: the loss is taken on {@code completion} (the model's part), conditioned on
   * {@code prompt}.
   */
  public record Example(String prompt, String completion, SolutionStyle style, String answer) {}

  public static List<Example> build(
      List<SyntheticProblem> problems, double corruptedShare, long seed) {
    if (!(corruptedShare >= 0 && corruptedShare <= 1)) {
      throw new IllegalArgumentException("corrupted share must be in [0, 1]: " + corruptedShare);
    }
    List<Example> examples = new ArrayList<>(problems.size());
    for (int i = 0; i < problems.size(); i++) {
      SyntheticProblem problem = problems.get(i);
      SplittableRandom random = new SplittableRandom(Seeds.derive(seed, i));
      SolutionStyle style =
          random.nextDouble() < corruptedShare
              ? SolutionStyle.CORRUPTED.get(random.nextInt(SolutionStyle.CORRUPTED.size()))
              : SolutionStyle.CORRECT;
      WorkedSolutions.Written written =
          WorkedSolutions.write(problem.solutionSteps(), problem.answer(), style, random);
      examples.add(
          new Example(
              PromptTemplate.render(problem.question()),
              written.completion(),
              written.style(),
              problem.answer()));
    }
    return examples;
  }
}
