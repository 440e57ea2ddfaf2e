package org.orzspark.collective;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Arrays;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;

/**
 * Builds the {@link RingAllReduce} of a Spark barrier stage: every task listens on an ephemeral port
 * of its executor's host, one {@code allGather} exchanges the addresses, then the ring connects.
 * Works across executor processes and hosts, not only inside one local-mode JVM.
 */
public final class BarrierRing {
  private BarrierRing() {}

  public static RingAllReduce open(BarrierTaskContext context, Duration timeout) throws IOException {
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    ServerSocketChannel server = RingAllReduce.listen(host);
    String[] addresses = context.allGather(RingAllReduce.address(host, server));
    return RingAllReduce.connect(context.partitionId(), Arrays.asList(addresses), server, timeout);
  }
}
