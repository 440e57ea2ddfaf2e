package org.orzspark.pretrain;

import java.util.List;

/**
 * How a worked solution of the pre-training corpus is written. A share of the corpus is
 * deliberately flawed so the base model answers correctly and follows the format only sometimes,
 * leaving the reward something to teach.
 */
public enum SolutionStyle {
  /** Correct steps, ORZ format: {@code steps </think> <answer> \boxed{answer} </answer>}. */
  CORRECT(true, true),
  /** Correct steps, but the boxed answer is off by a little (or the other yes/no, A/B choice). */
  ANSWER_OFF(false, true),
  /** One intermediate result is wrong and the error is carried through to the final answer. */
  WRONG_INTERMEDIATE(false, true),
  /** Correct answer, but a tag is dropped or garbled. */
  BROKEN_TAG(true, false),
  /** Correct answer without the answer format (no tags, or no {@code \boxed{}}). */
  UNFORMATTED(true, false);

  /** The flawed styles, drawn uniformly for the corrupted share of the corpus. */
  public static final List<SolutionStyle> CORRUPTED =
      List.of(ANSWER_OFF, WRONG_INTERMEDIATE, BROKEN_TAG, UNFORMATTED);

  private final boolean answerCorrect;
  private final boolean wellFormed;

  SolutionStyle(boolean answerCorrect, boolean wellFormed) {
    this.answerCorrect = answerCorrect;
    this.wellFormed = wellFormed;
  }

  /** Whether the written answer equals the reference answer. */
  public boolean answerCorrect() {
    return answerCorrect;
  }

  /** Whether the text follows {@code ... </think> <answer> \boxed{...} </answer>}. */
  public boolean wellFormed() {
    return wellFormed;
  }
}
