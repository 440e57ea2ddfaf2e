package org.orzspark.collective;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.orzspark.timing.Stopwatch;

/**
 * Sum all-reduce of float vectors over a TCP ring between the replicas of a collective stage.
 *
 * <p>Bandwidth-optimal ring algorithm: the vector is cut into {@code n} chunks; a reduce-scatter of
 * {@code n-1} steps leaves rank r holding the full sum of chunk r, and an all-gather of {@code n-1}
 * steps copies every finished chunk around the ring. Each rank sends and receives 2(n-1)/n of the
 * vector per call, independent of n. Every chunk's sum is computed at exactly one rank and then
 * copied, so all replicas end with bit-identical results (replicas stay identical). The two halves
 * are also calls of their own ({@link #reduceScatter}, {@link #allGather}) for a sharded optimizer,
 * whose owned sums are then bit-identical to an all-reduce's.
 *
 * <p>Trust: the ranks share a secret {@code token} (random per barrier stage attempt, see {@link
 * BarrierRing}). A connecting rank proves it knows the token with an HMAC-SHA256 of the accepting
 * rank's random nonce and its own rank, and the accepting rank answers with an HMAC of the
 * connector's nonce; the token itself never travels. A connection that fails the proof is closed
 * and the rank keeps accepting, so a stranger that connects first does not break the ring.
 *
 * <p>Timeouts: connecting, accepting and the handshake must finish within {@code timeout}; during
 * an all-reduce, a neighbour that moves no byte for {@code timeout} fails the call with an {@link
 * IOException} naming it (and so the barrier task, which Spark then retries). Between calls every
 * rank sends its right neighbour a one-byte heartbeat every {@code timeout / 4}, so a replica that
 * is still computing keeps its neighbours waiting, while one whose process stops or whose host
 * vanishes is detected within the timeout.
 *
 * <p>Each step sends on a sender thread while the calling thread receives and adds, with
 * non-blocking sockets (TCP_NODELAY) and two staging buffers allocated once per ring.
 *
 * <p>Why not Spark's {@code BarrierTaskContext.allGather}: one round costs 0.5-1.5 s and routes all
 * data through the driver; it is used once, to exchange the ring's addresses and token parts.
 */
public final class RingAllReduce implements AutoCloseable {
  /** Limit on every connect, accept, handshake and stalled read or write, unless one is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** Bytes of a handshake nonce. */
  private static final int NONCE_BYTES = 16;

  /** Bytes of an HMAC-SHA256 proof. */
  private static final int PROOF_BYTES = 32;

  /** Between calls: "still alive". */
  private static final byte HEARTBEAT = 0;

  /** Starts every call: the sender reached this all-reduce. */
  private static final byte READY = 1;

  /**
   * Floats per staging buffer: 1M (4 MiB). Package-private so tests can force many pieces on tiny
   * vectors.
   */
  static int pieceFloats = 1 << 20;

  private final int rank;
  private final int worldSize;
  private final SocketChannel toRight;
  private final SocketChannel fromLeft;

  /** Wakes the sender thread when {@link #toRight} can take bytes. */
  private final Selector sendSelector;

  /** Wakes the calling thread when {@link #fromLeft} has bytes. */
  private final Selector receiveSelector;

  private final ExecutorService sender;
  private final long timeoutNanos;
  private final ByteBuffer sendBuffer;
  private final ByteBuffer receiveBuffer;

  /** The READY this rank sends (on the sender thread). */
  private final ByteBuffer ready = ByteBuffer.allocate(1);

  /** A byte received between calls (on the calling thread). */
  private final ByteBuffer marker = ByteBuffer.allocate(1);

  /** Held by a call and by the heartbeat, so a heartbeat never lands inside a call's data. */
  private final Object sending = new Object();

  private final Thread heartbeat;
  private volatile boolean closed;
  private long waitedNanos;

