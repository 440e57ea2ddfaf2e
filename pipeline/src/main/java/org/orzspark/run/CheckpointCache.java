package org.orzspark.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.orzspark.datasets.io.StoreCosts;

/**
 * Local copies of checkpoint folders that live on a remote file system, for the model code, which
 * reads local files. {@link #folder} maps a model location to a local folder: a local path (or
 * {@code file:} URI) is used where it is; a folder of a checkpoint on another file system ({@code
 * hdfs://…/checkpoints/iter-000007/policy}) is copied once into {@code <root>/<digest>/policy},
 * where the digest is the SHA-256 of the checkpoint's {@code MANIFEST.json}, so a new checkpoint
 * never reuses an older copy, and every task of this machine reuses the one copy.
 *
 * <p>Only the files the manifest lists are copied, each checked against its checksum after it is
 * copied; a copy is written into a temp sibling and renamed into place, so a crash leaves no half
 * copy under the final name. A cached copy is checked against the manifest the first time this JVM
 * uses it; a corrupt one is fetched again. Only the two most recently fetched checkpoints stay
 * cached.
 */
public final class CheckpointCache {
  /**
   * System property naming the cache folder (default {@code
   * <java.io.tmpdir>/orz-checkpoint-cache}).
   */
  public static final String ROOT_PROPERTY = "orz.checkpoint.cache";

  private static final int KEEP = 2;
  private static final CheckpointCache SHARED =
      new CheckpointCache(
          Path.of(
              System.getProperty(
                  ROOT_PROPERTY,
                  Path.of(System.getProperty("java.io.tmpdir"), "orz-checkpoint-cache")
                      .toString())));

  private final Path root;
  private final Set<Path> checked = ConcurrentHashMap.newKeySet();
  private final Map<Path, Object> locks = new ConcurrentHashMap<>();
  private final AtomicLong fetches = new AtomicLong();

  public CheckpointCache(Path root) {
    this.root = root;
  }

  /** The JVM's cache. */
  public static CheckpointCache shared() {
    return SHARED;
  }

  /** {@link #folder} of the JVM's cache, with this JVM's Hadoop settings. */
  public static Path local(String location) {
    try {
      return SHARED.folder(RunStore.hadoopConf(), location);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a local copy of " + location, e);
    }
  }

  /** How many folders this cache has copied (its cost; tests). */
  public long fetches() {
    return fetches.get();
  }

  /**
   * The local folder holding {@code location}: a local path as it is, or a folder directly inside a
   * checkpoint on another file system, copied here once.
   */
  public Path folder(Configuration conf, String location) throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.CACHE)) {
      return lookUp(conf, location);
    }
  }

  private Path lookUp(Configuration conf, String location) throws IOException {
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(location);
    if (remote.toUri().getScheme() == null) {
      return Path.of(location).toAbsolutePath();
    }
    FileSystem fs = remote.getFileSystem(conf);
    if (RunStore.isLocal(fs)) {
      return Path.of(remote.toUri().getPath());
    }
    org.apache.hadoop.fs.Path checkpoint = remote.getParent();
    byte[] manifestBytes;
    try (InputStream in =
        fs.open(new org.apache.hadoop.fs.Path(checkpoint, CheckpointStore.MANIFEST))) {
      manifestBytes = in.readAllBytes();
    }
    String digest;
    try (InputStream in = new java.io.ByteArrayInputStream(manifestBytes)) {
      digest = FileChecksum.sha256(in);
    }
    String part = remote.getName();
    Map<String, String> files = new TreeMap<>();
    CheckpointStore.parseManifest(manifestBytes)
        .forEach(
            (name, sum) -> {
              if (name.startsWith(part + "/")) {
                files.put(name.substring(part.length() + 1), sum);
              }
            });
    if (files.isEmpty()) {
      throw new IOException("checkpoint " + checkpoint + " lists no files under " + part + "/");
    }
    Path target = root.resolve(digest).resolve(part);
    synchronized (locks.computeIfAbsent(target, t -> new Object())) {
      if (checked.contains(target)) {
        return target;
      }
      if (!intact(target, files)) {
        fetch(fs, remote, files, target);
        evictOlderThan(root.resolve(digest));
      }
      checked.add(target);
      return target;
    }
  }

  private static boolean intact(Path folder, Map<String, String> files) throws IOException {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    for (var entry : files.entrySet()) {
      Path file = folder.resolve(entry.getKey());
      if (!Files.isRegularFile(file)) {
        return false;
      }
      try (InputStream in = Files.newInputStream(file)) {
        if (!FileChecksum.matches(entry.getValue(), in)) {
          return false;
        }
      }
    }
    return true;
  }

  private void fetch(
      FileSystem fs, org.apache.hadoop.fs.Path remote, Map<String, String> files, Path target)
      throws IOException {
    Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      for (var entry : files.entrySet()) {
        Path file = temp.resolve(entry.getKey());
        Files.createDirectories(file.getParent());
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(remote, entry.getKey()))) {
          Files.copy(in, file);
        }
        boolean matches;
        try (InputStream in = Files.newInputStream(file)) {
          matches = FileChecksum.matches(entry.getValue(), in);
        }
        if (!matches) {
          throw new IOException(
              "checkpoint file "
                  + new org.apache.hadoop.fs.Path(remote, entry.getKey())
                  + " does not match its manifest checksum (corrupt or changed while copied)");
        }
      }
      CheckpointStore.deleteLocal(target);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // Another JVM of this machine put its (checked) copy in place first: use that one.
      }
      fetches.incrementAndGet();
    } finally {
      CheckpointStore.deleteLocal(temp);
    }
  }

  /** Keeps the {@link #KEEP} most recently fetched checkpoints, {@code current} among them. */
  private void evictOlderThan(Path current) throws IOException {
    List<Path> cached;
    try (Stream<Path> entries = Files.list(root)) {
      cached =
          entries
              .filter(Files::isDirectory)
              .filter(p -> !p.equals(current))
              .sorted(Comparator.comparing(CheckpointCache::modified).reversed())
              .toList();
    }
    for (Path old : cached.subList(Math.min(KEEP - 1, cached.size()), cached.size())) {
      CheckpointStore.deleteLocal(old);
      checked.removeIf(p -> p.startsWith(old));
    }
  }

  private static long modified(Path path) {
    try {
      return Files.getLastModifiedTime(path).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
