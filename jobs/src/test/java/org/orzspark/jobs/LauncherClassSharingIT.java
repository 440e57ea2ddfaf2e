package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class data sharing archive is an optimisation only: made by a snapshot's first
 * Spark command and mapped by the driver JVM, and a damaged or missing one never fails a command.
 * Each test runs on a copy of the checkout (its own snapshots and archives) under a path with
 * spaces, as a user's home may have, so the launcher's quoting is proven here too; making an
 * archive is one more local-mode application (~20-100 s).
 */
class LauncherClassSharingIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  @Test
  @Tag("faults")
  void theArchiveIsMadeUsedAndATruncatedOneIsReplaced(@TempDir Path tmp) throws Exception {
    Path checkout = LauncherProcess.copyCheckout(tmp.resolve("with space/orz home"));
    Path classes = tmp.resolve("classes.log");

    var first =
        synth(checkout, Map.of(), tmp.resolve("first"), "-Xlog:class+load=info:file=" + classes);

    assertThat(first.output()).contains("made ").doesNotContain("no class data sharing archive");
    assertThat(checkout.resolve("jobs/target/app-snapshots")).isNotEmptyDirectory();
    Path archive = archive(checkout);
    assertThat(Files.readString(Path.of(archive + ".log"))).contains("class sharing warm-up: 4");
    assertThat(Files.readString(classes))
        .as("the driver maps classes from the dynamic archive")
        .contains("source: shared objects file (top)");

    // Java 17 crashes (SIGBUS) on mapping a truncated archive instead of refusing it.
    long size = Files.size(archive);
    try (FileChannel file = FileChannel.open(archive, StandardOpenOption.WRITE)) {
      file.truncate(size / 2);
    }
    synth(checkout, Map.of(), tmp.resolve("second"), "-Dorz.test=truncated");

    Path again = archive(checkout);
    assertThat(Files.size(again))
        .as("made again, intact")
        .isEqualTo(Long.parseLong(Files.readString(Path.of(again + ".size")).trim()));
  }

  /** Also a run whose output, properties file and driver options have spaces in them. */
  @Test
  void offNeitherMakesNorUsesAnArchive(@TempDir Path tmp) throws Exception {
    Path checkout = LauncherProcess.copyCheckout(tmp.resolve("with space/orz home"));
    Path classes = tmp.resolve("classes.log");
    Path properties = tmp.resolve("my props.conf");
    Files.writeString(properties, "spark.ui.enabled false\nspark.driver.host 127.0.0.1\n");
    Path output = tmp.resolve("with space/synth out");

    var run =
        LauncherProcess.synth(
            checkout,
            Map.of("ORZ_CLASS_SHARING", "false"),
            TIMEOUT,
            output,
            "--master=local[1]",
            "--properties-file",
            properties.toString(),
            "--conf",
            "spark.driver.extraJavaOptions=\"-Dorz.test=a b\" -Xlog:class+load=info:file="
                + classes);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(output.resolve("_SUCCESS")).exists();
    assertThat(archives(checkout)).isEmpty();
    assertThat(Files.readString(classes)).doesNotContain("shared objects file (top)");
  }

  /** {@code orz synth} into {@code output}, which must succeed. */
  private static LauncherProcess.Outcome synth(
      Path checkout, Map<String, String> environment, Path output, String driverJavaOptions)
      throws Exception {
    var run =
        LauncherProcess.synth(
            checkout, environment, TIMEOUT, output, "--driver-java-options", driverJavaOptions);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(output.resolve("_SUCCESS")).exists();
    return run;
  }

  private static Path archive(Path checkout) throws IOException {
    var found = archives(checkout);
    assertThat(found).as("one archive").hasSize(1);
    return found.get(0);
  }

  private static List<Path> archives(Path checkout) throws IOException {
    try (Stream<Path> files = Files.list(checkout.resolve("jobs/target/app-snapshots"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
    }
  }
}
