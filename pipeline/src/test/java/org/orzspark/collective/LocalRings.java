package org.orzspark.collective;

import java.nio.channels.ServerSocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Rings of {@code n} ranks inside this JVM, on loopback, for tests. */
public final class LocalRings {
  private LocalRings() {}

  /** A ring's ranks listening on loopback, before they connect. */
  record Listening(List<ServerSocketChannel> servers, List<String> addresses, byte[] token) {
    static Listening of(int n) throws java.io.IOException {
      List<ServerSocketChannel> servers = new ArrayList<>();
      List<String> addresses = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        ServerSocketChannel server = RingAllReduce.listen("127.0.0.1");
        servers.add(server);
        addresses.add(RingAllReduce.address("127.0.0.1", server));
      }
      byte[] token = new byte[32];
      new SecureRandom().nextBytes(token);
      return new Listening(servers, addresses, token);
    }

    RingAllReduce connect(int rank, Duration timeout) throws java.io.IOException {
      return RingAllReduce.connect(rank, addresses, servers.get(rank), token, timeout);
    }
  }

  /** Builds the {@code n} ranks of one ring (rank r at index r), connecting them concurrently. */
  public static List<RingAllReduce> open(int n, Duration timeout) throws Exception {
    Listening listening = Listening.of(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<RingAllReduce>> connecting = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int rank = r;
        connecting.add(pool.submit(() -> listening.connect(rank, timeout)));
      }
      List<RingAllReduce> rings = new ArrayList<>();
      for (Future<RingAllReduce> ring : connecting) {
        rings.add(ring.get());
      }
      return rings;
    } finally {
      pool.shutdownNow();
    }
  }
}
