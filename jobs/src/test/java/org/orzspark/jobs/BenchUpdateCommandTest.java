package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code orz bench update} on the tiny shape with one layer and short lengths, in fresh JVMs. */
class BenchUpdateCommandTest {

  @Test
  @Tag("slow") // two fresh JVMs: ~40 s on 2 busy cores
  void printsOnePeakLinePerLengthAndTheirRatio() {
    CommandLine commandLine = Orz.commandLine();
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    int status =
        commandLine.execute(
            "bench", "update", "--config", "tiny", "--layers", "1", "--tokens", "64,256");
    assertThat(status).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("tokens 64 peak MiB \\d+\\.\\d");
    assertThat(lines.get(1)).matches("tokens 256 peak MiB \\d+\\.\\d");
    assertThat(lines.get(2)).matches("ratio 256/64 \\d+\\.\\d");
    // the longer sequence's update holds more: the figure measures the update, not the models
    double shortPeak = Double.parseDouble(lines.get(0).substring(lines.get(0).lastIndexOf(' ')));
    double longPeak = Double.parseDouble(lines.get(1).substring(lines.get(1).lastIndexOf(' ')));
    assertThat(longPeak).isGreaterThan(shortPeak);
  }

  @Test
  void anUnknownModeListsTheValidOnes() {
    CommandLine commandLine = Orz.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err, true));
    int status = commandLine.execute("bench", "update", "--activations", "checkpoint");
    assertThat(status).isNotZero();
    assertThat(err.toString())
        .contains(
            "unknown --activations 'checkpoint'; valid: [keep, recompute_logits, "
                + "recompute_layers]");
  }

  @Test
  void theLineSaysMebibytes() {
    assertThat(BenchUpdateCommand.line(1024, 3 * 1024 * 1024 + 512 * 1024))
        .isEqualTo("tokens 1024 peak MiB 3.5");
  }
}
