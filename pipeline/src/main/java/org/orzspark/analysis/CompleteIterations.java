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
 * are complete, i.e. hold the {@code _SUCCESS} marker the stages write last. Folders still being
 * written (hidden temp folders, or a renamed one whose marker is not there yet) are counted as
 * incomplete, so analysis works on a run in progress.
 *
 * @param complete iteration number to folder, ascending
 * @param incomplete iterations whose folder has no marker yet
 */
public record CompleteIterations(SortedMap<Integer, String> complete, List<Integer> incomplete) {

  private static final Pattern NAME = Pattern.compile("iteration=(\\d{1,9})");

  /** Lists {@code table}; a missing folder has no iterations. */
  public static CompleteIterations list(Configuration conf, String table) {
    TreeMap<Integer, String> complete = new TreeMap<>();
    List<Integer> incomplete = new ArrayList<>();
    try {
      Path dir = new Path(table);
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return new CompleteIterations(Collections.emptySortedMap(), List.of());
      }
      for (FileStatus child : fs.listStatus(dir)) {
        Matcher m = NAME.matcher(child.getPath().getName());
        if (!child.isDirectory() || !m.matches()) {
          continue;
        }
        int iteration = Integer.parseInt(m.group(1));
        if (fs.exists(new Path(child.getPath(), AtomicOutput.SUCCESS))) {
          complete.put(iteration, child.getPath().toString());
        } else {
          incomplete.add(iteration);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + table, e);
    }
    incomplete.sort(null);
    return new CompleteIterations(
        Collections.unmodifiableSortedMap(complete), List.copyOf(incomplete));
  }

  public boolean isEmpty() {
    return complete.isEmpty();
  }

  public String[] paths() {
    return complete.values().toArray(String[]::new);
  }
}
