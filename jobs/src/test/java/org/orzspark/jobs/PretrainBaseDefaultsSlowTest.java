package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.pretrain.BasePretrainer;

/**
 * The embedded base model with the command's defaults (minutes on 2 cores): it must land in the
 * calibration band that leaves RL room to show learning, i.e. correct sometimes, formatted often
 * but not always.
 */
@Tag("slow")
class PretrainBaseDefaultsSlowTest {

  @Test
  void defaultsGiveABaseModelThatIsRightSometimes(@TempDir Path dir) throws Exception {
    BasePretrainer.Result result =
        PretrainBaseCommandTest.parse("pretrain-base", "--output", dir.resolve("base").toString())
            .run(System.out);

    assertThat(result.sampled().accuracy()).isBetween(0.15, 0.50);
    assertThat(result.sampled().formatRate()).isBetween(0.40, 0.95);
    assertThat(result.greedy().accuracy())
        .isGreaterThanOrEqualTo(result.sampled().accuracy() - 0.05);
  }
}
