package org.orzspark.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that need a tool from Debian packages (Chromium, Jupyter) skip with a message on a machine
 * without it, but fail in CI ({@code CI} set), where {@code .ci/run} installs the tools: a missing
 * install step must not pass as a skipped test.
 */
public final class ExternalTools {
  private ExternalTools() {}

  public static void require(boolean present, String message) {
    if (System.getenv("CI") != null) {
      assertTrue(present, message + " (CI installs it in .ci/run)");
    } else {
      assumeTrue(present, message);
    }
  }
}
