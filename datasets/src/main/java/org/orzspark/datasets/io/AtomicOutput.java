package org.orzspark.datasets.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes an output folder so that readers never see it half-written: everything goes into a hidden
 * sibling temp folder ({@code .<name>.tmp-<uuid>}), {@link #commit} renames it to the final path
 * and only then creates {@code _SUCCESS} in it. A reader that requires {@code _SUCCESS} therefore
 * sees all of the output or none, also on stores where renaming a folder is a copy (S3A). Closing
 * without committing deletes the temp folder. Uses the Hadoop FileSystem API, so any Hadoop path
 * works (local, HDFS, S3A).
 *
 * <p>Spark writes into the temp folder go through {@link #writeParquet}, which switches off Spark's
 * own {@code _SUCCESS} marker so that the marker is written once, last.
 *
 * <p>An existing folder at the target is replaced only as its factory allows: {@link #begin} with
 * {@code overwrite} replaces only an orz output ({@link OrzOutputs}), checked at begin, before any
 * work, and again at commit, as the folder may have changed meanwhile; {@link #beginRunFolder}
 * replaces whatever an earlier attempt left inside a layout orz made itself.
 */
public final class AtomicOutput implements AutoCloseable {

  public static final String SUCCESS = "_SUCCESS";

  /** What may become of a folder already at the target. */
  private enum Replace {
    /** Nothing: it is an error. */
    NOTHING,
    /** Only an orz output ({@link OrzOutputs}): for folders a user names. */
    ORZ_OUTPUT,
    /** Anything: an earlier attempt's leftovers inside a layout orz made itself. */
    ATTEMPT
  }

  private final FileSystem fs;
  private final Path target;
  private final Path temp;
  private final Replace replace;
  private final List<String> carried;
  private boolean committed;

  private AtomicOutput(
      FileSystem fs, Path target, Path temp, Replace replace, List<String> carried) {
    this.fs = fs;
    this.target = target;
    this.temp = temp;
    this.replace = replace;
    this.carried = carried;
  }

  /**
   * Starts writing {@code dir}, a folder the user named.
   *
   * @param overwrite replace an existing {@code dir} at commit (it stays intact until then), if it
   *     is orz's to replace ({@link OrzOutputs}); without it an existing {@code dir} is an error.
   *     Either refusal comes now, before any work.
   * @param carried entries of an existing {@code dir} that are moved into the new output at commit
   *     rather than deleted with it (and moved back if the commit fails)
   */
  public static AtomicOutput begin(
      Configuration conf, String dir, boolean overwrite, String... carried) throws IOException {
    return open(conf, dir, overwrite ? Replace.ORZ_OUTPUT : Replace.NOTHING, List.of(carried));
  }

  /**
   * Starts writing a folder of a layout orz made itself (an iteration's stage folders in a run,
   * pass-rate's partitions in its work folder), replacing whatever an earlier attempt left there:
   * marked complete or, after a copy into place was cut short, not.
   */
  public static AtomicOutput beginRunFolder(Configuration conf, String dir) throws IOException {
    return open(conf, dir, Replace.ATTEMPT, List.of());
  }

  private static AtomicOutput open(
      Configuration conf, String dir, Replace replace, List<String> carried) throws IOException {
    Path target = new Path(dir);
    FileSystem fs = target.getFileSystem(conf);
    target = fs.makeQualified(target);
    if (replace == Replace.NOTHING && fs.exists(target)) {
      throw new IllegalArgumentException(
          "output " + target + " already exists; remove it or allow overwriting");
    }
    if (replace == Replace.ORZ_OUTPUT) {
      OrzOutputs.checkReplaceable(fs, target, carried);
    }
    Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    if (!fs.mkdirs(temp)) {
      throw new IOException("cannot create " + temp);
    }
    return new AtomicOutput(fs, target, temp, replace, carried);
  }

  /** Whether {@code dir} is a complete output (has {@code _SUCCESS}). */
  public static boolean isComplete(Configuration conf, String dir) throws IOException {
    Path marker = new Path(dir, SUCCESS);
    return marker.getFileSystem(conf).exists(marker);
  }

  /** The final path, qualified ({@code file:/...}, {@code hdfs://...}). */
  public String target() {
    return target.toString();
  }

  /** The temp folder being written; its content becomes {@link #target} at commit. */
  public String temp() {
    return temp.toString();
  }

  /** {@code relative} inside the temp folder ({@code ""} for the folder itself). */
  public String resolve(String relative) {
    return relative.isEmpty() ? temp.toString() : new Path(temp, relative).toString();
  }

  /** Appends {@code frame} as Parquet at {@code relative} inside the temp folder. */
  public void writeParquet(Dataset<Row> frame, String relative) {
    frame
        .write()
        .mode(SaveMode.Append)
        .option("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
        .parquet(resolve(relative));
  }

  /** Writes a UTF-8 text file at {@code relative} inside the temp folder. */
  public void writeText(String relative, String text) throws IOException {
    try (OutputStream out = fs.create(new Path(temp, relative), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Renames the temp folder to the target (replacing it when allowed, its carried entries moved
   * into the new output first), then writes {@code _SUCCESS}.
   */
  public void commit() throws IOException {
    if (committed) {
      throw new IllegalStateException("already committed: " + target);
    }
    if (fs.exists(target)) {
      switch (replace) {
        case NOTHING -> throw new IOException(target + " appeared while writing; not overwriting it");
        case ORZ_OUTPUT -> OrzOutputs.checkReplaceable(fs, target, carried);
        case ATTEMPT -> {}
      }
    }
    List<String> moved = new ArrayList<>();
    try {
      for (String name : carried) {
        if (fs.exists(new Path(target, name))) {
          move(new Path(target, name), new Path(temp, name));
          moved.add(name);
        }
      }
      if (fs.exists(target) && !fs.delete(target, true)) {
        throw new IOException("cannot delete the previous " + target);
      }
      move(temp, target);
    } catch (IOException | RuntimeException e) {
      // The carried entries are work to keep (pass-rate's partitions): back where they were.
      if (!moved.isEmpty()) {
        fs.mkdirs(target);
        for (String name : moved) {
          fs.rename(new Path(temp, name), new Path(target, name));
        }
      }
      throw e;
    }
    fs.create(new Path(target, SUCCESS), false).close();
    committed = true;
  }

  private void move(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  /** Deletes the temp folder unless committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      fs.delete(temp, true);
    }
  }
}