  private RingAllReduce(
      int rank, int worldSize, SocketChannel toRight, SocketChannel fromLeft, Duration timeout)
      throws IOException {
    this.rank = rank;
    this.worldSize = worldSize;
    this.toRight = toRight;
    this.fromLeft = fromLeft;
    this.timeoutNanos = timeout.toNanos();
    if (worldSize == 1) {
      sendSelector = null;
      receiveSelector = null;
      sender = null;
      sendBuffer = null;
      receiveBuffer = null;
      heartbeat = null;
      return;
    }
    sendSelector = Selector.open();
    toRight.register(sendSelector, SelectionKey.OP_WRITE);
    receiveSelector = Selector.open();
    fromLeft.register(receiveSelector, SelectionKey.OP_READ);
    sender = Executors.newSingleThreadExecutor(body -> daemon(body, "orz-allreduce-send-" + rank));
    sendBuffer = staging();
    receiveBuffer = staging();
    heartbeat = daemon(this::sendHeartbeats, "orz-allreduce-heartbeat-" + rank);
    heartbeat.start();
  }

  /** A staging buffer of {@link #pieceFloats}, little-endian (the wire's byte order). */
  private static ByteBuffer staging() {
    return ByteBuffer.allocateDirect(pieceFloats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Binds the listening socket a rank advertises to its left neighbour (ephemeral port). */
  public static ServerSocketChannel listen(String host) throws IOException {
    return ServerSocketChannel.open().bind(new InetSocketAddress(host, 0));
  }

  /** {@code host:port} of a bound server socket, as advertised to the other ranks. */
  public static String address(String host, ServerSocketChannel server) throws IOException {
    return host + ":" + ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  /**
   * Connects rank {@code rank} to its right neighbour and accepts its left neighbour, each proving
   * it knows {@code token}.
   *
   * @param addresses {@code host:port} of every rank's server socket, indexed by rank
   * @param server this rank's server socket (from {@link #listen}); closed once the ring is built
   * @param token the secret every rank of this ring shares (e.g. from {@link BarrierRing})
   * @param timeout limit on building the ring, and on any stall of a later call
   */
  public static RingAllReduce connect(
      int rank, List<String> addresses, ServerSocketChannel server, byte[] token, Duration timeout)
      throws IOException {
    int worldSize = addresses.size();
    if (rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank " + rank + " outside world of " + worldSize);
    }
    if (worldSize == 1) {
      server.close();
      return new RingAllReduce(0, 1, null, null, timeout);
    }
    int left = (rank - 1 + worldSize) % worldSize;
    int right = (rank + 1) % worldSize;
    long deadline = System.nanoTime() + timeout.toNanos();
    Acceptor acceptor = new Acceptor(server, token, rank, left, deadline);
    SocketChannel toRight = null;
    try {
      acceptor.start();
      toRight = connectTo(addresses.get(right), token, rank, right, deadline);
      SocketChannel fromLeft = acceptor.await(timeout);
      return new RingAllReduce(rank, worldSize, toRight, fromLeft, timeout);
    } catch (IOException | RuntimeException e) {
      if (toRight != null) {
        toRight.close();
      }
      throw e;
    } finally {
      acceptor.stop();
    }
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return worldSize;
  }

  /**
   * Nanoseconds the calls so far spent waiting for the left neighbour to reach them (for two ranks:
   * for the other replica to finish its own work); the rest of a call's time is transfer.
   */
  public long waitedNanos() {
    return waitedNanos;
  }

  /** Replaces {@code data} on every rank by the element-wise sum over all ranks. */
  public void sumInPlace(float[] data) throws IOException {
    sumInPlace(FloatBuffer.wrap(data));
  }

  /**
   * Replaces the values of {@code data} (position to limit; position and limit unchanged) on every
   * rank by the element-wise sum over all ranks: a {@link #reduceScatter} and an {@link #allGather}
   * in one call. Segments travel through staging buffers of {@link #pieceFloats}, so memory stays
   * bounded whatever the vector's length.
   */
  public void sumInPlace(FloatBuffer data) throws IOException {
    collective(data, true, true);
  }

  /**
   * Leaves segment {@code rank} of {@code data} ({@link #segments}, position to limit) holding the
   * element-wise sum over all ranks; the other segments hold partial sums. Segment c is summed in
   * the same order as by {@link #sumInPlace} (starting at rank c+1 and ending at rank c, each rank
   * adding {@code own + received}), so its sums are bit-identical to an all-reduce's.
   */
  public void reduceScatter(FloatBuffer data) throws IOException {
    collective(data, true, false);
  }

  /** Copies segment {@code rank} of every rank's {@code data} into all ranks' {@code data}. */
  public void allGather(FloatBuffer data) throws IOException {
    collective(data, false, true);
  }

  /**
   * Every rank's {@code value}, indexed by rank (a short string: a digest, an id, a list of file
   * checksums). Returns only once every rank has called it, so it is also a barrier. What Spark's
   * {@code BarrierTaskContext.allGather} would do, without its polling: the task waits for the
   * driver's answer in steps of one second. Each byte travels as one float (exact), so it suits
   * strings of kilobytes, not bulk data.
   */
  public String[] allGather(String value) throws IOException {
    byte[] mine = value.getBytes(StandardCharsets.UTF_8);
    float[] lengths = new float[worldSize];
    lengths[rank] = mine.length;
    allGather(FloatBuffer.wrap(lengths));
    int width = 0;
    for (float length : lengths) {
      width = Math.max(width, (int) length);
    }
    // Segment r of worldSize * width values is [r * width, (r + 1) * width): rank r's bytes.
    float[] all = new float[Math.multiplyExact(worldSize, width)];
    for (int i = 0; i < mine.length; i++) {
      all[rank * width + i] = mine[i] & 0xFF;
    }
    allGather(FloatBuffer.wrap(all));
    String[] values = new String[worldSize];
    for (int r = 0; r < worldSize; r++) {
      byte[] bytes = new byte[(int) lengths[r]];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) all[r * width + i];
      }
      values[r] = new String(bytes, StandardCharsets.UTF_8);
    }
    return values;
  }

  /**
   * The ring schedule. Reduce-scatter step s: rank r sends segment (r-s-1) and adds into segment
   * (r-s-2), so after n-1 steps it holds the full sum of its own segment r. All-gather step s: rank
   * r sends segment (r-s), which it finished, and copies in segment (r-s-1).
   */
  private void collective(FloatBuffer data, boolean scatter, boolean gather) throws IOException {
    int n = worldSize;
    if (n == 1) {
      return;
    }
    if (closed) {
      throw new IOException("ring rank " + rank + " is closed");
    }
    FloatBuffer values = data.slice();
    int[] start = segments(values.remaining(), n);
    synchronized (sending) {
      ready.clear().put(READY).flip();
      boolean first = true;
      for (int step = 0; scatter && step < n - 1; step++) {
        exchange(values, start, rank - step - 1, rank - step - 2, true, first);
        first = false;
      }
      for (int step = 0; gather && step < n - 1; step++) {
        exchange(values, start, rank - step, rank - step - 1, false, first);
        first = false;
      }
    }
  }

  /** {@link #exchange(FloatBuffer, int, int, int, int, boolean, boolean)} of two segments. */
  private void exchange(
      FloatBuffer values, int[] start, int send, int receive, boolean accumulate, boolean first)
      throws IOException {
    int s = Math.floorMod(send, worldSize);
    int r = Math.floorMod(receive, worldSize);
    exchange(
        values,
        start[s],
        start[s + 1] - start[s],
        start[r],
        start[r + 1] - start[r],
        accumulate,
        first);
  }

  /**
   * Segment c of a vector of {@code length} cut into {@code n}: {@code [start[c], start[c+1])},
   * with {@code start[c] = floor(length * c / n)}; rank c owns segment c after a {@link
   * #reduceScatter}.
   */
  public static int[] segments(int length, int n) {
    int[] start = new int[n + 1];
    for (int c = 0; c <= n; c++) {
      start[c] = (int) ((long) length * c / n);
    }
    return start;
  }

  /** Reads single bytes from the left until its READY; heartbeats before it count as progress. */
  private void awaitLeftReady() throws IOException {
    while (true) {
      receive(marker.clear());
      byte b = marker.get(0);
      if (b == READY) {
        return;
      }
      if (b != HEARTBEAT) {
        throw new IOException(
            "ring rank "
                + rank
                + ": unexpected byte "
                + b
                + " from rank "
                + left()
                + " between calls");
      }
    }
  }

  /**
   * Sends floats {@code [sendFrom, sendFrom + sendLength)} of {@code data} to the right (piece by
   * piece, on the sender thread) while receiving {@code receiveLength} floats from the left, added
   * to (or copied over) {@code data} from {@code receiveFrom}; the two ranges never overlap. The
   * call's first exchange sends READY ahead of its data and awaits the left neighbour's (timed as
   * waiting) while its own data already flows to the right.
   */
  private void exchange(
      FloatBuffer data,
      int sendFrom,
      int sendLength,
      int receiveFrom,
      int receiveLength,
      boolean accumulate,
      boolean first)
      throws IOException {
    FloatBuffer outgoing = data.duplicate();
    Future<?> sent =
        sender.submit(
            () -> {
              int done = 0;
              do { // at least once: READY goes out even ahead of an empty segment
                int k = Math.min(pieceFloats, sendLength - done);
                sendBuffer.clear();
                sendBuffer.asFloatBuffer().put(outgoing.slice(sendFrom + done, k));
                sendBuffer.limit(k * Float.BYTES);
                if (first && done == 0) {
                  send(
                      ready,
                      sendBuffer); // READY rides with the first piece: one packet, one wake-up
                } else {
                  send(sendBuffer);
                }
                done += k;
              } while (done < sendLength);
              return null;
            });
    try {
      if (first) {
        waitedNanos += Stopwatch.nanosOf(this::awaitLeftReady);
      }
      for (int done = 0; done < receiveLength; ) {
        int k = Math.min(pieceFloats, receiveLength - done);
        receive(receiveBuffer.clear().limit(k * Float.BYTES));
        FloatBuffer floats = receiveBuffer.flip().asFloatBuffer();
        int at = receiveFrom + done;
        if (accumulate) {
          for (int i = 0; i < k; i++) {
            data.put(at + i, data.get(at + i) + floats.get(i));
          }
        } else {
          data.put(at, floats, 0, k);
        }
        done += k;
      }
      sent.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io
          ? io
          : new IOException("ring rank " + rank + ": sending failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during all-reduce", e);
    } finally {
      sent.cancel(true);
    }
  }

  /** Writes all of {@code bytes}, in order, to the right; fails when none moves for the timeout. */
  private void send(ByteBuffer... bytes) throws IOException {
    Stopwatch idle = Stopwatch.start();
    while (Arrays.stream(bytes).anyMatch(ByteBuffer::hasRemaining)) {
      if (toRight.write(bytes) > 0) {
        idle.restart();
      } else {
        await(sendSelector, idle, "right neighbour (rank " + right() + ") has not read");
      }
    }
  }

  /** Fills {@code bytes} from the left; fails when none arrives for the timeout. */
  private void receive(ByteBuffer bytes) throws IOException {
    Stopwatch idle = Stopwatch.start();
    while (bytes.hasRemaining()) {
      int read = fromLeft.read(bytes);
      if (read < 0) {
        throw new IOException(
            "ring rank " + rank + ": left neighbour (rank " + left() + ") closed the connection");
      } else if (read > 0) {
        idle.restart();
      } else {
        await(receiveSelector, idle, "nothing received from left neighbour (rank " + left() + ")");
      }
    }
  }

  /** Blocks until {@code selector}'s channel is ready; fails once nothing moved for the timeout. */
  private void await(Selector selector, Stopwatch idle, String stalled) throws IOException {
    long left = timeoutNanos - idle.nanos();
    if (left <= 0) {
      throw new SocketTimeoutException(
          "ring rank "
              + rank
              + ": "
              + stalled
              + " for "
              + Duration.ofNanos(timeoutNanos)
              + " (peer hung or gone)");
    }
    select(selector, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
  }

  /**
   * Waits up to {@code millis} for {@code selector}'s channel. An interrupted thread (a killed
   * task) stops here: select would return at once, again and again.
   */
  private static void select(Selector selector, long millis) throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted during a ring transfer");
    }
    selector.select(millis);
    selector.selectedKeys().clear();
  }

