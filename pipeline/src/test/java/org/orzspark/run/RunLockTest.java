package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run lock on plain folders: refusal, release, stale takeover, a race for a stale lock. */
class RunLockTest {

  /** A lock left by a process on another host whose last heartbeat is ten minutes old. */
  private static void plantStale(Path run, String token) throws IOException {
    Path file = run.resolve(RunLock.FILE);
    Files.writeString(
        file,
        "{\"host\":\"elsewhere\",\"pid\":4242,\"started\":\"2026-01-01T00:00:00Z\","
            + "\"command\":\"orz iterate\",\"token\":\""
            + token
            + "\"}");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
  }

  @Test
  void aSecondAcquireIsRefusedNamingTheHolderAndTheLockIsReleasedOnClose(@TempDir Path run)
      throws IOException {
    try (RunLock held = RunLock.acquire(LocalRuns.store(run), "orz iterate --run-dir " + run)) {
      assertThat(run.resolve(RunLock.FILE)).exists();
      assertThatThrownBy(() -> RunLock.acquire(LocalRuns.store(run), "orz iterate"))
          .isInstanceOf(RunLock.HeldException.class)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is locked by orz iterate --run-dir " + run)
          .hasMessageContaining("pid " + ProcessHandle.current().pid())
          .hasMessageContaining("last heartbeat 0 s ago")
          .hasMessageNotContaining("\n");
      held.ensureHeld();
    }
    assertThat(run.resolve(RunLock.FILE)).doesNotExist();
    try (RunLock again = RunLock.acquire(LocalRuns.store(run), "orz iterate")) {
      assertThat(LocalRuns.local(again.file())).exists();
    }
  }

  @Test
  void theHeartbeatKeepsALongHolderLive(@TempDir Path run) throws IOException {
    Path file = run.resolve(RunLock.FILE);
    try (RunLock held = RunLock.acquire(LocalRuns.store(run), "orz iterate")) {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
      held.beatNow();
      assertThat(Files.getLastModifiedTime(file).toInstant())
          .isAfter(Instant.now().minus(Duration.ofSeconds(30)));
      assertThatThrownBy(() -> RunLock.acquire(LocalRuns.store(run), "orz iterate"))
          .isInstanceOf(RunLock.HeldException.class);
    }
  }

  @Test
  void aStaleLockIsTakenOver(@TempDir Path run) throws IOException {
    plantStale(run, "dead");
    try (RunLock taken = RunLock.acquire(LocalRuns.store(run), "orz iterate")) {
      String content = Files.readString(LocalRuns.local(taken.file()));
      assertThat(content)
          .contains("\"pid\":" + ProcessHandle.current().pid())
          .doesNotContain("dead");
    }
    try (var left = Files.list(run)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aLockOfADeadProcessOnThisHostIsStaleAtOnce(@TempDir Path run) throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Files.writeString(
        run.resolve(RunLock.FILE),
        "{\"host\":\""
            + host
            + "\",\"pid\":"
            + dead.pid()
            + ",\"started\":\"x\",\"command\":\"orz iterate\",\"token\":\"t\"}");
    try (RunLock taken = RunLock.acquire(LocalRuns.store(run), "orz iterate")) {
      assertThat(Files.readString(LocalRuns.local(taken.file()))).doesNotContain("\"token\":\"t\"");
    }
  }

  @Test
  void twoRacersForAStaleLockNeverBothWin(@TempDir Path root) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 40; round++) {
        Path run = Files.createDirectory(root.resolve("run" + round));
        plantStale(run, "dead" + round);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<RunLock>> racers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          racers.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      return RunLock.acquire(
                          LocalRuns.store(run),
                          "racer",
                          RunLock.HEARTBEAT,
                          RunLock.STALE_AFTER,
                          Clock.systemUTC());
                    } catch (RunLock.HeldException refused) {
                      return null;
                    }
                  }));
        }
        List<RunLock> winners = new ArrayList<>();
        for (Future<RunLock> racer : racers) {
          RunLock won = racer.get();
          if (won != null) {
            winners.add(won);
          }
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        String content = Files.readString(run.resolve(RunLock.FILE));
        assertThat(content).doesNotContain("dead" + round);
        winners.get(0).close();
        try (var left = Files.list(run)) {
          assertThat(left).as("round %d leaves nothing behind", round).isEmpty();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
