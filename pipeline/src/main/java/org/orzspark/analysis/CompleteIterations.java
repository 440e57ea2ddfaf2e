package org.orzspark.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.orzspark.datasets.io.AtomicOutput;

/**
 * The {@code iteration=N} folders of a run table ({@code rollouts/}, {@code metrics/}, ...) that
 * are complete by their {@code _SUCCESS} marker, checked as a reused stage output is ({@link
 * AtomicOutput#check}): every file the marker lists is there with its recorded size. Folders still
 * being written (hidden temp folders, or a renamed one whose marker is not there yet) are
 * incomplete, so analysis works on a run in progress; a marked folder that does not match its
 * marker is damaged and not read. An empty marker of an older orz still means complete
 * (unverified).
 *
 * @param complete iteration number to the data files its marker lists (the folder itself for an
 *     unverified marker), ascending
 * @param incomplete iterations whose folder has no marker yet
 * @param damaged iterations whose folder does not match its marker, with why
 */
public record CompleteIterations(
    SortedMap<Integer, List<String>> complete,
    List<Integer> incomplete,
    SortedMap<Integer, String> damaged) {

  private static final Pattern NAME = Pattern.compile("iteration=(\\d{1,9})");

  /** Lists {@code table}; a missing folder has no iterations. */
  public static CompleteIterations list(Configuration conf, String table) {
    TreeMap<Integer, List<String>> complete = new TreeMap<>();
    List<Integer> incomplete = new ArrayList<>();
    TreeMap<Integer, String> damaged = new TreeMap<>();
    try {
      Path dir = new Path(table);
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return new CompleteIterations(
            Collections.emptySortedMap(), List.of(), Collections.emptySortedMap());
      }
      for (FileStatus child : fs.listStatus(dir)) {
        Matcher m = NAME.matcher(child.getPath().getName());
        if (!child.isDirectory() || !m.matches()) {
          continue;
        }
        int iteration = Integer.parseInt(m.group(1));
        String folder = child.getPath().toString();
        AtomicOutput.Check check = AtomicOutput.check(conf, folder);
        if (check.complete()) {
          complete.put(iteration, List.of(AtomicOutput.dataFiles(conf, folder, check)));
        } else if (check.damaged()) {
          damaged.put(iteration, check.damage().orElseThrow());
        } else {
          incomplete.add(iteration);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + table, e);
    }
    incomplete.sort(null);
    return new CompleteIterations(
        Collections.unmodifiableSortedMap(complete),
        List.copyOf(incomplete),
        Collections.unmodifiableSortedMap(damaged));
  }

  public boolean isEmpty() {
    return complete.isEmpty();
  }

  /** The data files of every complete iteration, to read with the table as {@code basePath}. */
  public String[] paths() {
    return complete.values().stream().flatMap(List::stream).toArray(String[]::new);
  }

  /**
   * The damaged iterations in one line ({@code "2 (part-0.parquet is missing); 5 (...)"}), empty
   * when there are none.
   */
  public String describeDamaged() {
    List<String> parts = new ArrayList<>();
    damaged.forEach((iteration, why) -> parts.add(iteration + " (" + why + ")"));
    return String.join("; ", parts);
  }
}
