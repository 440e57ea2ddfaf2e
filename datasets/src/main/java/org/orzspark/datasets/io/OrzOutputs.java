package org.orzspark.datasets.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Collection;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one rule for replacing a folder a user named ({@code --overwrite}, {@code orz analyze}'s
 * output, the folders {@code orz init} lays out in a {@code --run-dir}): orz deletes only what it
 * wrote, so that no option can turn it into {@code rm -rf $HOME}.
 *
 * <p>A folder orz wrote has its completion marker {@link AtomicOutput#SUCCESS} at the top level;
 * every orz version wrote it last ({@code orz score} through Spark's own committer). An empty
 * folder may be replaced too, since deleting it loses nothing. A missing folder is simply written.
 * Anything else, a file or a folder without the marker (a home folder, someone's data, an output
 * whose copy into place was cut short), is refused as the caller's mistake ({@link
 * IllegalArgumentException}: one line, exit status 2), for the user to look at.
 */
public final class OrzOutputs {

  private OrzOutputs() {}

  /**
   * Returns when {@code dir} is missing, empty or an orz output, else refuses it.
   *
   * @param carried entries of {@code dir} that the new output takes over instead of deleting
   *     ({@code orz curate pass-rate}'s work folder); they do not count against replacing it
   * @throws IllegalArgumentException naming {@code dir} and why it is not orz's to replace
   */
  public static void checkReplaceable(FileSystem fs, Path dir, Collection<String> carried)
      throws IOException {
    FileStatus status;
    try {
      status = fs.getFileStatus(dir);
    } catch (FileNotFoundException missing) {
      return;
    }
    if (!status.isDirectory()) {
      throw refusal(dir, "it is a file, not an orz output folder");
    }
    if (fs.exists(new Path(dir, AtomicOutput.SUCCESS))) {
      return;
    }
    for (FileStatus child : fs.listStatus(dir)) {
      if (!carried.contains(child.getPath().getName())) {
        throw refusal(dir, "it is not an orz output (no " + AtomicOutput.SUCCESS + ")");
      }
    }
  }

  private static IllegalArgumentException refusal(Path dir, String why) {
    // A local path reads best as the user typed it, without file:.
    String shown = "file".equals(dir.toUri().getScheme()) ? dir.toUri().getPath() : dir.toString();
    return new IllegalArgumentException(
        "refusing to replace "
            + shown
            + ": "
            + why
            + "; choose another output folder or remove it yourself");
  }
}
