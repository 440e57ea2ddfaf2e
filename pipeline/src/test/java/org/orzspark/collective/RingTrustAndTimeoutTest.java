package org.orzspark.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.orzspark.timing.Stopwatch;

/** Who may join a ring, and how a silent, hung or slow peer is told apart and reported. */
class RingTrustAndTimeoutTest {

  /**
   * A stranger connects to rank 1 before rank 0 does: with the old public handshake (magic "ORZ1"
   * and a rank, then silence), with garbage, or saying nothing at all. It is refused or left on
   * trial, and the ring forms at once and sums correctly.
   */
  @ParameterizedTest
  @ValueSource(strings = {"old-magic", "garbage", "silent"})
  void aStrangerConnectingFirstDoesNotBreakOrStallTheRing(String stranger) throws Exception {
    LocalRings.Listening listening = LocalRings.Listening.of(2);
    try (Socket intruder = new Socket()) {
      intruder.connect(socketAddress(listening.addresses().get(1)));
      byte[] hello =
          switch (stranger) {
            case "old-magic" -> ByteBuffer.allocate(8).putInt(0x4f525a31).putInt(0).array();
            case "garbage" -> randomBytes(52, 7);
            default -> new byte[0];
          };
      intruder.getOutputStream().write(hello);
      intruder.getOutputStream().flush();
      Stopwatch watch = Stopwatch.start();

      float[][] sums =
          sumOnRing(
              listening, Duration.ofSeconds(20), new float[] {1, 2, 3}, new float[] {10, 20, 30});

      assertThat(sums[0]).containsExactly(11, 22, 33);
      assertThat(sums[1]).containsExactly(11, 22, 33);
      assertThat(watch.seconds()).as("the stranger stalled nobody").isLessThan(10);
    }
  }

