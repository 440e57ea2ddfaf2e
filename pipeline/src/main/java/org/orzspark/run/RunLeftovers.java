package org.orzspark.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.orzspark.datasets.io.StoreCosts;

/**
 * Removes what crashed attempts of {@code orz iterate} left in a run directory: temp folders and
 * files ({@code .<name>.tmp-<uuid>} of {@code AtomicOutput}, {@link CheckpointStore} and {@link
 * RunStore#writeAtomically}; the older fixed {@code <name>.tmp}) in the folders an iteration writes
 * ({@code checkpoints/}, {@code rollouts/} with its {@code _generated/} and {@code _prompts/},
 * {@code experience/}, {@code metrics/}), and checkpoint folders without {@code _SUCCESS} older
 * than the latest marked one (a prune cut short). Run only while holding the {@link RunLock}: then
 * no live writer owns any of them. Evaluation, analysis and report folders are not touched ({@code
 * orz evaluate} and {@code orz analyze} may be writing there).
 */
public final class RunLeftovers {
  private static final Pattern TEMP = Pattern.compile("\\..+\\.tmp-.+|.+\\.tmp");

  private RunLeftovers() {}

  /** Deletes the leftovers of crashed attempts; returns what it deleted. */
  public static List<Path> remove(RunStore store) throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.LOCK)) {
      return removeAll(store);
    }
  }

  private static List<Path> removeAll(RunStore store) throws IOException {
    RunLayout layout = store.layout();
    List<Path> found = new ArrayList<>();
    collectTemps(store, layout.checkpoints(), false, found);
    collectTemps(store, layout.rollouts(), true, found);
    collectTemps(store, layout.experience(), true, found);
    collectTemps(store, layout.metrics(), true, found);
    found.addAll(unmarkedOldCheckpoints(store));
    for (Path path : found) {
      store.delete(path);
    }
    return found;
  }

  /** Whether a file name is a temp name of an orz writer. */
  static boolean isTemp(String name) {
    return TEMP.matcher(name).matches();
  }

  private static void collectTemps(
      RunStore store, Path dir, boolean intoUnderscored, List<Path> found) throws IOException {
    for (FileStatus child : store.list(dir)) {
      String name = child.getPath().getName();
      if (isTemp(name)) {
        found.add(child.getPath());
      } else if (intoUnderscored && name.startsWith("_") && child.isDirectory()) {
        collectTemps(store, child.getPath(), false, found);
      }
    }
  }

  private static List<Path> unmarkedOldCheckpoints(RunStore store) throws IOException {
    CheckpointStore checkpoints = new CheckpointStore(store);
    List<CheckpointStore.Folder> folders = checkpoints.folders();
    int latest =
        folders.stream()
            .filter(CheckpointStore.Folder::marked)
            .findFirst()
            .map(CheckpointStore.Folder::iteration)
            .orElse(-1);
    return folders.stream()
        .filter(folder -> folder.iteration() < latest && !folder.marked())
        .map(CheckpointStore.Folder::path)
        .toList();
  }
}
