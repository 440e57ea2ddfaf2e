package org.orzspark.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes what crashed attempts of {@code orz iterate} left in a run directory: temp folders and
 * files ({@code .<name>.tmp-<uuid>} of {@code AtomicOutput}, {@link CheckpointStore} and the
 * metrics file; the older fixed {@code <name>.tmp}) in the folders an iteration writes
 * ({@code checkpoints/}, {@code rollouts/} with its {@code _generated/} and {@code _prompts/},
 * {@code experience/}, {@code metrics/}), and checkpoint folders without {@code _SUCCESS} older
 * than the latest marked one (a prune cut short). Run only while holding the {@link RunLock}: then
 * no live writer owns any of them. Evaluation, analysis and report folders are not touched
 * ({@code orz evaluate} and {@code orz analyze} may be writing there).
 */
public final class RunLeftovers {
  private static final Pattern TEMP = Pattern.compile("\\..+\\.tmp-.+|.+\\.tmp");

  private RunLeftovers() {}

  /** Deletes the leftovers of crashed attempts; returns what it deleted. */
  public static List<Path> remove(RunLayout layout) throws IOException {
    List<Path> found = new ArrayList<>();
    Path root = layout.root();
    collectTemps(layout.checkpoints(), false, found);
    collectTemps(root.resolve("rollouts"), true, found);
    collectTemps(root.resolve("experience"), true, found);
    collectTemps(layout.metrics(), true, found);
    found.addAll(unmarkedOldCheckpoints(layout));
    for (Path path : found) {
      CheckpointStore.deleteRecursively(path);
    }
    return found;
  }

  /** Whether a file name is a temp name of an orz writer. */
  static boolean isTemp(String name) {
    return TEMP.matcher(name).matches();
  }

  private static void collectTemps(Path dir, boolean intoUnderscored, List<Path> found)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (isTemp(name)) {
          found.add(child);
        } else if (intoUnderscored && name.startsWith("_") && Files.isDirectory(child)) {
          collectTemps(child, false, found);
        }
      }
    }
  }

  private static List<Path> unmarkedOldCheckpoints(RunLayout layout) throws IOException {
    CheckpointStore store = new CheckpointStore(layout);
    int latest = store.latestMarked().map(CheckpointStore.Folder::iteration).orElse(-1);
    return store.folders().stream()
        .filter(folder -> folder.iteration() < latest && !folder.marked())
        .map(CheckpointStore.Folder::path)
        .toList();
  }

}
