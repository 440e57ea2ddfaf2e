package org.orzspark.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code orz} command line: one subcommand per job. {@code jobs/bin/orz} runs this class through
 * {@code spark-submit} (or plain {@code java} for commands that need no Spark); on a cluster the
 * application jar is submitted with {@code --class org.orzspark.jobs.Orz} and the subcommand as arguments.
 */
@Command(
    name = "orz",
    mixinStandardHelpOptions = true,
    versionProvider = OrzVersion.class,
    description = "Open-Reasoner-Zero style RL training of reasoning models as Spark jobs.",
    subcommands = {
      CommandLine.HelpCommand.class,
      AnalyzeCommand.class,
      BenchCommand.class,
      PrepareCommand.class,
      SynthCommand.class,
      org.orzspark.jobs.cluster.ClusterCommand.class,
      VerifyCommand.class,
      ScoreCommand.class,
      org.orzspark.jobs.train.InitCommand.class,
      org.orzspark.jobs.train.IterateCommand.class,
      org.orzspark.jobs.train.TrainCommand.class,
      org.orzspark.jobs.train.EvaluateCommand.class,
      org.orzspark.jobs.train.DemoCommand.class,
      PretrainBaseCommand.class,
      GenerateCommand.class,
      org.orzspark.jobs.curate.CurateCommand.class,
    })
public final class Orz implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    // spark-submit keeps the JVM alive while non-daemon threads run; exit with the command's status.
    System.exit(code);
  }

  /** The configured command line, for tests and for {@link #main}. */
  public static CommandLine commandLine() {
    return new CommandLine(new Orz()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
