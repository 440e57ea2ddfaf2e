package org.orzspark.datasets.curate.filter;

import java.io.Serializable;

/**
 * Counts the tokens of a text with some tokenizer; shipped to Spark tasks, so it holds only
 * settings and loads its tokenizer lazily once per JVM ({@code jobs} provides the DJL one).
 */
public interface TokenCounter extends Serializable {
  int count(String text);
}
