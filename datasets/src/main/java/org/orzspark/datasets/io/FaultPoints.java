package org.orzspark.datasets.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Named points of a run's crash-safety (a stage at work, a commit between its steps) where the
 * fault-injection tests stop the process dead. {@link #reach} halts the JVM with status 137 when
 * the system property {@value #PROPERTY} (else the environment variable {@value #ENV}) names the
 * point: {@link Runtime#halt} runs no shutdown hook and no {@code finally}, as a SIGKILL. Without
 * either, {@link #reach} compares one constant with null: free on every path.
 *
 * <p>The points, each in the code that reaches it: {@code sample}, {@code rollout}, {@code score},
 * {@code experience}, {@code update} (inside each stage, with work under way), {@code
 * output.before-rename:F} and {@code output.before-marker:F} (a stage output in folder {@code F} of
 * the run, e.g. {@code rollouts}: written but not renamed; renamed but not marked), {@code
 * checkpoint.before-rename} (written with its manifest, not renamed into place), {@code
 * checkpoint.before-marker} (renamed into place, no {@code _SUCCESS} yet), {@code
 * update.after-checkpoint} (committed, metrics not written) and {@code metrics.after-jsonl} ({@code
 * metrics.jsonl} has the line, the metrics folder is not committed).
 */
public final class FaultPoints {
  public static final String PROPERTY = "orz.fault.halt-at";
  public static final String ENV = "ORZ_FAULT_HALT_AT";
  public static final String ONCE_PROPERTY = "orz.fault.once-marker";
  public static final String ONCE_ENV = "ORZ_FAULT_ONCE_MARKER";

  /** The exit status of a halted process, as a shell reports a SIGKILL (128 + 9). */
  public static final int HALT_STATUS = 137;

  private static final String HALT_AT = configured(PROPERTY, ENV);
  private static final String ONCE_MARKER = configured(ONCE_PROPERTY, ONCE_ENV);

  private FaultPoints() {}

  private static String configured(String property, String env) {
    String value = System.getProperty(property, System.getenv(env));
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Halts the process here when this point is the configured one (and the marker is not taken). */
  public static void reach(String point) {
    if (HALT_AT != null && halts(HALT_AT, ONCE_MARKER, point)) {
      System.err.println("orz: fault point " + point + " reached; halting");
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }

  /**
   * Whether a process configured to halt at {@code haltAt} halts at {@code point}: at that point
   * only; with a {@code onceMarker} file (null: none), only if this call creates it, atomically,
   * writing the process's pid into it.
   */
  static boolean halts(String haltAt, String onceMarker, String point) {
    if (!haltAt.equals(point)) {
      return false;
    }
    if (onceMarker == null) {
      return true;
    }
    try {
      Files.writeString(
          Path.of(onceMarker),
          Long.toString(ProcessHandle.current().pid()),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
