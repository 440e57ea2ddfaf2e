package org.orzspark.datasets.curate.filter;

import java.io.Serializable;
import org.orzspark.datasets.PromptRecord;

/**
 * One quality filter: a pure predicate over a prompt. Rules are shipped to Spark tasks, so they are
 * serializable and hold only settings.
 */
public interface PromptRule extends Serializable {

  /** The name users pass to {@code --drop} and see as the removal reason, e.g. {@code proof}. */
  String code();

  /** Whether the prompt is removed by this rule. */
  boolean drops(PromptRecord prompt);
}
