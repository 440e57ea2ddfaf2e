package org.orzspark.reward.verify;

import java.math.BigDecimal;
import java.util.List;
import org.orzspark.reward.extract.Extracted;
import org.orzspark.reward.extract.ExtractionConfig;
import org.orzspark.reward.extract.MathAnswerExtractor;
import org.orzspark.reward.latex.Expr;
import org.orzspark.reward.latex.LatexParseException;
import org.orzspark.reward.latex.LatexParser;

/**
 * The verifier's entry points. Neither ever throws: every failure is a {@link Verdict} with a
 * reason code. A check's answer depends only on its input: extraction and parsing are bounded by
 * the input limits, comparison spends from one {@link WorkBudget} (exhausted: {@code too-large}),
 * and the CAS is asked only questions that pass size checks, under Symja's own step limits. The
 * wall clock ({@link VerifyOptions#timeoutMillis()}) is only a last-resort net far above the worst
 * cost of the adversarial corpus ({@link AdversarialCorpus}); when it fires the reason is {@code
 * timeout}.
 */
public final class MathVerifier {
  /** Answers (already extracted) longer than this are compared as strings only. */
  public static final int MAX_ANSWER_CHARS = LatexParser.MAX_LENGTH;

  private MathVerifier() {}

  /**
   * Math-Verify's {@code verify(parse(gold), parse(pred))}: both texts are extracted the same way;
   * equal when any (gold, prediction) pair is mathematically equal or has the same matched string.
   */
  public static Verdict verify(
      String gold, String pred, ExtractionConfig extraction, VerifyOptions options) {
    try {
      long deadline = System.nanoTime() + options.timeoutMillis() * 1_000_000;
      List<Extracted> golds = MathAnswerExtractor.extract(gold, extraction);
      if (golds.isEmpty()) {
        return Verdict.failed(Verdict.NO_GOLD);
      }
      List<Extracted> preds = MathAnswerExtractor.extract(pred, extraction);
      if (preds.isEmpty()) {
        return Verdict.failed(Verdict.NO_ANSWER);
      }
      Equivalence equivalence = new Equivalence(options, WorkBudget.standard(), deadline);
      boolean unparsed = false;
      for (Extracted g : golds) {
        for (Extracted p : preds) {
          if (g.matched().equals(p.matched())) {
            return Verdict.EQUAL;
          }
          if (g.value() == null || p.value() == null) {
            unparsed = true;
          } else if (equalAllowingPercent(
              equivalence, g.value(), g.matched(), p.value(), p.matched())) {
            return Verdict.EQUAL;
          }
        }
      }
      String reason = equivalence.technicalReason();
      return new Verdict(false, reason != null ? reason : unparsed ? Verdict.PARSE_ERROR : null);
    } catch (WorkBudget.ExhaustedException exhausted) {
      return Verdict.failed(Verdict.TOO_LARGE);
    } catch (RuntimeException | StackOverflowError unexpected) {
      return Verdict.failed(Verdict.INTERNAL_ERROR);
    }
  }

  /**
   * Compares two answers that are already extracted (the ORZ reward: a boxed content against the
   * reference answer), both read as LaTeX. Identical strings (ignoring spaces) are equal even when
   * they do not parse.
   */
  public static Verdict verifyAnswers(String goldAnswer, String predAnswer, VerifyOptions options) {
    if (goldAnswer == null) {
      return Verdict.failed(Verdict.NO_GOLD);
    }
    if (predAnswer == null) {
      return Verdict.failed(Verdict.NO_ANSWER);
    }
    try {
      long deadline = System.nanoTime() + options.timeoutMillis() * 1_000_000;
      if (withoutSpaces(goldAnswer).equals(withoutSpaces(predAnswer))) {
        return Verdict.EQUAL;
      }
      if (goldAnswer.length() > MAX_ANSWER_CHARS || predAnswer.length() > MAX_ANSWER_CHARS) {
        return Verdict.failed(Verdict.TOO_LARGE);
      }
      Expr gold;
      Expr pred;
      try {
        gold = LatexParser.parseLatex(goldAnswer);
        pred = LatexParser.parseLatex(predAnswer);
      } catch (LatexParseException notParsed) {
        return Verdict.failed(Verdict.PARSE_ERROR);
      }
      Equivalence equivalence = new Equivalence(options, WorkBudget.standard(), deadline);
      return equalAllowingPercent(equivalence, gold, goldAnswer, pred, predAnswer)
          ? Verdict.EQUAL
          : new Verdict(false, equivalence.technicalReason());
    } catch (WorkBudget.ExhaustedException exhausted) {
      return Verdict.failed(Verdict.TOO_LARGE);
    } catch (RuntimeException | StackOverflowError unexpected) {
      return Verdict.failed(Verdict.INTERNAL_ERROR);
    }
  }

  /**
   * Equal as parsed, or with a side written with a percent sign taken as its value. The sign itself
   * is dropped when parsing, so {@code 28\%} equals both 28 (the answer in percent units, as
   * Math-Verify accepts it) and 0.28.
   */
  private static boolean equalAllowingPercent(
      Equivalence equivalence, Expr gold, String goldText, Expr pred, String predText) {
    return equivalence.equal(gold, pred)
        || MathAnswerExtractor.hasPercent(goldText) && equivalence.equal(hundredth(gold), pred)
        || MathAnswerExtractor.hasPercent(predText) && equivalence.equal(gold, hundredth(pred));
  }

  private static Expr hundredth(Expr percent) {
    return new Expr.Div(percent, new Expr.Num(BigDecimal.valueOf(100), false));
  }

  private static String withoutSpaces(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
