package org.orzspark.datasets.curate.filter;

import java.util.regex.Pattern;
import org.orzspark.datasets.PromptRecord;

/**
 * Proof problems, which have no short answer to compare: the question asks to prove, show,
 * demonstrate or verify that something holds ("Prove that", "Show that", "Give a proof").
 */
public final class ProofRule implements PromptRule {

  public static final String CODE = "proof";

  private static final Pattern PROOF =
      Pattern.compile(
          "\\b(?:prove|proof|(?:show|demonstrate|verify|explain why) that)\\b",
          Pattern.CASE_INSENSITIVE);

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public boolean drops(PromptRecord prompt) {
    return PROOF.matcher(prompt.question()).find();
  }
}
