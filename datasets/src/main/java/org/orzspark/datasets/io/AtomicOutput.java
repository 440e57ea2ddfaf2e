package org.orzspark.datasets.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 */
public final class AtomicOutput implements AutoCloseable {

  public static final String SUCCESS = "_SUCCESS";

  private final FileSystem fs;
  private final Path target;
  private final Path temp;
  private final boolean overwrite;
  private boolean committed;

  private AtomicOutput(FileSystem fs, Path target, Path temp, boolean overwrite) {
    this.fs = fs;
    this.target = target;
    this.temp = temp;
    this.overwrite = overwrite;
  }

  /**
   * Starts writing {@code dir}.
   *
   * @param overwrite replace an existing {@code dir} at commit (it stays intact until then);
   *     without it an existing {@code dir} is an error, reported now
   */
  public static AtomicOutput begin(Configuration conf, String dir, boolean overwrite)
      throws IOException {
    Path target = new Path(dir);
    FileSystem fs = target.getFileSystem(conf);
    target = fs.makeQualified(target);
    if (!overwrite && fs.exists(target)) {
      throw new IllegalArgumentException(
          "output " + target + " already exists; remove it or allow overwriting");
    }
    Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    if (!fs.mkdirs(temp)) {
      throw new IOException("cannot create " + temp);
    }
    return new AtomicOutput(fs, target, temp, overwrite);
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
   * Renames the temp folder to the target (replacing it when allowed), then writes {@code
   * _SUCCESS}.
   */
  public void commit() throws IOException {
    if (committed) {
      throw new IllegalStateException("already committed: " + target);
    }
    if (fs.exists(target)) {
      if (!overwrite) {
        throw new IOException(target + " appeared while writing; not overwriting it");
      }
      if (!fs.delete(target, true)) {
        throw new IOException("cannot delete the previous " + target);
      }
    }
    if (!fs.rename(temp, target)) {
      throw new IOException("cannot rename " + temp + " to " + target);
    }
    fs.create(new Path(target, SUCCESS), false).close();
    committed = true;
  }

  /** Deletes the temp folder unless committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      fs.delete(temp, true);
    }
  }
}
