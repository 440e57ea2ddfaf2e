package org.orzspark.datasets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
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

  /** A folder as an earlier orz run leaves it: its files and, last, the marker. */
  private Path orzOutput(String name) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    Files.writeString(folder.resolve("old.txt"), "old");
    Files.createFile(folder.resolve(AtomicOutput.SUCCESS));
    return folder;
  }

  /** A folder of someone else's: files, no marker. */
  private Path userFolder(String name) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name).resolve("notes"));
    Files.writeString(folder.resolve("thesis.tex"), "years of work");
    Files.writeString(dir.resolve(name).resolve("photo.jpg"), "jpeg");
    return dir.resolve(name);
  }

  private void assertUserFolderIntact(Path folder) {
    assertThat(folder.resolve("notes/thesis.tex")).hasContent("years of work");
    assertThat(folder.resolve("photo.jpg")).hasContent("jpeg");
  }

  @Test
  void existingOutputIsKeptUnlessOverwriteAndReplacedOnlyAtCommit() throws IOException {
    Path target = orzOutput("out");
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

  @Test
  void overwriteRefusesAFolderOrzDidNotWriteBeforeAnyWorkAndLeavesItAlone() throws IOException {
    Path home = userFolder("home");
    assertThatThrownBy(() -> AtomicOutput.begin(conf, home.toString(), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "refusing to replace "
                + home
                + ": it is not an orz output (no _SUCCESS); choose another output folder or"
                + " remove it yourself");
    assertUserFolderIntact(home);
    assertThat(entries(dir)).as("no temp folder begun").isEqualTo(1);

    Path file = Files.writeString(dir.resolve("file.txt"), "text");
    assertThatThrownBy(() -> AtomicOutput.begin(conf, file.toString(), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("it is a file");
    assertThat(file).hasContent("text");
  }

  @Test
  void aFolderThatStopsBeingAnOrzOutputWhileWritingIsRefusedAtCommit() throws IOException {
    Path target = orzOutput("out");
    try (AtomicOutput out = AtomicOutput.begin(conf, target.toString(), true)) {
      out.writeText("new.txt", "new");
      Files.delete(target.resolve(AtomicOutput.SUCCESS));
      assertThatThrownBy(out::commit)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not an orz output");
    }
    assertThat(target.resolve("old.txt")).hasContent("old");
    assertThat(target.resolve("new.txt")).doesNotExist();
    assertThat(entries(dir)).as("temp folder deleted").isEqualTo(1);
  }

  @Test
  void anEmptyFolderIsTakenSinceDeletingItLosesNothing() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    try (AtomicOutput out = AtomicOutput.begin(conf, empty.toString(), true)) {
      out.writeText("new.txt", "new");
      out.commit();
    }
    assertThat(empty.resolve("new.txt")).hasContent("new");
  }

  @Test
  void carriedEntriesMoveIntoTheNewOutputAndDoNotCountAsSomeoneElses() throws IOException {
    Path target = Files.createDirectories(dir.resolve("out").resolve("_work"));
    Files.writeString(target.resolve("part.txt"), "kept");
    Path out = dir.resolve("out");
    try (AtomicOutput output = AtomicOutput.begin(conf, out.toString(), true, "_work")) {
      output.writeText("new.txt", "new");
      output.commit();
    }
    assertThat(out.resolve("_work/part.txt")).hasContent("kept");
    assertThat(out.resolve("new.txt")).hasContent("new");
    assertThat(out.resolve(AtomicOutput.SUCCESS)).exists();

    Path mixed = userFolder("mixed");
    Files.createDirectories(mixed.resolve("_work"));
    assertThatThrownBy(() -> AtomicOutput.begin(conf, mixed.toString(), true, "_work"))
        .hasMessageContaining("not an orz output");
    assertUserFolderIntact(mixed);
  }

  @Test
  void aRunFolderReplacesWhatAnEarlierAttemptLeftUnmarked() throws IOException {
    Path attempt = Files.createDirectories(dir.resolve("iteration=1"));
    Files.writeString(attempt.resolve("part-0.parquet"), "half copied");
    try (AtomicOutput out = AtomicOutput.beginRunFolder(conf, attempt.toString())) {
      out.writeText("new.txt", "new");
      out.commit();
    }
    assertThat(attempt.resolve("part-0.parquet")).doesNotExist();
    assertThat(attempt.resolve(AtomicOutput.SUCCESS)).exists();
  }

  @Test
  void theMarkerListsEveryFileWithItsSizeAndTheParquetRows() throws IOException {
    Path target = dir.resolve("out");
    try (AtomicOutput out = AtomicOutput.begin(conf, target.toString(), false)) {
      out.writeParquet(spark.range(7).repartition(3).toDF(), "");
      out.writeText("_stage.json", "{}");
      out.commit();
    }
    AtomicOutput.Check check = AtomicOutput.check(conf, target.toString());
    assertThat(check.complete()).isTrue();
    assertThat(check.verified()).isTrue();
    assertThat(check.rows()).isEqualTo(7);
    List<Path> written;
    try (Stream<Path> files = Files.list(target)) {
      written =
          files
              .filter(
                  f ->
                      !f.getFileName().toString().startsWith(".")
                          && !f.getFileName().toString().equals(AtomicOutput.SUCCESS))
              .toList();
    }
    assertThat(check.files()).hasSize(written.size()).containsKey("_stage.json");
    for (Path file : written) {
      assertThat(check.files()).containsEntry(file.getFileName().toString(), Files.size(file));
    }
    String[] data = AtomicOutput.dataFiles(conf, target.toString());
    assertThat(data).hasSize(written.size() - 1).allMatch(f -> f.endsWith(".parquet"));
    assertThat(spark.read().parquet(data).count()).isEqualTo(7);
    try (Stream<Path> files = Files.list(target)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("no marker temp left")
          .noneMatch(n -> n.contains(".tmp-"));
    }
  }

  @Test
  void theRowsAreThoseTheWritesCountedInDataOnlyOrTheFootersOfParquetWrittenOtherwise()
      throws IOException {
    Path counted = dir.resolve("counted");
    try (AtomicOutput out = AtomicOutput.begin(conf, counted.toString(), false)) {
      out.writeParquet(spark.range(7).repartition(3).toDF(), "");
      out.writeParquet(spark.range(3).toDF(), "_removed");
      out.writeParquet(spark.range(5).toDF(), "");
      out.writeParquet(spark.range(0).toDF(), "");
      out.commit();
    }
    assertThat(AtomicOutput.check(conf, counted.toString()).rows()).isEqualTo(12);

    Path direct = dir.resolve("direct");
    try (AtomicOutput out = AtomicOutput.begin(conf, direct.toString(), false)) {
      spark.range(4).repartition(2).write().parquet(out.resolve("part"));
      out.commit();
    }
    assertThat(AtomicOutput.check(conf, direct.toString()).rows()).isEqualTo(4);
  }

  @Test
  void aTruncatedMissingOrGrownFileMakesTheOutputDamagedNotComplete() throws IOException {
    for (String harm : List.of("truncate", "delete", "grow")) {
      Path target = dir.resolve(harm);
      try (AtomicOutput out = AtomicOutput.begin(conf, target.toString(), false)) {
        out.writeParquet(spark.range(50).toDF(), "");
        out.commit();
      }
      Path part;
      try (Stream<Path> files = Files.list(target)) {
        part =
            files
                .filter(f -> f.getFileName().toString().endsWith(".parquet"))
                .findFirst()
                .orElseThrow();
      }
      long size = Files.size(part);
      switch (harm) {
        case "truncate" -> {
          try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
            channel.truncate(size / 2);
          }
        }
        case "delete" -> Files.delete(part);
        default -> Files.write(part, new byte[] {1}, StandardOpenOption.APPEND);
      }
      AtomicOutput.Check check = AtomicOutput.check(conf, target.toString());
      assertThat(check.complete()).as(harm).isFalse();
      assertThat(check.marked()).isTrue();
      assertThat(check.damage())
          .get()
          .asString()
          .contains(part.getFileName().toString())
          .contains(harm.equals("delete") ? "missing" : "its marker says " + size);
      assertThat(AtomicOutput.isComplete(conf, target.toString())).isFalse();
      assertThatThrownBy(() -> AtomicOutput.dataFiles(conf, target.toString()))
          .hasMessageContaining("not a complete output");
    }
  }

  @Test
  void anEmptyMarkerOfAnOlderRunIsCompleteButUnverifiedAndReadAsAFolder() throws IOException {
    Path old = dir.resolve("old");
    spark.range(4).toDF().write().parquet(old.toString());
    AtomicOutput.Check check = AtomicOutput.check(conf, old.toString());
    assertThat(check.complete()).isTrue();
    assertThat(check.verified()).isFalse();
    assertThat(check.rows()).isEqualTo(-1);
    assertThat(AtomicOutput.dataFiles(conf, old.toString()))
        .containsExactly(
            new org.apache.hadoop.fs.Path(old.toUri()).toString().replaceAll("/$", ""));
    assertThat(spark.read().parquet(AtomicOutput.dataFiles(conf, old.toString())).count())
        .isEqualTo(4);

    Files.writeString(old.resolve(AtomicOutput.SUCCESS), "{\"files\":");
    assertThat(AtomicOutput.check(conf, old.toString()).damage())
        .get()
        .asString()
        .contains("unreadable");
    assertThat(AtomicOutput.check(conf, dir.resolve("none").toString()).marked()).isFalse();
  }
}
