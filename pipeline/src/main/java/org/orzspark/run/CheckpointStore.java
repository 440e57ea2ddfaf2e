package org.orzspark.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.datasets.io.StoreCosts;

/**
 * Writes and finds checkpoints in a {@link RunStore}. The model code writes a checkpoint's files
 * into a local folder ({@link Contents}): on a local run directory that is the checkpoint's
 * temporary sibling folder itself, elsewhere a local staging folder that is then uploaded into it.
 * The temporary folder gets a {@code MANIFEST.json} (the {@link FileChecksum} of every file, by
 * relative name), is renamed into place, and only then gets the {@code _SUCCESS} marker.
 *
 * <p>Readers trust only what the manifest lists, and only once the marker exists ({@link #verify}
 * hashes exactly the listed files): a checkpoint is never judged by a folder listing, so a store
 * whose rename is a copy (S3A) cannot pass off a partly copied folder, and stray files beside the
 * listed ones are ignored. {@link #latestComplete} hashes only the checkpoint it returns (and any
 * newer unusable ones); {@link #prune} applies {@code checkpoint.keep_every}.
 *
 * <p>Several writers, one commit: the tasks of a barrier stage each write their own files (e.g. the
 * optimizer shards of a sharded update) into one attempt folder ({@link #writePart}), and after a
 * barrier one task commits it ({@link #commit}) with every part's checksums in the manifest.
 *
 * <p>A checkpoint this process wrote is not hashed again by it: its files were hashed for the
 * manifest moments before. Verifying it compares one listing with the sizes and modification times
 * the files had at commit, and the manifest with the one written; anything changed since (or a
 * checkpoint another process wrote, e.g. an update on a cluster's executor) is hashed in full.
 */
public final class CheckpointStore {
  public static final String MANIFEST = "MANIFEST.json";
  private static final Pattern NAME = Pattern.compile("iter-(\\d{6,})");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final RunStore store;
  private final RunLayout layout;
  private final AtomicLong foldersHashed = new AtomicLong();

  /** The checkpoints this process committed, by qualified folder. */
  private static final Map<String, Committed> COMMITTED = new ConcurrentHashMap<>();

  /** A listed file's size and modification time. */
  private record Stamp(long size, long modified) {}

  /** A committed checkpoint's manifest and the stamps of the files it lists, as committed. */
  private record Committed(Map<String, String> manifest, Map<String, Stamp> stamps) {}

  public CheckpointStore(RunStore store) {
    this.store = store;
    this.layout = store.layout();
  }

  /** Writes the contents of a checkpoint into a local folder. */
  @FunctionalInterface
  public interface Contents {
    void writeTo(java.nio.file.Path folder) throws IOException;
  }

  /** Why a checkpoint folder is not usable, or empty when it is complete and intact. */
  public record Verdict(int iteration, Path folder, Optional<String> problem) {
    public boolean complete() {
      return problem.isEmpty();
    }
  }

  /**
   * Writes checkpoint {@code iteration} atomically. An incomplete folder of the same iteration (a
   * crash mid-write) is replaced. A complete one is kept when the new contents are the same (a
   * barrier stage retried after its task committed): same files with the same checksums, apart from
   * the {@code attemptFiles} (names relative to the checkpoint, e.g. an attempt's timings), which
   * keep their committed version; different contents are refused ({@link
   * FileAlreadyExistsException} naming the first differing file).
   */
  public Path write(int iteration, Set<String> attemptFiles, Contents contents) throws IOException {
    return commit(iteration, newAttempt(), attemptFiles, Map.of(), contents);
  }

  /**
   * A fresh attempt id for a checkpoint that several barrier tasks write: one task draws it and
   * shares it (e.g. through the barrier's {@code allGather}), each task writes its own files with
   * {@link #writePart}, and after a barrier one task calls {@link #commit} with every part's
   * checksums. A retried stage draws a new id, so no attempt ever sees another's files.
   */
  public static String newAttempt() {
    return UUID.randomUUID().toString();
  }

  /**
   * The folder attempt {@code attempt} of checkpoint {@code iteration} is written into: a hidden
   * temp sibling, in the form {@link RunLeftovers} removes when a crashed attempt leaves it.
   */
  Path attemptFolder(int iteration, String attempt) {
    Path target = layout.checkpoint(iteration);
    return new Path(target.getParent(), "." + target.getName() + ".tmp-" + attempt);
  }

