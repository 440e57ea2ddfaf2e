package org.orzspark.datasets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.SharedSpark;

class AtomicOutputTest {

  @TempDir Path dir;

  private final SparkSession spark = SharedSpark.session();
  private final Configuration conf = spark.sparkContext().hadoopConfiguration();

  private long entries(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.count();
    }
  }

  @Test
  void nothingIsVisibleBeforeCommitAndSuccessComesLast() throws IOException {
    Path target = dir.resolve("out");
    try (AtomicOutput out = AtomicOutput.begin(conf, target.toString(), false)) {
      out.writeParquet(spark.range(5).toDF(), "");
      out.writeText("_summary.json", "{}");
      assertThat(target).doesNotExist();
      assertThat(Path.of(java.net.URI.create(out.temp())).resolve(AtomicOutput.SUCCESS))
          .as("Spark's own marker is off")
          .doesNotExist();
      out.commit();
    }
    assertThat(target.resolve(AtomicOutput.SUCCESS)).exists();
    assertThat(AtomicOutput.isComplete(conf, target.toString())).isTrue();
    long success = Files.getLastModifiedTime(target.resolve(AtomicOutput.SUCCESS)).toMillis();
    try (Stream<Path> files = Files.list(target)) {
      // Hadoop's local checksum files (.name.crc) are written alongside each file; skip them.
      assertThat(
              files.filter(
                  f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")))
          .allSatisfy(
              f ->
                  assertThat(Files.getLastModifiedTime(f).toMillis()).isLessThanOrEqualTo(success));
    }
    assertThat(spark.read().parquet(target.toString()).count()).isEqualTo(5);
    assertThat(entries(dir)).as("temp folder renamed away").isEqualTo(1);
  }

  @Test
  void closingWithoutCommitLeavesNothing() throws IOException {
    Path target = dir.resolve("aborted");
    try (AtomicOutput out = AtomicOutput.begin(conf, target.toString(), false)) {
      out.writeText("partial.txt", "x");
    }
    assertThat(target).doesNotExist();
    assertThat(entries(dir)).isZero();
  }

  @Test
  void existingOutputIsKeptUnlessOverwriteAndReplacedOnlyAtCommit() throws IOException {
    Path target = dir.resolve("out");
    Files.createDirectories(target);
    Files.writeString(target.resolve("old.txt"), "old");
    assertThatThrownBy(() -> AtomicOutput.begin(conf, target.toString(), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already exists");
    try (AtomicOutput out = AtomicOutput.begin(conf, target.toString(), true)) {
      out.writeText("new.txt", "new");
      assertThat(target.resolve("old.txt")).exists();
      out.commit();
    }
    assertThat(target.resolve("old.txt")).doesNotExist();
    assertThat(target.resolve("new.txt")).hasContent("new");
    assertThat(target.resolve(AtomicOutput.SUCCESS)).exists();
  }
}
