package org.orzspark.jobs;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code orz} command line: one subcommand per job. {@code jobs/bin/orz} runs this class
 * through {@code spark-submit} (or plain {@code java} for commands that need no Spark); on a
 * cluster the application jar is submitted with {@code --class org.orzspark.jobs.Orz} and the
 * subcommand as arguments.
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
      org.orzspark.jobs.history.HistoryCommand.class,
      VerifyCommand.class,
      ScoreCommand.class,
      org.orzspark.jobs.train.InitCommand.class,
      org.orzspark.jobs.train.SettingsCommand.class,
      org.orzspark.jobs.train.PlanCommand.class,
      org.orzspark.jobs.train.IterateCommand.class,
      org.orzspark.jobs.train.TrainCommand.class,
      org.orzspark.jobs.train.EvaluateCommand.class,
      org.orzspark.jobs.export.ExportCommand.class,
      org.orzspark.jobs.train.ReplayCommand.class,
      org.orzspark.jobs.train.DemoCommand.class,
      PretrainBaseCommand.class,
      GenerateCommand.class,
      org.orzspark.jobs.curate.CurateCommand.class,
    })
public final class Orz implements Runnable {
  /** The system's words for a full file system (ENOSPC), as Java and Hadoop pass them on. */
  private static final String NO_SPACE = "No space left on device";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    // spark-submit keeps the JVM alive while non-daemon threads run; exit with the command's
    // status.
    System.exit(code);
  }

  /** The configured command line, for tests and for {@link #main}. */
  public static CommandLine commandLine() {
    return new CommandLine(new Orz())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(Orz::report);
  }

  /**
   * A wrong option value or a missing, existing or unreadable file is the user's to fix: one line
   * naming the command, exit status 2 (picocli's status for usage errors). A full file system,
   * wherever it surfaced (a Spark task's write included), is one line too, exit status 1: nothing
   * is committed half-written, so freeing space and running the command again is all there is to
   * do. Anything else is a defect and keeps its stack trace, as does everything with {@code
   * ORZ_LOG_LEVEL=DEBUG}.
   */
  private static int report(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    boolean debug = "DEBUG".equalsIgnoreCase(System.getenv("ORZ_LOG_LEVEL"));
    String name = command.getCommandSpec().qualifiedName();
    if (!debug && isFull(e)) {
      command
          .getErr()
          .println(
              name
                  + ": "
                  + NO_SPACE
                  + "; free space and run it again (completed work is kept, nothing is half-committed)");
      return command.getCommandSpec().exitCodeOnExecutionException();
    }
    boolean userError =
        e instanceof IllegalArgumentException
            || e instanceof FileNotFoundException
            || e instanceof FileSystemException;
    if (!userError || debug) {
      e.printStackTrace(command.getErr());
      return command.getCommandSpec().exitCodeOnExecutionException();
    }
    command.getErr().println(name + ": " + describe(e));
    return CommandLine.ExitCode.USAGE;
  }

  /** Whether {@code e} or any of its causes says the file system is full. */
  static boolean isFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(NO_SPACE)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException missing) {
      return missing.getFile() + ": no such file";
    }
    if (e instanceof FileAlreadyExistsException existing) {
      return existing.getFile() + ": already exists";
    }
    if (e instanceof AccessDeniedException denied) {
      return denied.getFile() + ": access denied";
    }
    return e.getMessage();
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