  /**
   * Writes one barrier task's own files of attempt {@code attempt} of checkpoint {@code iteration}
   * (e.g. its optimizer shard) into the attempt's folder, in parallel with the other tasks. Nothing
   * is committed: a task that dies before the barrier leaves an unlisted temp folder, which the
   * next start removes.
   *
   * @return the checksum of each file written, by name relative to the checkpoint, for {@link
   *     #commit}
   */
  public Map<String, String> writePart(int iteration, String attempt, Contents contents)
      throws IOException {
    java.nio.file.Path staging = Files.createTempDirectory("orz-checkpoint-part-");
    try {
      contents.writeTo(staging);
      Map<String, String> sums = localChecksums(staging, Set.of());
      Path temp = attemptFolder(iteration, attempt);
      for (String name : sums.keySet()) {
        if (store.isLocal()) {
          java.nio.file.Path into = store.local(new Path(temp, name));
          Files.createDirectories(into.getParent());
          Files.move(staging.resolve(name), into, StandardCopyOption.REPLACE_EXISTING);
        } else {
          store.fs().copyFromLocalFile(false, true, localPath(staging, name), new Path(temp, name));
        }
      }
      return sums;
    } finally {
      deleteLocal(staging);
    }
  }

  /**
   * Commits attempt {@code attempt} of checkpoint {@code iteration}: writes this task's own files
   * into the attempt's folder beside the parts other tasks wrote ({@link #writePart}), whose
   * checksums {@code parts} lists, then commits as {@link #write} does. The manifest lists every
   * file, the parts included, so a reader trusts none that a crashed task left half-written; a
   * retry whose files (parts included) have the same checksums keeps the committed checkpoint.
   */
  public Path commit(
      int iteration,
      String attempt,
      Set<String> attemptFiles,
      Map<String, String> parts,
      Contents contents)
      throws IOException {
    Path target = layout.checkpoint(iteration);
    Path temp = attemptFolder(iteration, attempt);
    java.nio.file.Path local =
        store.isLocal() ? store.local(temp) : Files.createTempDirectory("orz-checkpoint-staging-");
    try {
      Files.createDirectories(local);
      contents.writeTo(local);
      Files.deleteIfExists(local.resolve(AtomicOutput.SUCCESS));
      Files.deleteIfExists(local.resolve(MANIFEST));
      // On a local store the parts already lie in this folder: hashed by their writers only.
      Map<String, String> sums = localChecksums(local, parts.keySet());
      for (var part : parts.entrySet()) {
        if (sums.putIfAbsent(part.getKey(), part.getValue()) != null) {
          throw new IllegalStateException(
              "checkpoint file " + part.getKey() + " written by two tasks of one attempt");
        }
      }
      if (store.exists(target)) {
        Verdict committed = verify(iteration, target);
        if (committed.complete()) {
          Map<String, String> manifest = manifest(target);
          requireSame(iteration, manifest, inFormOf(manifest, sums, local), attemptFiles);
          return target;
        }
        store.delete(target);
      }
      if (!store.isLocal()) {
        for (String name : localFiles(local, Set.of())) {
          store.fs().copyFromLocalFile(false, true, localPath(local, name), new Path(temp, name));
        }
      }
      store.write(new Path(temp, MANIFEST), JSON.writeValueAsBytes(sums));
      FaultPoints.reach("checkpoint.before-rename");
      store.rename(temp, target, false);
      FaultPoints.reach("checkpoint.before-marker");
      // The marker last, in place: where a rename is a copy (S3A), it appears only after every
      // listed file did. A crash before it leaves an unmarked folder, which the next write of
      // this iteration replaces.
      store.write(new Path(target, AtomicOutput.SUCCESS), new byte[0]);
      remember(target, sums);
    } finally {
      if (!store.isLocal()) {
        deleteLocal(local);
      }
      store.delete(temp);
    }
    return target;
  }

  /**
   * {@code sums} with each local file that {@code committed} lists in another checksum form (a
   * manifest written by an older version) hashed again in that form, so the two compare.
   */
  private static Map<String, String> inFormOf(
      Map<String, String> committed, Map<String, String> sums, java.nio.file.Path local)
      throws IOException {
    Map<String, String> comparable = new TreeMap<>(sums);
    for (var entry : sums.entrySet()) {
      String recorded = committed.get(entry.getKey());
      java.nio.file.Path file = local.resolve(entry.getKey());
      if (recorded != null
          && !FileChecksum.sameForm(recorded, entry.getValue())
          && Files.isRegularFile(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          comparable.put(entry.getKey(), FileChecksum.like(recorded, in));
        }
      }
    }
    return comparable;
  }

