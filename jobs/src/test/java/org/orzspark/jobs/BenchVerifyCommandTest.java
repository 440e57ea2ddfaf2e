package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.RepoData;

class BenchVerifyCommandTest {
  @Test
  void rewritesAnswersIntoDifferentButEqualForms() {
    assertThat(BenchVerifyCommand.rewritten("\\frac{1}{2}")).isEqualTo("\\dfrac{1}{2}");
    assertThat(BenchVerifyCommand.rewritten("(1, 2)")).isEqualTo("(1,\\, 2)");
    assertThat(BenchVerifyCommand.rewritten("5")).isEqualTo("{5}");
    assertThat(BenchVerifyCommand.twiceMinusOnce("\\pi"))
        .isEqualTo("2\\left(\\pi\\right)-\\left(\\pi\\right)");
  }

  @Test
  void measuresEveryPairSetBriefly() throws Exception {
    List<BenchVerifyCommand.Figures> figures =
        BenchVerifyCommand.run(
            RepoData.resolve("eval/math500.json"),
            RepoData.resolve("math-verify/cases.jsonl"),
            0.02);
    assertThat(figures)
        .extracting(BenchVerifyCommand.Figures::set)
        .containsExactly(
            "math500 equal, fast", "math500 equal, CAS", "math500 unequal", "math-verify corpus");
    BenchVerifyCommand.Figures fast = figures.get(0);
    BenchVerifyCommand.Figures cas = figures.get(1);
    assertThat(fast.pairs()).isEqualTo(500);
    assertThat(fast.equal()).isEqualTo(500);
    assertThat(cas.pairs()).isBetween(50, 300);
    assertThat(cas.equal()).isEqualTo(cas.pairs());
    assertThat(figures.get(2).equal()).isLessThan(10);
    assertThat(figures.get(3).equal())
        .as("160 of the 184 cases are equal upstream")
        .isBetween(150, 165);
    assertThat(figures).allSatisfy(f -> assertThat(f.checks()).isPositive());
  }
}
