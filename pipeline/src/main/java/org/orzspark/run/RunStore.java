package org.orzspark.run;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * The run directory's files, on whatever Hadoop {@link FileSystem} its path names (a local path,
 * {@code file:}, {@code hdfs://}, {@code s3a://}): the few primitives every run file needs, so that
 * {@code run.json}, the lock, state, metrics and failures JSONL and checkpoints are reached the one
 * way the stage outputs ({@code AtomicOutput}) are.
 *
 * <p>Two primitives are weaker in Hadoop's local file system than in the OS: {@code create(path,
 * false)} checks and then creates, and {@code rename} replaces an existing file. On a local run
 * directory they therefore go through {@code java.nio} (create-new, a hard link as no-replace
 * rename); elsewhere through Hadoop ({@code create(path, false)} is exclusive on HDFS, and on S3A
 * with conditional writes; {@link FileContext#rename} with or without {@code OVERWRITE}).
 */
public final class RunStore {
  private final RunLayout layout;
  private final FileSystem fs;
  private final Configuration conf;

  private RunStore(RunLayout layout, FileSystem fs, Configuration conf) {
    this.layout = layout;
    this.fs = fs;
    this.conf = conf;
  }

  /** The store of the run directory {@code layout}, reached with {@code conf}. */
  public static RunStore open(Configuration conf, RunLayout layout) throws IOException {
    FileSystem fs = layout.root().getFileSystem(conf);
    // The raw local file system: the checksummed one adds .crc side files that a java.nio rename
    // leaves behind, stale.
    return new RunStore(
        layout, fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs, conf);
  }

  /** The store of {@code runDir} (a local path or a Hadoop URI) with this JVM's Hadoop settings. */
  public static RunStore open(String runDir) throws IOException {
    return open(hadoopConf(), RunLayout.of(runDir));
  }

  /**
   * The Hadoop configuration of this JVM: the defaults plus Spark's {@code spark.hadoop.*}
   * settings, as Spark builds its own: of the running Spark environment (driver or executor), or,
   * before a session starts, of the {@code spark.*} system properties spark-submit set.
   */
  public static Configuration hadoopConf() {
    Configuration conf = new Configuration();
    SparkEnv env = SparkEnv.get();
    SparkConf spark = env != null ? env.conf() : new SparkConf();
    for (Tuple2<String, String> entry : spark.getAll()) {
      if (entry._1().startsWith("spark.hadoop.")) {
        conf.set(entry._1().substring("spark.hadoop.".length()), entry._2());
      }
    }
    return conf;
  }

  public RunLayout layout() {
    return layout;
  }

  public FileSystem fs() {
    return fs;
  }

  /** Whether the run directory is on this machine's disk (no staging or copying needed). */
  public boolean isLocal() {
    return isLocal(fs);
  }

  static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  /** The local file of {@code path} on a local run directory. */
  public java.nio.file.Path local(Path path) {
    if (!isLocal()) {
      throw new IllegalStateException(path + " is not on a local file system");
    }
    return java.nio.file.Path.of(path.toUri().getPath());
  }

  public boolean exists(Path path) throws IOException {
    return fs.exists(path);
  }

  public boolean isDirectory(Path path) throws IOException {
    return fs.isDirectory(path);
  }

  /** The entries of folder {@code dir}; none when it does not exist. */
  public List<FileStatus> list(Path dir) throws IOException {
    try {
      return Arrays.asList(fs.listStatus(dir));
    } catch (FileNotFoundException absent) {
      return List.of();
    }
  }

  public byte[] read(Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  public String readString(Path file) throws IOException {
    return new String(read(file), StandardCharsets.UTF_8);
  }

  /** The file's bytes, or empty when it does not exist. */
  public Optional<byte[]> readIfExists(Path file) throws IOException {
    try {
      return Optional.of(read(file));
    } catch (FileNotFoundException | NoSuchFileException absent) {
      return Optional.empty();
    }
  }

  /** The modification time of a file, or empty when it does not exist. */
  public Optional<Instant> modified(Path file) throws IOException {
    try {
      return Optional.of(Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime()));
    } catch (FileNotFoundException absent) {
      return Optional.empty();
    }
  }

  public void setModified(Path file, Instant time) throws IOException {
    fs.setTimes(file, time.toEpochMilli(), -1);
  }

  public void mkdirs(Path dir) throws IOException {
    if (!fs.mkdirs(dir)) {
      throw new IOException("cannot create " + dir);
    }
  }

  /** Writes {@code file} directly (not atomic); for files inside a folder committed later. */
  public void write(Path file, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      out.write(bytes);
    }
  }

  /**
   * Replaces {@code file} with {@code bytes} atomically: written to a unique hidden sibling ({@code
   * .<name>.tmp-<uuid>}, which no second writer can share, and which {@link RunLeftovers} removes
   * after a crash) and renamed over the file.
   */
  public void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path temp = tempSibling(file);
    try {
      write(temp, bytes);
      rename(temp, file, true);
    } finally {
      fs.delete(temp, false);
    }
  }

  /** A unique hidden temp name beside {@code path}, in the one form {@link RunLeftovers} knows. */
  public static Path tempSibling(Path path) {
    return new Path(path.getParent(), "." + path.getName() + ".tmp-" + UUID.randomUUID());
  }

  /**
   * Creates {@code file} with {@code bytes} unless it exists, as one exclusive step; false when it
   * exists. Not synced to the disk: its one user, the run lock, needs exclusivity, which the create
   * gives, not durability (a lock a power cut left empty is judged by its heartbeat, the file's
   * modification time). A synchronous write cost ~0.1 s when the iteration before had just written
   * a checkpoint: it waited for those bytes too.
   */
  public boolean createExclusive(Path file, byte[] bytes) throws IOException {
    if (isLocal()) {
      try {
        Files.write(local(file), bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException held) {
        return false;
      }
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException held) {
      return false;
    }
  }

  /**
   * Renames {@code from} to {@code to}. With {@code replace} it is one atomic step. Without it an
   * existing {@code to} makes it fail ({@link FileAlreadyExistsException}), also against a racer;
   * on a local disk a file is then linked under the new name and unlinked under the old one (two
   * steps), so {@code from} should be a name only this writer uses.
   */
  public void rename(Path from, Path to, boolean replace) throws IOException {
    if (isLocal()) {
      java.nio.file.Path source = local(from);
      java.nio.file.Path target = local(to);
      if (replace || Files.isDirectory(source)) {
        // A directory rename never replaces a non-empty one; the store's folders are renamed only
        // onto absent targets (checked by the single writer).
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.createLink(target, source); // fails if the target exists, atomically
        Files.delete(source);
      }
      return;
    }
    try {
      FileContext.getFileContext(fs.getUri(), conf)
          .rename(from, to, replace ? Options.Rename.OVERWRITE : Options.Rename.NONE);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException taken) {
      throw new FileAlreadyExistsException(to.toString(), null, taken.getMessage());
    } catch (FileNotFoundException gone) {
      throw new NoSuchFileException(from.toString(), null, gone.getMessage());
    }
  }

  /** Deletes a file or folder and all below it; nothing when absent. */
  public void delete(Path path) throws IOException {
    if (fs.exists(path) && !fs.delete(path, true) && fs.exists(path)) {
      throw new IOException("cannot delete " + path);
    }
  }

  /** Copies the local folder {@code from} (every file below it) to {@code to} in the store. */
  public void upload(java.nio.file.Path from, Path to) throws IOException {
    fs.copyFromLocalFile(false, true, new Path(from.toUri()), to);
  }
}
