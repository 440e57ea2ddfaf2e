package org.orzspark.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.Path;
import org.orzspark.datasets.io.StoreCosts;

/**
 * One writer per run: {@code R/_lock.json}, created exclusively ({@link RunStore#createExclusive}:
 * {@code FileSystem.create(path, false)} on HDFS, create-new on a local disk), names its owner
 * (host, pid, start time, command, a unique token). The owner's daemon thread touches the file
 * every {@link #HEARTBEAT} (its modification time is the heartbeat), and {@link #close} deletes it.
 *
 * <p>Another acquirer is refused at once ({@link HeldException}, a caller error: exit status 2)
 * while the lock is live. A lock is <em>stale</em> when its heartbeat is older than {@link
 * #STALE_AFTER}, or when its owner ran on this host and that pid no longer exists; a stale lock is
 * taken over: renamed atomically to a unique side name, checked to be the very lock judged stale
 * (same bytes), deleted, and then created anew with create-new. Two racers for one stale lock can
 * therefore not both win: the second either finds the first's fresh lock, or, having renamed it
 * aside by mistake, sees different bytes and puts it back before being refused.
 */
public final class RunLock implements AutoCloseable {
  public static final String FILE = "_lock.json";

  /** How often the owner refreshes the heartbeat. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(10);

  /** A heartbeat older than this makes the lock stale (six missed beats). */
  public static final Duration STALE_AFTER = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 8;

  /**
   * The run is locked by a live owner. A caller error: the caller should wait or stop the owner.
   */
  public static final class HeldException extends IllegalArgumentException {
    public HeldException(String message) {
      super(message);
    }
  }

  /** What the lock file says, as read by a contender; {@code bytes} identify one lock exactly. */
  record Seen(byte[] bytes, Instant heartbeat, Optional<JsonNode> owner) {
    String describe(Instant now) {
      String who =
          owner
              .map(
                  o ->
                      o.path("command").asText("?")
                          + " (host "
                          + o.path("host").asText("?")
                          + ", pid "
                          + o.path("pid").asText("?")
                          + ", started "
                          + o.path("started").asText("?"))
              .orElse("an owner still writing the lock file (");
      long ago = Math.max(0, Duration.between(heartbeat, now).toSeconds());
      return who + ", last heartbeat " + ago + " s ago)";
    }
  }

  private final RunStore store;
  private final Path file;
  private final String token;
  private final ScheduledExecutorService heartbeat;
  private volatile boolean lost;
  private boolean closed;

