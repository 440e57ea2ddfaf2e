package org.orzspark.collective;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;

/**
 * Builds the {@link RingAllReduce} of a Spark barrier stage: every task listens on an ephemeral
 * port of its executor's host and draws 16 random bytes; one {@code allGather} exchanges the
 * addresses and the random parts, the ring's token is the SHA-256 of all parts in task order, and
 * the ring connects (a stage of one task skips the exchange). A retried stage attempt draws new
 * parts, so nothing of an earlier attempt (nor a stranger that merely knows the protocol) can join.
 * Works across executor processes and hosts, not only inside one local-mode JVM.
 */
public final class BarrierRing {
  private BarrierRing() {}

  /** Builds the ring with the {@linkplain RingAllReduce#DEFAULT_TIMEOUT default timeout}. */
  public static RingAllReduce open(BarrierTaskContext context) throws IOException {
    return open(context, RingAllReduce.DEFAULT_TIMEOUT);
  }

  /**
   * @param timeout limit on building the ring and on any stall of its calls (see {@link
   *     RingAllReduce})
   */
  public static RingAllReduce open(BarrierTaskContext context, Duration timeout)
      throws IOException {
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    ServerSocketChannel server = RingAllReduce.listen(host);
    byte[] part = new byte[16];
    new SecureRandom().nextBytes(part);
    String mine = RingAllReduce.address(host, server) + " " + HexFormat.of().formatHex(part);
    // A lone task has nothing to exchange, and Spark's allGather costs up to a second of polling.
    String[] gathered =
        context.getTaskInfos().length == 1 ? new String[] {mine} : context.allGather(mine);
    List<String> addresses = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (String entry : gathered) {
      int space = entry.lastIndexOf(' ');
      addresses.add(entry.substring(0, space));
      parts.add(entry.substring(space + 1));
    }
    return RingAllReduce.connect(context.partitionId(), addresses, server, token(parts), timeout);
  }

  /** The ring's token: SHA-256 of the tasks' random parts (hex), in task order. */
  static byte[] token(List<String> parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        sha.update(part.getBytes(StandardCharsets.US_ASCII));
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
