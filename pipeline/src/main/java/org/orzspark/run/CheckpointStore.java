package org.orzspark.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.orzspark.datasets.io.FaultPoints;

/**
 * Writes and finds checkpoints. A checkpoint is written into a temporary sibling folder, gets a
 * {@code MANIFEST.json} of SHA-256 checksums of every file and a {@code _SUCCESS} marker, and is then
 * renamed into place; {@link #latestComplete} only returns a checkpoint whose marker exists and whose
 * files all match the manifest, so a partial or corrupted checkpoint is never taken as the latest.
 * Finding it hashes only the checkpoint it returns (and any newer unusable ones); {@link #prune}
 * applies {@code checkpoint.keep_every}.
 */
public final class CheckpointStore {
  public static final String MANIFEST = "MANIFEST.json";
  public static final String SUCCESS = "_SUCCESS";
  private static final Pattern NAME = Pattern.compile("iter-(\\d{6,})");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final RunLayout layout;
  private final AtomicLong foldersHashed = new AtomicLong();

  public CheckpointStore(RunLayout layout) {
    this.layout = layout;
  }

  /** Writes the contents of a checkpoint into a folder. */
  @FunctionalInterface
  public interface Contents {
    void writeTo(Path folder) throws IOException;
  }

  /** Why a checkpoint folder is not usable, or empty when it is complete and intact. */
  public record Verdict(int iteration, Path folder, Optional<String> problem) {
    public boolean complete() {
      return problem.isEmpty();
    }
  }

  /**
   * Writes checkpoint {@code iteration} atomically; refuses to replace an existing complete one.
   * An incomplete folder of the same iteration (a crash mid-write) is replaced.
   */
  public Path write(int iteration, Contents contents) throws IOException {
    Path target = layout.checkpoint(iteration);
    if (Files.exists(target)) {
      if (verify(iteration, target).complete()) {
        throw new FileAlreadyExistsException(target.toString(), null, "checkpoint already complete");
      }
      deleteRecursively(target);
    }
    Files.createDirectories(layout.checkpoints());
    Path temp = layout.checkpoints().resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(temp);
    try {
      contents.writeTo(temp);
      Files.deleteIfExists(temp.resolve(SUCCESS));
      JSON.writeValue(temp.resolve(MANIFEST).toFile(), checksums(temp));
      Files.writeString(temp.resolve(SUCCESS), "");
      FaultPoints.reach("checkpoint.before-rename");
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteRecursively(temp);
      throw e;
    }
    return target;
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

  /** A checkpoint folder ({@code iter-N}) and whether it has its {@code _SUCCESS} marker (not hashed). */
  public record Folder(int iteration, Path path) {
    public boolean marked() {
      return Files.exists(path.resolve(SUCCESS));
    }
  }

  /** The checkpoint folders ({@code iter-N}, complete or not), by iteration, newest first. */
  public List<Folder> folders() throws IOException {
    if (!Files.isDirectory(layout.checkpoints())) {
      return List.of();
    }
    try (Stream<Path> folders = Files.list(layout.checkpoints())) {
      return folders
          .flatMap(folder -> iterationOf(folder).map(n -> new Folder(n, folder)).stream())
          .sorted(Comparator.comparingInt(Folder::iteration).reversed())
          .toList();
    }
  }

  /** The newest checkpoint with a marker, judged by the marker alone (no hashing), or empty. */
  public Optional<Folder> latestMarked() throws IOException {
    return folders().stream().filter(Folder::marked).findFirst();
  }

  /**
   * Deletes the checkpoints {@code checkpoint.keep_every} does not keep: of the checkpoints with a
   * {@code _SUCCESS} marker (not hashed), the latest two are kept, and so is every one whose
   * iteration is a multiple of {@code keepEvery} or that {@code referenced} names (an evaluation
   * of it exists); the rest are deleted, each marker first, so that a crash mid-delete leaves an
   * incomplete checkpoint that nothing loads and the next iteration's cleanup removes. Folders
   * without a marker are left to that cleanup. Only the run's single writer may call this.
   *
   * @return the deleted iterations, newest first
   */
  public List<Integer> prune(int keepEvery, IntPredicate referenced) throws IOException {
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
      Files.delete(folder.path().resolve(SUCCESS));
      deleteRecursively(folder.path());
      deleted.add(iteration);
    }
    return deleted;
  }

  /** Checks the marker and every checksum of one checkpoint folder. */
  public static Verdict verify(int iteration, Path folder) {
    try {
      if (!Files.exists(folder.resolve(SUCCESS))) {
        return new Verdict(iteration, folder, Optional.of("no " + SUCCESS + " marker (partial write)"));
      }
      Path manifestFile = folder.resolve(MANIFEST);
      if (!Files.exists(manifestFile)) {
        return new Verdict(iteration, folder, Optional.of("no " + MANIFEST));
      }
      @SuppressWarnings("unchecked")
      Map<String, String> manifest = JSON.readValue(manifestFile.toFile(), TreeMap.class);
      Map<String, String> actual = checksums(folder);
      for (var entry : manifest.entrySet()) {
        String found = actual.get(entry.getKey());
        if (found == null) {
          return new Verdict(iteration, folder, Optional.of("missing file " + entry.getKey()));
        }
        if (!found.equals(entry.getValue())) {
          return new Verdict(iteration, folder, Optional.of("checksum mismatch in " + entry.getKey()));
        }
      }
      return new Verdict(iteration, folder, Optional.empty());
    } catch (IOException e) {
      return new Verdict(iteration, folder, Optional.of("unreadable: " + e.getMessage()));
    }
  }

  /** SHA-256 of every regular file below {@code folder} except the manifest and the marker. */
  static Map<String, String> checksums(Path folder) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String name = folder.relativize(file).toString();
        if (!name.equals(MANIFEST) && !name.equals(SUCCESS)) {
          sums.put(name, sha256(file));
        }
      }
    }
    return sums;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
      byte[] buffer = new byte[1 << 16];
      while (in.read(buffer) >= 0) {
        // reading feeds the digest
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** The iteration number of a checkpoint folder name such as {@code iter-000007}. */
  public static Optional<Integer> iterationOf(Path folder) {
    Matcher m = NAME.matcher(folder.getFileName().toString());
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }
}
