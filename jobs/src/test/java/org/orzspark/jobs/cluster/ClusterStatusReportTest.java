package org.orzspark.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code orz cluster status}'s text, from a snapshot (no processes started). */
class ClusterStatusReportTest {

  @Test
  void statusSaysTheClusterIsOnLoopbackOnly() {
    StandaloneCluster.State state =
        new StandaloneCluster.State("spark://127.0.0.1:7077", 8080, 101, List.of(102L, 103L));
    StandaloneCluster.Status status =
        new StandaloneCluster.Status(
            state, true, 2, 2, "master spark://127.0.0.1:7077, 2 worker(s) registered");
    String n = System.lineSeparator();
    assertThat(ClusterCommand.Status.report(status))
        .isEqualTo(
            "master spark://127.0.0.1:7077, 2 worker(s) registered; master pid 101 alive; workers alive 2/2"
                + n
                + "bound to 127.0.0.1 (loopback only): master 127.0.0.1, workers and web UIs "
                + "reachable from this machine only"
                + n);
  }
}
