package org.orzspark.jobs.curate;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code orz curate <step>}: the data recipe's curation steps over a prompt table. Each writes the
 * kept prompts, the removed ones with the reason ({@code DIR/_removed/}) and a summary ({@code
 * DIR/_summary.json}), atomically with {@code _SUCCESS} last.
 */
@Command(
    name = "curate",
    mixinStandardHelpOptions = true,
    description =
        "Curate a prompt table: remove duplicates, filter by quality rules, filter by a model's"
            + " pass rate.",
    subcommands = {DedupCommand.class, FilterCommand.class, PassRateCommand.class})
public final class CurateCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
