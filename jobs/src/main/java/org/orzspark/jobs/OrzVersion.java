package org.orzspark.jobs;

import picocli.CommandLine;

/** Reports the application version from the jar manifest (the Maven project version). */
public final class OrzVersion implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Orz.class.getPackage().getImplementationVersion();
    return new String[] {"orz-spark " + (version == null ? "(development build)" : version)};
  }
}
