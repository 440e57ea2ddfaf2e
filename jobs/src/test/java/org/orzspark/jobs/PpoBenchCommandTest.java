package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class PpoBenchCommandTest {
  @Test
  void tinyRunReportsPositiveFigures() {
    PpoBenchCommand.Result r = PpoBenchCommand.run(2, 16, 1000, 1);
    assertThat(r.tokens()).isEqualTo(32);
    assertThat(r.gaeTokensPerSecond()).isPositive();
    assertThat(r.policyLossTokensPerSecond()).isPositive();
    assertThat(r.adamStepMillis()).isPositive();
    assertThat(r.flattenMillis()).isPositive();
    assertThat(r.unflattenMillis()).isPositive();
    assertThat(r.describe()).contains("GAE + normalisation", "AdamW step");
  }

  @Test
  void commandLineRunsAndDocumentsDefaults() {
    assertThat(
            Orz.commandLine()
                .execute(
                    "bench",
                    "ppo",
                    "--rows",
                    "1",
                    "--length",
                    "4",
                    "--parameters",
                    "10",
                    "--repeats",
                    "1"))
        .isZero();
    StringWriter help = new StringWriter();
    Orz.commandLine()
        .getSubcommands()
        .get("bench")
        .getSubcommands()
        .get("ppo")
        .usage(new PrintWriter(help));
    assertThat(help.toString()).contains("(default: 8000)", "(default: 10000000)");
    assertThatThrownBy(() -> PpoBenchCommand.run(0, 4, 10, 1)).hasMessageContaining("rows 0");
  }
}