  private static Path localPath(java.nio.file.Path folder, String name) {
    return new Path(folder.resolve(name).toUri());
  }

  /** {@link #write} with every file compared on a retry. */
  public Path write(int iteration, Contents contents) throws IOException {
    return write(iteration, Set.of(), contents);
  }

  /**
   * Refuses a retried checkpoint whose contents differ from the committed one's manifest, apart
   * from the attempt's own files.
   */
  static void requireSame(
      int iteration,
      Map<String, String> committed,
      Map<String, String> written,
      Set<String> attemptFiles)
      throws FileAlreadyExistsException {
    Map<String, String> left = new TreeMap<>(committed);
    Map<String, String> right = new TreeMap<>(written);
    left.keySet().removeAll(attemptFiles);
    right.keySet().removeAll(attemptFiles);
    if (left.equals(right)) {
      return;
    }
    String differs =
        Stream.concat(left.keySet().stream(), right.keySet().stream())
            .sorted()
            .filter(name -> !java.util.Objects.equals(left.get(name), right.get(name)))
            .findFirst()
            .orElse("?");
    throw new FileAlreadyExistsException(
        layoutName(iteration),
        null,
        "checkpoint "
            + iteration
            + " is already committed with different contents ("
            + differs
            + " differs); a retried update must reproduce it exactly");
  }

  private static String layoutName(int iteration) {
    return String.format("iter-%06d", iteration);
  }

  /**
   * The complete checkpoint with the highest iteration, if any. Folders are checked newest first
   * and the first intact one is returned, so normally exactly one checkpoint (the one that will be
   * loaded) is hashed, however long the run's history: older checkpoints are hashed only when every
   * newer one is unusable.
   */
  public Optional<Verdict> latestComplete() throws IOException {
    for (Folder folder : folders()) {
      Verdict verdict = check(folder.iteration(), folder.path());
      if (verdict.complete()) {
        return Optional.of(verdict);
      }
    }
    return Optional.empty();
  }

