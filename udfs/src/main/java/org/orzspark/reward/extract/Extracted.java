package org.orzspark.reward.extract;

import org.orzspark.reward.latex.Expr;

/**
 * One extracted answer: its parsed value (null when only the string could be taken) and the matched
 * string, which is also compared (trimmed) when values do not decide.
 */
public record Extracted(Expr value, String matched) {}