  /**
   * A peer speaking the protocol with another token connects to rank 1 first: rank 1 refuses it
   * (closes the connection), and the ring forms.
   */
  @Test
  void aPeerWithTheWrongTokenIsRefused() throws Exception {
    LocalRings.Listening listening = LocalRings.Listening.of(2);
    LocalRings.Listening impostor = LocalRings.Listening.of(2);
    // Claims to be rank 0 towards the real rank 1, with its own token.
    List<String> towardsRank1 = List.of(impostor.addresses().get(0), listening.addresses().get(1));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<RingAllReduce> intruding =
          pool.submit(
              () ->
                  RingAllReduce.connect(
                      0,
                      towardsRank1,
                      impostor.servers().get(0),
                      impostor.token(),
                      Duration.ofSeconds(20)));
      Thread.sleep(200); // the impostor waits first in rank 1's accept queue

      float[][] sums =
          sumOnRing(listening, Duration.ofSeconds(20), new float[] {1}, new float[] {2});

      assertThat(sums[0]).containsExactly(3);
      assertThat(sums[1]).containsExactly(3);
      assertThatThrownBy(intruding::get)
          .isInstanceOf(ExecutionException.class)
          .rootCause()
          .hasMessageContaining("closed the connection during the handshake");
    } finally {
      pool.shutdownNow();
    }
  }

  /** Rank 1 listens but never joins: rank 0 fails within the timeout, naming whom it waited for. */
  @Test
  void aNeighbourThatNeverJoinsFailsSetupWithinTheTimeout() throws Exception {
    LocalRings.Listening listening = LocalRings.Listening.of(2);
    Stopwatch watch = Stopwatch.start();

    assertThatThrownBy(() -> listening.connect(0, Duration.ofMillis(500)))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessageContaining("rank 1");
    assertThat(watch.seconds()).isLessThan(5);
  }

  /**
   * All traffic passes through relays that go silent after 64 KiB in each direction, in the middle
   * of a 1M-float all-reduce (a hung peer or a partition): both ranks fail within about the 1 s
   * timeout, saying they heard nothing from their neighbour.
   */
  @Test
  void aPeerThatStopsAnsweringMidReduceFailsTheOthersWithinTheTimeout() throws Exception {
    LocalRings.Listening real = LocalRings.Listening.of(2);
    try (Relay to0 = new Relay(real.addresses().get(0), 64 << 10);
        Relay to1 = new Relay(real.addresses().get(1), 64 << 10)) {
      LocalRings.Listening relayed =
          new LocalRings.Listening(
              real.servers(), List.of(to0.address(), to1.address()), real.token());
      Duration timeout = Duration.ofSeconds(1);
      List<Future<?>> calls = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        AtomicLong slowest = new AtomicLong();
        for (int r = 0; r < 2; r++) {
          int rank = r;
          calls.add(
              pool.submit(
                  () -> {
                    try (RingAllReduce ring = relayed.connect(rank, timeout)) {
                      Stopwatch watch = Stopwatch.start();
                      try {
                        ring.sumInPlace(new float[1 << 20]);
                      } finally {
                        slowest.accumulateAndGet(watch.millis(), Math::max);
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> call : calls) {
          assertThatThrownBy(call::get)
              .hasRootCauseInstanceOf(SocketTimeoutException.class)
              .rootCause()
              .hasMessageContaining("nothing received from left neighbour");
        }
        assertThat(slowest.get()).as("ms until the stall was reported").isLessThan(5_000);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** A neighbour whose process is gone (its sockets closed) fails the next call at once. */
  @Test
  void aNeighbourThatClosedFailsTheCall() throws Exception {
    List<RingAllReduce> rings = LocalRings.open(2, Duration.ofSeconds(20));
    rings.get(1).close();
    try (RingAllReduce ring = rings.get(0)) {
      assertThatThrownBy(() -> ring.sumInPlace(new float[16]))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("closed the connection");
    }
  }

  /**
   * A neighbour that computes for three timeouts before its call is slow, not hung: its heartbeats
   * keep the other waiting, the sum is right, and the wait is reported as such.
   */
  @Test
  void aSlowButLiveNeighbourIsWaitedForAndTheWaitIsReported() throws Exception {
    List<RingAllReduce> rings = LocalRings.open(2, Duration.ofMillis(300));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (RingAllReduce fast = rings.get(0);
        RingAllReduce slow = rings.get(1)) {
      float[] mine = {1, 2};
      Future<float[]> theirs =
          pool.submit(
              () -> {
                Thread.sleep(900);
                float[] data = {3, 4};
                slow.sumInPlace(data);
                return data;
              });
      fast.sumInPlace(mine);

      assertThat(mine).containsExactly(4, 6);
      assertThat(theirs.get()).containsExactly(4, 6);
      assertThat(fast.waitedNanos() / 1e6).as("ms waited").isGreaterThan(600);
      assertThat(slow.waitedNanos() / 1e6).as("ms waited by the late rank").isLessThan(300);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Connects both ranks of {@code listening} and sums {@code a} and {@code b} over the ring. */
  private static float[][] sumOnRing(
      LocalRings.Listening listening, Duration timeout, float[] a, float[] b) throws Exception {
    float[][] inputs = {a.clone(), b.clone()};
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        results.add(
            pool.submit(
                () -> {
                  try (RingAllReduce ring = listening.connect(rank, timeout)) {
                    ring.sumInPlace(inputs[rank]);
                  }
                  return inputs[rank];
                }));
      }
      return new float[][] {results.get(0).get(), results.get(1).get()};
    } finally {
      pool.shutdownNow();
    }
  }

  private static InetSocketAddress socketAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /**
   * A TCP relay to {@code target} for one connection that forwards {@code budget} bytes in each
   * direction and then goes silent, keeping both sockets open: a peer that stopped answering.
   */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    Relay(String target, int budget) throws IOException {
      start(
          () -> {
            try {
              Socket in = server.accept();
              Socket out = new Socket();
              out.connect(socketAddress(target));
              sockets.addAll(List.of(in, out));
              start(() -> pump(in, out, budget));
              start(() -> pump(out, in, budget));
            } catch (IOException e) {
              // closed by the test
            }
          });
    }

    private void start(Runnable body) {
      Thread thread = new Thread(body, "relay");
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    private static void pump(Socket from, Socket to, int budget) {
      byte[] buffer = new byte[4096];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int left = budget; left > 0; ) {
          int n = in.read(buffer, 0, Math.min(buffer.length, left));
          if (n < 0) {
            return;
          }
          out.write(buffer, 0, n);
          left -= n;
        }
        // Budget spent: silent from now on, sockets left open.
        Thread.sleep(Long.MAX_VALUE);
      } catch (IOException | InterruptedException e) {
        // closed by the test
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
      threads.forEach(Thread::interrupt);
    }
  }
}