  private RunLock(RunStore store, Path file, String token, Duration beatEvery) {
    this.store = store;
    this.file = file;
    this.token = token;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "orz-run-lock-heartbeat");
              thread.setDaemon(true);
              return thread;
            });
    long millis = beatEvery.toMillis();
    heartbeat.scheduleAtFixedRate(this::beat, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Acquires the lock of the run in {@code store} for {@code command}, or refuses naming the
   * holder.
   */
  public static RunLock acquire(RunStore store, String command) throws IOException {
    return acquire(store, command, HEARTBEAT, STALE_AFTER, Clock.systemUTC());
  }

  static RunLock acquire(
      RunStore store, String command, Duration beatEvery, Duration staleAfter, Clock clock)
      throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.LOCK)) {
      return take(store, command, beatEvery, staleAfter, clock);
    }
  }

  private static RunLock take(
      RunStore store, String command, Duration beatEvery, Duration staleAfter, Clock clock)
      throws IOException {
    Path runDir = store.layout().root();
    Path file = store.layout().lock();
    String token = UUID.randomUUID().toString();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (store.createExclusive(file, ownerJson(command, token, beatEvery, staleAfter, clock))) {
        return new RunLock(store, file, token, beatEvery);
      }
      Optional<Seen> seen = read(store, file);
      if (seen.isEmpty()) {
        continue; // released meanwhile: try again
      }
      Instant now = clock.instant();
      if (!stale(seen.get(), now, staleAfter)) {
        throw new HeldException(
            "run "
                + runDir
                + " is locked by "
                + seen.get().describe(now)
                + "; wait for it to finish (a dead owner's lock is taken over once its heartbeat is "
                + staleAfter.toSeconds()
                + " s old)");
      }
      takeOver(store, file, seen.get());
    }
    throw new HeldException(
        "run "
            + runDir
            + ": could not take its lock "
            + file
            + " after "
            + ATTEMPTS
            + " attempts (other processes are racing for it)");
  }

  /** Removes the stale lock {@code judged}, and only it; anything else is put back. */
  private static void takeOver(RunStore store, Path file, Seen judged) throws IOException {
    Path aside = new Path(file.getParent(), FILE + ".stale-" + UUID.randomUUID());
    try {
      // One atomic move of the shared lock (aside is a fresh unique name: nothing to replace).
      store.rename(file, aside, true);
    } catch (NoSuchFileException gone) {
      return; // another racer moved it first
    }
    try {
      byte[] moved = store.read(aside);
      if (!Arrays.equals(moved, judged.bytes())) {
        // A racer's fresh lock, not the stale one: put it back unless someone created one since.
        try {
          store.rename(aside, file, false);
        } catch (FileAlreadyExistsException taken) {
          // the lock exists again; the loop reads it
        }
      }
    } finally {
      store.delete(aside);
    }
  }

  private static boolean stale(Seen seen, Instant now, Duration staleAfter) {
    if (Duration.between(seen.heartbeat(), now).compareTo(staleAfter) > 0) {
      return true;
    }
    if (seen.owner().isEmpty()) {
      return false;
    }
    JsonNode owner = seen.owner().get();
    long pid = owner.path("pid").asLong(-1);
    return owner.path("host").asText("").equals(hostName())
        && pid > 0
        && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }

  static Optional<Seen> read(RunStore store, Path file) throws IOException {
    // Bytes first: a heartbeat read after them is at least as new as they are, so a lock replaced
    // in between is judged by its fresh heartbeat, never stale with a fresh owner's bytes.
    Optional<byte[]> read = store.readIfExists(file);
    Optional<Instant> modified = store.modified(file);
    if (modified.isEmpty() || read.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = read.get();
    Optional<JsonNode> owner;
    try {
      JsonNode node = JSON.readTree(bytes);
      owner = node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IOException partial) {
      owner = Optional.empty();
    }
    return Optional.of(new Seen(bytes, modified.get(), owner));
  }

  private static byte[] ownerJson(
      String command, String token, Duration beatEvery, Duration staleAfter, Clock clock) {
    Map<String, Object> owner = new LinkedHashMap<>();
    owner.put("host", hostName());
    owner.put("pid", ProcessHandle.current().pid());
    owner.put("started", clock.instant().toString());
    owner.put("command", command);
    owner.put("token", token);
    owner.put(
        "heartbeat",
        "the modification time of this file, refreshed every "
            + beatEvery.toSeconds()
            + " s; stale after "
            + staleAfter.toSeconds()
            + " s");
    try {
      return JSON.writeValueAsString(owner).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
    }
  }

  /** Refreshes the heartbeat, after checking the lock is still this owner's. */
  private void beat() {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.LOCK)) {
      refresh();
    }
  }

  private void refresh() {
    try {
      Optional<Seen> seen = read(store, file);
      if (seen.isEmpty()) {
        return; // a contender has it aside for a moment; it puts it back
      }
      boolean ours =
          seen.get().owner().map(o -> token.equals(o.path("token").asText())).orElse(false);
      if (!ours) {
        if (!lost) {
          System.err.println(
              "orz: lost the run lock "
                  + file
                  + " to "
                  + seen.get().describe(Instant.now())
                  + "; this process no longer owns the run");
        }
        lost = true;
        return;
      }
      store.setModified(file, Instant.now());
    } catch (IOException | RuntimeException e) {
      // A missed beat is harmless until STALE_AFTER; the next one tries again.
    }
  }

  /** Refreshes the heartbeat now (tests; callers about to start a long step). */
  void beatNow() {
    beat();
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** Refuses to go on when another process took the lock over (this one stalled too long). */
  public void ensureHeld() {
    if (lost) {
      throw new IllegalStateException(
          "the run lock " + file + " is no longer held by this process");
    }
  }

  /** Stops the heartbeat and deletes the lock file if it is still this owner's. */
  @Override
  public synchronized void close() throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.LOCK)) {
      release();
    }
  }

  private void release() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Optional<Seen> seen = read(store, file);
    if (seen.isPresent()
        && seen.get().owner().map(o -> token.equals(o.path("token").asText())).orElse(false)) {
      store.delete(file);
    }
  }
}
