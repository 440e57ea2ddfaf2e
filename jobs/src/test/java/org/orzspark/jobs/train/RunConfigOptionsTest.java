package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.jobs.Orz;
import org.orzspark.run.RunSettings;
import picocli.CommandLine;

class RunConfigOptionsTest {

  @Test
  void theHelpOfEveryCommandThatTakesSettingsListsEachWithItsRange() {
    CommandLine orz = Orz.commandLine();
    for (CommandLine command :
        List.of(
            orz.getSubcommands().get("init"),
            orz.getSubcommands().get("bench").getSubcommands().get("iteration"))) {
      // picocli wraps long lines; the check reads the help as one line.
      String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
      RunSettings.all()
          .values()
          .forEach(setting -> assertThat(help).as(setting.key()).contains(setting.help()));
      assertThat(help)
          .contains("ppo.gamma (default 1.0): GAE discount γ. Valid: a finite number in [0, 1].");
    }
  }
}