  /**
   * The checkpoint a reader loads: {@code requested}, or the latest complete one when null. Every
   * command that reads a checkpoint chooses it here, so they refuse alike, in one line: no complete
   * checkpoint at all; a requested one that does not exist (pruned by {@code
   * checkpoint.keep_every}, or not written yet), naming the complete ones; a requested one that
   * fails {@link #verify}, with its problem.
   *
   * @throws IllegalArgumentException when there is no such usable checkpoint
   */
  public Verdict usable(Integer requested) throws IOException {
    if (requested == null) {
      return latestComplete()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "no complete checkpoint in " + layout.checkpoints()));
    }
    List<Folder> folders = folders();
    if (folders.stream().noneMatch(f -> f.iteration() == requested)) {
      boolean pruned = !folders.isEmpty() && folders.get(0).iteration() > requested;
      throw new IllegalArgumentException(
          "checkpoint "
              + requested
              + " does not exist ("
              + (pruned ? "pruned: " + keepEvery() : "not written yet")
              + "); complete ones: "
              + folders.stream().filter(Folder::marked).map(Folder::iteration).sorted().toList());
    }
    Verdict verdict = check(requested, layout.checkpoint(requested));
    if (!verdict.complete()) {
      throw new IllegalArgumentException(
          "checkpoint " + requested + " is not usable: " + verdict.problem().orElseThrow());
    }
    return verdict;
  }

  /** The run's {@code checkpoint.keep_every} setting, for messages about pruned checkpoints. */
  private String keepEvery() {
    try {
      return RunSettings.SAVE_EVERY.key() + "=" + RunConfig.read(store).get(RunSettings.SAVE_EVERY);
    } catch (IOException | RuntimeException unreadable) {
      return RunSettings.SAVE_EVERY.key();
    }
  }

  /**
   * Every checkpoint folder, newest first, each with its verdict: a full audit that hashes every
   * checkpoint of the run (diagnostics and tests; finding the latest is {@link #latestComplete}).
   */
  public List<Verdict> scan() throws IOException {
    List<Verdict> verdicts = new ArrayList<>();
    for (Folder folder : folders()) {
      verdicts.add(check(folder.iteration(), folder.path()));
    }
    return verdicts;
  }

  /** How many checkpoint folders this store has hashed (its cost; tests). */
  public long foldersHashed() {
    return foldersHashed.get();
  }

  private Verdict check(int iteration, Path folder) {
    foldersHashed.incrementAndGet();
    return verify(iteration, folder);
  }

  /**
   * A checkpoint folder ({@code iter-N}) and whether it has its {@code _SUCCESS} marker (not
   * hashed).
   */
  public record Folder(int iteration, Path path, boolean marked) {}

  /** The checkpoint folders ({@code iter-N}, complete or not), by iteration, newest first. */
  public List<Folder> folders() throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.MARKERS)) {
      return listFolders();
    }
  }

  private List<Folder> listFolders() throws IOException {
    List<Folder> folders = new ArrayList<>();
    for (FileStatus status : store.list(layout.checkpoints())) {
      Optional<Integer> iteration = iterationOf(status.getPath().getName());
      if (status.isDirectory() && iteration.isPresent()) {
        folders.add(
            new Folder(
                iteration.get(),
                status.getPath(),
                store.exists(new Path(status.getPath(), AtomicOutput.SUCCESS))));
      }
    }
    folders.sort(Comparator.comparingInt(Folder::iteration).reversed());
    return folders;
  }

  /** The newest checkpoint with a marker, judged by the marker alone (no hashing), or empty. */
  public Optional<Folder> latestMarked() throws IOException {
    return folders().stream().filter(Folder::marked).findFirst();
  }

  /**
   * Deletes the checkpoints {@code checkpoint.keep_every} does not keep: of the checkpoints with a
   * {@code _SUCCESS} marker (not hashed), the latest two are kept, and so is every one whose
   * iteration is a multiple of {@code keepEvery} or that {@code referenced} names (an evaluation of
   * it exists); the rest are deleted, each marker first, so that a crash mid-delete leaves an
   * incomplete checkpoint that nothing loads and the next iteration's cleanup removes. Folders
   * without a marker are left to that cleanup. Only the run's single writer may call this.
   *
   * @return the deleted iterations, newest first
   */
  public List<Integer> prune(int keepEvery, IntPredicate referenced) throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.MARKERS)) {
      return pruneMarked(keepEvery, referenced);
    }
  }

  private List<Integer> pruneMarked(int keepEvery, IntPredicate referenced) throws IOException {
    if (keepEvery < 1) {
      throw new IllegalArgumentException("keepEvery must be >= 1, got " + keepEvery);
    }
    List<Integer> deleted = new ArrayList<>();
    int marked = 0;
    for (Folder folder : folders()) {
      if (!folder.marked()) {
        continue;
      }
      marked++;
      int iteration = folder.iteration();
      if (marked <= 2 || iteration % keepEvery == 0 || referenced.test(iteration)) {
        continue;
      }
      store.delete(new Path(folder.path(), AtomicOutput.SUCCESS));
      store.delete(folder.path());
      deleted.add(iteration);
    }
    return deleted;
  }

  /** Checks checkpoint {@code iteration}'s marker and every checksum its manifest lists. */
  public Verdict verify(int iteration) {
    return verify(iteration, layout.checkpoint(iteration));
  }

  /** Checks the marker and every checksum of one checkpoint folder. */
  public Verdict verify(int iteration, Path folder) {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.MARKERS)) {
      return hashAgainstManifest(iteration, folder);
    }
  }

  private Verdict hashAgainstManifest(int iteration, Path folder) {
    try {
      Map<String, Stamp> listed = stamps(folder);
      if (!listed.containsKey(AtomicOutput.SUCCESS)) {
        return new Verdict(
            iteration,
            folder,
            Optional.of("no " + AtomicOutput.SUCCESS + " marker (partial write)"));
      }
      if (!listed.containsKey(MANIFEST)) {
        return new Verdict(iteration, folder, Optional.of("no " + MANIFEST));
      }
      Map<String, String> manifest = manifest(folder);
      if (unchangedSinceCommit(folder, manifest, listed)) {
        return new Verdict(iteration, folder, Optional.empty());
      }
      for (var entry : manifest.entrySet()) {
        Path file = new Path(folder, entry.getKey());
        if (!listed.containsKey(entry.getKey())) {
          return new Verdict(iteration, folder, Optional.of("missing file " + entry.getKey()));
        }
        boolean matches;
        try (InputStream in = store.fs().open(file)) {
          matches = FileChecksum.matches(entry.getValue(), in);
        }
        if (!matches) {
          return new Verdict(
              iteration, folder, Optional.of("checksum mismatch in " + entry.getKey()));
        }
      }
      return new Verdict(iteration, folder, Optional.empty());
    } catch (IOException | RuntimeException e) {
      return new Verdict(iteration, folder, Optional.of("unreadable: " + e.getMessage()));
    }
  }

  /**
   * Forgets the checkpoints this process committed, so that each is hashed when next verified, as
   * in a new process: a benchmark's iteration then pays what an {@code orz iterate} (one iteration
   * per application) pays at its start.
   */
  public static void forgetCommitted() {
    COMMITTED.clear();
  }

  /** Records a checkpoint this process just committed with the manifest it hashed for it. */
  private void remember(Path folder, Map<String, String> manifest) throws IOException {
    Map<String, Stamp> listed = stamps(folder);
    listed.keySet().retainAll(manifest.keySet());
    COMMITTED.put(qualified(folder), new Committed(Map.copyOf(manifest), listed));
  }

  /**
   * Whether {@code folder} is a checkpoint this process committed, with the same manifest and every
   * listed file of the size and modification time it had at commit.
   */
  private boolean unchangedSinceCommit(
      Path folder, Map<String, String> manifest, Map<String, Stamp> listed) {
    Committed committed = COMMITTED.get(qualified(folder));
    return committed != null
        && committed.manifest().equals(manifest)
        && committed.stamps().keySet().equals(manifest.keySet())
        && committed.stamps().entrySet().stream()
            .allMatch(file -> file.getValue().equals(listed.get(file.getKey())));
  }

  private String qualified(Path folder) {
    return store.fs().makeQualified(folder).toString();
  }

  /** Every file below {@code folder}, by relative name, from one listing per subfolder. */
  private Map<String, Stamp> stamps(Path folder) throws IOException {
    Map<String, Stamp> files = new TreeMap<>();
    addStamps(folder, "", files);
    return files;
  }

  private void addStamps(Path dir, String prefix, Map<String, Stamp> files) throws IOException {
    for (FileStatus status : store.list(dir)) {
      String name = prefix + status.getPath().getName();
      if (status.isDirectory()) {
        addStamps(status.getPath(), name + "/", files);
      } else {
        files.put(name, new Stamp(status.getLen(), status.getModificationTime()));
      }
    }
  }

  /** The manifest of a checkpoint folder: relative file name to {@link FileChecksum}. */
  public Map<String, String> manifest(Path folder) throws IOException {
    return parseManifest(store.read(new Path(folder, MANIFEST)));
  }

  static Map<String, String> parseManifest(byte[] json) throws IOException {
    return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() {});
  }

  /**
   * The checksum of every regular file below the local {@code folder} except the manifest, the
   * marker and the names in {@code skip}.
   */
  static Map<String, String> localChecksums(java.nio.file.Path folder, Set<String> skip)
      throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.MARKERS)) {
      return hashLocal(folder, skip);
    }
  }

  private static Map<String, String> hashLocal(java.nio.file.Path folder, Set<String> skip)
      throws IOException {
    Map<String, String> sums = new TreeMap<>();
    for (String name : localFiles(folder, skip)) {
      try (InputStream in = Files.newInputStream(folder.resolve(name))) {
        sums.put(name, FileChecksum.of(in));
      }
    }
    return sums;
  }

  /**
   * The relative names ({@code /}-separated) of every regular file below the local {@code folder}
   * except the manifest, the marker and the names in {@code skip}.
   */
  private static List<String> localFiles(java.nio.file.Path folder, Set<String> skip)
      throws IOException {
    try (Stream<java.nio.file.Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> folder.relativize(file).toString().replace('\\', '/'))
          .filter(n -> !n.equals(MANIFEST) && !n.equals(AtomicOutput.SUCCESS) && !skip.contains(n))
          .toList();
    }
  }

  /** Deletes a local folder and everything below it. */
  static void deleteLocal(java.nio.file.Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<java.nio.file.Path> paths = Files.walk(folder)) {
      for (java.nio.file.Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** The iteration number of a checkpoint folder name such as {@code iter-000007}. */
  public static Optional<Integer> iterationOf(String folderName) {
    Matcher m = NAME.matcher(folderName);
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }
}