  /** Between calls, tells the right neighbour this rank is alive. */
  private void sendHeartbeats() {
    long interval = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos / 4));
    ByteBuffer beat = ByteBuffer.allocate(1);
    while (!closed) {
      try {
        Thread.sleep(interval);
        synchronized (sending) {
          // Non-blocking: a full socket buffer means the neighbour has bytes to read anyway.
          toRight.write(beat.clear().put(HEARTBEAT).flip());
        }
      } catch (InterruptedException | IOException e) {
        return;
      }
    }
  }

  private int left() {
    return (rank - 1 + worldSize) % worldSize;
  }

  private int right() {
    return (rank + 1) % worldSize;
  }

  /** HMAC-SHA256 of {@code parts} under {@code token}. */
  static byte[] proof(byte[] token, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(token, "HmacSHA256"));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] nonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    new SecureRandom().nextBytes(nonce);
    return nonce;
  }

  private static byte[] rankBytes(byte role, int rank) {
    return ByteBuffer.allocate(5).put(role).putInt(rank).array();
  }

  /**
   * Connects to the right neighbour, retrying a refused connection until {@code deadline}, and runs
   * the connector's side of the handshake: reads the acceptor's nonce, sends its rank, its own
   * nonce and {@code HMAC(token, 'C', rank, acceptor nonce)}, and checks the acceptor's {@code
   * HMAC(token, 'A', right, connector nonce)}.
   */
  private static SocketChannel connectTo(
      String hostPort, byte[] token, int rank, int right, long deadline) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    var address =
        new InetSocketAddress(
            hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    while (true) {
      SocketChannel channel = SocketChannel.open();
      try {
        channel.socket().connect(address, remainingMillis(deadline, "connect to " + hostPort));
        channel.socket().setTcpNoDelay(true);
        channel.configureBlocking(false);
        ByteBuffer theirNonce = ByteBuffer.allocate(NONCE_BYTES);
        readFully(channel, theirNonce, deadline);
        byte[] mine = nonce();
        ByteBuffer hello =
            ByteBuffer.allocate(4 + NONCE_BYTES + PROOF_BYTES)
                .putInt(rank)
                .put(mine)
                .put(proof(token, rankBytes((byte) 'C', rank), theirNonce.array()));
        writeFully(channel, hello.flip(), deadline);
        ByteBuffer answer = ByteBuffer.allocate(PROOF_BYTES);
        readFully(channel, answer, deadline);
        if (!MessageDigest.isEqual(
            answer.array(), proof(token, rankBytes((byte) 'A', right), mine))) {
          throw new IOException(
              "ring rank "
                  + rank
                  + ": "
                  + hostPort
                  + " failed to prove it is rank "
                  + right
                  + " of this stage attempt");
        }
        return channel;
      } catch (SocketTimeoutException e) {
        channel.close();
        throw new SocketTimeoutException(
            "ring rank "
                + rank
                + ": rank "
                + right
                + " at "
                + hostPort
                + " did not connect and answer the handshake within the timeout ("
                + e.getMessage()
                + ")");
      } catch (ConnectException e) {
        channel.close();
        if (System.nanoTime() > deadline) {
          throw new SocketTimeoutException(
              "ring rank "
                  + rank
                  + " could not connect to rank "
                  + right
                  + " at "
                  + hostPort
                  + " within the timeout: "
                  + e.getMessage());
        }
        sleep(50);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
  }

  /**
   * Accepts connections until one proves it is the left neighbour: each connection's handshake runs
   * on its own thread, so a stranger that connects first, and stays silent or sends garbage, delays
   * no one; it is closed when its proof fails or once the ring is built.
   */
  private static final class Acceptor {
    private final ServerSocketChannel server;
    private final byte[] token;
    private final int rank;
    private final int left;
    private final long deadline;
    private final CompletableFuture<SocketChannel> winner = new CompletableFuture<>();
    private final Queue<SocketChannel> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final Thread loop;

    Acceptor(ServerSocketChannel server, byte[] token, int rank, int left, long deadline) {
      this.server = server;
      this.token = token;
      this.rank = rank;
      this.left = left;
      this.deadline = deadline;
      this.loop = daemon(this::acceptAll, "orz-allreduce-accept-" + rank);
    }

    void start() {
      loop.start();
    }

    private void acceptAll() {
      while (!winner.isDone()) {
        SocketChannel channel;
        try {
          channel = server.accept();
        } catch (IOException e) {
          winner.completeExceptionally(e); // no-op once the ring is built and the server closed
          return;
        }
        pending.add(channel);
        daemon(() -> handshake(channel), "orz-allreduce-handshake-" + rank).start();
      }
    }

    /**
     * Sends a nonce, checks the connector's {@code HMAC(token, 'C', left, nonce)} and answers with
     * {@code HMAC(token, 'A', rank, connector nonce)}.
     */
    private void handshake(SocketChannel channel) {
      try {
        channel.configureBlocking(false);
        byte[] mine = nonce();
        writeFully(channel, ByteBuffer.wrap(mine), deadline);
        ByteBuffer hello = ByteBuffer.allocate(4 + NONCE_BYTES + PROOF_BYTES);
        readFully(channel, hello, deadline);
        hello.flip();
        int peer = hello.getInt();
        byte[] theirNonce = new byte[NONCE_BYTES];
        hello.get(theirNonce);
        byte[] claimed = new byte[PROOF_BYTES];
        hello.get(claimed);
        if (peer != left
            || !MessageDigest.isEqual(claimed, proof(token, rankBytes((byte) 'C', left), mine))) {
          throw new IOException("not the left neighbour");
        }
        writeFully(
            channel,
            ByteBuffer.wrap(proof(token, rankBytes((byte) 'A', rank), theirNonce)),
            deadline);
        channel.socket().setTcpNoDelay(true);
        // Taken off trial first, so stop() cannot close the winner; false: stop() closed it.
        if (pending.remove(channel) && !winner.complete(channel)) {
          closeQuietly(channel);
        }
      } catch (IOException | RuntimeException e) {
        refused.incrementAndGet();
        if (pending.remove(channel)) {
          closeQuietly(channel);
        }
      }
    }

    SocketChannel await(Duration timeout) throws IOException {
      try {
        return winner.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new SocketTimeoutException(
            "ring rank "
                + rank
                + ": left neighbour (rank "
                + left
                + ") did not connect and prove itself within "
                + timeout
                + " ("
                + refused.get()
                + " other connection(s) refused)");
      } catch (ExecutionException e) {
        throw new IOException(
            "ring rank " + rank + ": accepting the left neighbour failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while building the ring", e);
      }
    }

    /** Closes the server socket (ending the accept loop) and every connection still on trial. */
    void stop() throws IOException {
      winner.cancel(false);
      server.close();
      for (SocketChannel channel; (channel = pending.poll()) != null; ) {
        closeQuietly(channel);
      }
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Fills {@code buffer} from a non-blocking channel, giving up at {@code deadline}. */
  private static void readFully(SocketChannel channel, ByteBuffer buffer, long deadline)
      throws IOException {
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          throw new IOException("ring peer closed the connection during the handshake");
        }
        if (buffer.hasRemaining()) {
          select(selector, remainingMillis(deadline, "handshake read"));
        }
      }
    }
  }

  /** Writes all of {@code buffer} on a non-blocking channel, giving up at {@code deadline}. */
  private static void writeFully(SocketChannel channel, ByteBuffer buffer, long deadline)
      throws IOException {
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_WRITE);
      while (buffer.hasRemaining()) {
        if (channel.write(buffer) == 0) {
          select(selector, remainingMillis(deadline, "handshake write"));
        }
      }
    }
  }

  private static int remainingMillis(long deadline, String what) throws SocketTimeoutException {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new SocketTimeoutException(what + " timed out");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while building the ring", e);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // a connection on trial: nothing to report
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (heartbeat != null) {
      heartbeat.interrupt();
      sender.shutdownNow();
    }
    IOException failure = null;
    for (AutoCloseable c : new AutoCloseable[] {sendSelector, receiveSelector, toRight, fromLeft}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          if (failure == null) {
            failure = e instanceof IOException io ? io : new IOException(e);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
