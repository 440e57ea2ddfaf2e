package org.orzspark.datasets.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;

/**
 * Writes an output folder so that readers never see it half-written: everything goes into a hidden
 * sibling temp folder ({@code .<name>.tmp-<uuid>}), {@link #commit} renames it to the final path
 * and only then writes {@code _SUCCESS} in it. Closing without committing deletes the temp folder.
 * Uses the Hadoop FileSystem API, so any Hadoop path works (local, HDFS, S3A).
 *
 * <p>The marker is verifiable: {@code _SUCCESS} holds JSON naming every file of the output with its
 * size and the output's row count ({@code {"files":{"part-0.parquet":1234,...},"rows":16}}). The
 * files and sizes come from one listing of the temp folder at commit; the rows are counted by the
 * writes themselves ({@link #writeParquet} observes its rows as Spark writes them), so nothing is
 * read back at commit; only Parquet data files that did not come through it have their footers
 * read. {@link #check} compares the marker with one listing of the folder (names and sizes, nothing
 * is read), so a missing, truncated or resized file makes the output incomplete, never trusted;
 * {@link #dataFiles} gives readers exactly the Parquet files the marker lists. Because the marker
 * is written last and lists what belongs to the output, the commit does not depend on an atomic
 * folder rename: on a store where renaming is a copy (S3A) a reader that goes through {@link
 * #check} and {@link #dataFiles} sees all of the output or none. An empty {@code _SUCCESS}, as orz
 * wrote before the marker had content, still means complete, unverified ({@link Check#verified()}
 * false).
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
  private static final ObjectMapper JSON = new ObjectMapper();

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
  private long writtenRows;
  private boolean rowsCounted;
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

  /**
   * Whether {@code dir} is a complete output: it has {@code _SUCCESS} and every file the marker
   * lists is there with its recorded size ({@link #check}).
   */
  public static boolean isComplete(Configuration conf, String dir) throws IOException {
    return check(conf, dir).complete();
  }

  /**
   * What the marker of {@code dir} says, checked against one listing of the folder.
   *
   * @param marked {@code _SUCCESS} exists
   * @param verified the marker lists the output's files (false for an empty marker of an older orz)
   * @param damage why a marked output is not complete (a listed file missing or of another size, an
   *     unreadable marker); empty when it is complete
   * @param files the listed files, relative to {@code dir}, with their sizes (empty unless
   *     verified)
   * @param rows the output's Parquet rows, or -1 when not verified
   */
  public record Check(
      boolean marked,
      boolean verified,
      Optional<String> damage,
      Map<String, Long> files,
      long rows) {
    public boolean complete() {
      return marked && damage.isEmpty();
    }

    /** Marked but not what its marker lists: to be removed and written again. */
    public boolean damaged() {
      return damage.isPresent();
    }
  }

  /**
   * Checks {@code dir} against its marker: names and sizes from one listing, no file read but the
   * marker. Never throws for a damaged output; only for a file system that cannot be listed.
   */
  public static Check check(Configuration conf, String dir) throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.MARKERS)) {
      return compareWithMarker(conf, dir);
    }
  }

  private static Check compareWithMarker(Configuration conf, String dir) throws IOException {
    Path folder = new Path(dir);
    FileSystem fs = folder.getFileSystem(conf);
    folder = fs.makeQualified(folder);
    Path marker = new Path(folder, SUCCESS);
    byte[] content;
    try (InputStream in = fs.open(marker)) {
      content = in.readAllBytes();
    } catch (FileNotFoundException missing) {
      return new Check(false, false, Optional.empty(), Map.of(), -1);
    } catch (IOException unreadable) {
      // e.g. a local file system's checksum of the marker no longer matches its bytes
      return damaged("its " + SUCCESS + " marker is unreadable (" + unreadable.getMessage() + ")");
    }
    if (content.length == 0) {
      return new Check(true, false, Optional.empty(), Map.of(), -1);
    }
    Marker recorded;
    try {
      recorded = JSON.readValue(content, Marker.class);
    } catch (IOException unreadable) {
      return damaged("its " + SUCCESS + " marker is unreadable");
    }
    if (recorded.files() == null) {
      return damaged("its " + SUCCESS + " marker lists no files");
    }
    Map<String, Long> found = listing(fs, folder);
    for (Map.Entry<String, Long> file : recorded.files().entrySet()) {
      Long size = found.get(file.getKey());
      if (size == null) {
        return damaged(file.getKey() + " is missing");
      }
      if (size.longValue() != file.getValue()) {
        return damaged(
            file.getKey() + " has " + size + " bytes, its marker says " + file.getValue());
      }
    }
    return new Check(true, true, Optional.empty(), recorded.files(), recorded.rows());
  }

  private static Check damaged(String why) {
    return new Check(true, false, Optional.of(why), Map.of(), -1);
  }

  /**
   * The Parquet data files of a complete output, qualified, exactly those its marker lists (files
   * named {@code _*} or {@code .*} are not data, as for Spark); for an older unverified marker, the
   * folder itself. Read with {@code spark.read().parquet(dataFiles(...))}.
   *
   * @throws IllegalStateException when {@code dir} is not complete
   */
  public static String[] dataFiles(Configuration conf, String dir) throws IOException {
    return dataFiles(conf, dir, check(conf, dir));
  }

  /**
   * {@link #dataFiles(Configuration, String)} with the {@link #check} of {@code dir} already made
   * (one listing, not two).
   */
  public static String[] dataFiles(Configuration conf, String dir, Check check) throws IOException {
    if (!check.complete()) {
      throw new IllegalStateException(
          dir + " is not a complete output: " + check.damage().orElse("no " + SUCCESS));
    }
    Path folder = new Path(dir);
    folder = folder.getFileSystem(conf).makeQualified(folder);
    List<String> data = new ArrayList<>();
    for (String name : check.files().keySet()) {
      if (isData(name)) {
        data.add(new Path(folder, name).toString());
      }
    }
    return check.verified() && !data.isEmpty()
        ? data.toArray(String[]::new)
        : new String[] {folder.toString()};
  }

  /** Whether a relative file name is data (not a {@code _}- or {@code .}-named side file). */
  private static boolean isData(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every file below {@code folder} but the marker, relative to it, with its size. Plain listings,
   * not {@code listFiles}, which also looks up every file's block locations: on a local file system
   * that made each check several times slower.
   */
  private static Map<String, Long> listing(FileSystem fs, Path folder) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    addListing(fs, folder, "", files);
    files.remove(SUCCESS);
    return files;
  }

  private static void addListing(FileSystem fs, Path dir, String prefix, Map<String, Long> files)
      throws IOException {
    for (FileStatus status : fs.listStatus(dir)) {
      String relative = prefix + status.getPath().getName();
      if (status.isDirectory()) {
        addListing(fs, status.getPath(), relative + "/", files);
      } else {
        files.put(relative, status.getLen());
      }
    }
  }

  /**
   * The output's rows: those {@link #writeParquet} counted, or, for Parquet data written otherwise,
   * the rows in the footers of the data files among {@code files} (relative to {@code folder}).
   */
  private long rows(Path folder, Map<String, Long> files) throws IOException {
    if (rowsCounted) {
      return writtenRows;
    }
    long rows = 0;
    for (String name : files.keySet()) {
      if (isData(name) && name.endsWith(".parquet")) {
        try (ParquetFileReader reader =
            ParquetFileReader.open(
                HadoopInputFile.fromPath(new Path(folder, name), fs.getConf()))) {
          rows += reader.getRecordCount();
        }
      }
    }
    return rows;
  }

  /** The content of a {@code _SUCCESS} marker. */
  private record Marker(Map<String, Long> files, long rows) {}

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

  /**
   * Appends {@code frame} as Parquet at {@code relative} inside the temp folder. Data (not a {@code
   * _}- or {@code .}-named side folder) has its rows counted while Spark writes them, for the
   * marker: an observed count, merged from the write's own tasks, so the commit reads nothing back.
   * Waiting for the count to reach the driver is timed as the store's marker cost.
   */
  public void writeParquet(Dataset<Row> frame, String relative) {
    if (!isData(relative)) {
      write(frame, relative);
      return;
    }
    // One name per write: concurrent writes of one session must not share an observation.
    Observation rows = new Observation("orz_output_rows_" + UUID.randomUUID());
    write(frame.observe(rows, functions.count(functions.lit(1)).as("rows")), relative);
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.MARKERS)) {
      writtenRows += ((Number) rows.getAsJava().get("rows")).longValue();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the rows written", interrupted);
    }
    rowsCounted = true;
  }

  private void write(Dataset<Row> frame, String relative) {
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
   * Lists the temp folder's files (sizes, Parquet rows), renames it to the target (replacing it
   * when allowed, its carried entries moved into the new output first), then writes the {@code
   * _SUCCESS} marker naming those files: into a hidden file first, renamed to its name, so that a
   * crash never leaves a marker that is empty or half-written.
   */
  public void commit() throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.MARKERS)) {
      renameAndMark();
    }
  }

  private void renameAndMark() throws IOException {
    if (committed) {
      throw new IllegalStateException("already committed: " + target);
    }
    Map<String, Long> files = listing(fs, fs.makeQualified(temp));
    byte[] marker = JSON.writeValueAsBytes(new Marker(files, rows(temp, files)));
    if (fs.exists(target)) {
      switch (replace) {
        case NOTHING ->
            throw new IOException(target + " appeared while writing; not overwriting it");
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
      FaultPoints.reach("output.before-rename:" + target.getParent().getName());
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
    FaultPoints.reach("output.before-marker:" + target.getParent().getName());
    Path pending = new Path(target, "." + SUCCESS + ".tmp-" + UUID.randomUUID());
    try (OutputStream out = fs.create(pending, false)) {
      out.write(marker);
    }
    move(pending, new Path(target, SUCCESS));
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
