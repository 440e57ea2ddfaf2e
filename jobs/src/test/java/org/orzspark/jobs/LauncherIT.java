package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The launcher's help: every command listed with one line; each command documents its options. */
class LauncherIT {

  @Test
  void helpListsEveryCommandAndExitsZero() throws Exception {
    var help = LauncherProcess.run(Duration.ofMinutes(5), "--help");
    assertThat(help.exitCode()).as(help.output()).isZero();
    for (var sub : Orz.commandLine().getSubcommands().keySet()) {
      assertThat(help.output()).contains("  " + sub);
    }
  }

  @Test
  void everyOptionOfEveryCommandShowsItsDefaultOrIsAFlag() {
    Orz.commandLine().getSubcommands().values().forEach(LauncherIT::assertDocumented);
  }

  private static void assertDocumented(picocli.CommandLine command) {
    for (var option : command.getCommandSpec().options()) {
      boolean flag = option.arity().max() == 0;
      boolean standard = option.usageHelp() || option.versionHelp();
      if (!flag && !standard && !option.required()) {
        assertThat(String.join(" ", option.description()))
            .as("option %s of '%s' documents its default", option.longestName(),
                command.getCommandSpec().qualifiedName())
            .contains("default");
      }
    }
    command.getSubcommands().values().forEach(LauncherIT::assertDocumented);
  }
}
