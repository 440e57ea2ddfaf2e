package org.orzspark.jobs;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs an orz command line in this JVM as the launcher would, capturing what it writes to stderr.
 */
public final class OrzCli {
  private OrzCli() {}

  /** The exit status and the standard error text of one command line. */
  public record Outcome(int status, String err) {}

  public static Outcome execute(String... args) {
    CommandLine commandLine = Orz.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err, true));
    return new Outcome(commandLine.execute(args), err.toString());
  }
}
