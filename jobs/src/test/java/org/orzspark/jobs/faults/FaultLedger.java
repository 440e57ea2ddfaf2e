package org.orzspark.jobs.faults;

/**
 * One console line per fault a test injected and the run survived, with the rows it compared to the
 * undisturbed run (all equal, or the test failed): the figures of the README's reliability section
 * come from these lines ({@code grep -h 'fault survived' jobs/target/surefire-reports/*}).
 */
final class FaultLedger {
  private FaultLedger() {}

  static void survived(String fault, long rowsIdentical) {
    System.out.printf("fault survived: %s (%d rows identical, 0 lost)%n", fault, rowsIdentical);
  }
}
