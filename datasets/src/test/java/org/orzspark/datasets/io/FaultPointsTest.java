package org.orzspark.datasets.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which reach of a fault point halts: the named point; with a marker, the first reach only. */
class FaultPointsTest {

  @Test
  void haltsAtTheNamedPointOnly() {
    assertThat(FaultPoints.halts("rollout", null, "rollout")).isTrue();
    assertThat(FaultPoints.halts("rollout", null, "rollout")).isTrue();
    assertThat(FaultPoints.halts("rollout", null, "update")).isFalse();
  }

  @Test
  void withAMarkerOnlyTheReachThatCreatesItHalts(@TempDir Path dir) throws Exception {
    Path marker = dir.resolve("fault-once");
    assertThat(FaultPoints.halts("update", marker.toString(), "rollout")).isFalse();
    assertThat(marker).doesNotExist();
    assertThat(FaultPoints.halts("update", marker.toString(), "update")).isTrue();
    assertThat(Files.readString(marker)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
    assertThat(FaultPoints.halts("update", marker.toString(), "update")).isFalse();
  }
}
