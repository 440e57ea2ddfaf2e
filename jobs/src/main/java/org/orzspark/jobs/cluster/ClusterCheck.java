package org.orzspark.jobs.cluster;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.orzspark.stages.GpuStages;
import org.orzspark.stages.TaskDevices;
import org.orzspark.timing.Deadline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz cluster check}: a Spark job whose tasks report the executor and the process they ran
 * in, proving that work spreads over several executor JVMs, and with GPUs the device each task's
 * models would use.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Run a small job and report in which executor processes its tasks ran.")
public final class ClusterCheck implements Callable<Integer> {

  @Option(
      names = "--tasks",
      defaultValue = "8",
      description = "Tasks to run (default: ${DEFAULT-VALUE}).")
  int tasks;

  @Option(
      names = "--executors",
      defaultValue = "2",
      description =
          "Executors that must be registered before the job starts (default: ${DEFAULT-VALUE}).")
  int executors;

  @Option(
      names = "--gpus-per-task",
      defaultValue = "0",
      description = {
        "GPUs each task requests through a stage-level ResourceProfile (default: ${DEFAULT-VALUE}).",
        "Needs executors with spark.executor.resource.gpu.amount (conf/spark-gpu.conf)."
      })
  double gpusPerTask;

  /**
   * Executor ids, process ids, GPU addresses ("executor/gpu") and devices ("executor/assigned
   * device -> device arrays go to", see {@link TaskDevices}) the tasks reported.
   */
  public record Result(
      TreeSet<String> executorIds,
      TreeSet<Long> processIds,
      TreeSet<String> gpus,
      TreeSet<String> devices,
      long driverPid) {}

  @Override
  public Integer call() throws Exception {
    Result result =
        run(
            SparkSession.builder().appName("orz cluster check").getOrCreate(),
            tasks,
            executors,
            gpusPerTask);
    System.out.printf(
        "%d tasks ran in %d executor process(es): executors %s, pids %s (driver pid %d)%n",
        tasks,
        result.processIds().size(),
        result.executorIds(),
        result.processIds(),
        result.driverPid());
    if (gpusPerTask > 0) {
      System.out.printf("GPU addresses seen by tasks (executor/address): %s%n", result.gpus());
      System.out.printf(
          "Devices of the tasks (executor/assigned->allocating): %s%n", result.devices());
    }
    boolean spread = result.processIds().size() >= Math.min(executors, tasks);
    boolean gpusSeen = gpusPerTask <= 0 || !result.gpus().isEmpty();
    return spread && gpusSeen ? 0 : 1;
  }

  public static Result run(SparkSession spark, int tasks, int executors, double gpusPerTask)
      throws InterruptedException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    awaitExecutors(sc, executors);
    sc.setJobGroup("cluster-check", "orz cluster check: where do tasks run", false);
    var indices =
        sc.parallelize(java.util.stream.IntStream.range(0, tasks).boxed().toList(), tasks);
    List<String> reports =
        GpuStages.requestGpus(indices, gpusPerTask)
            .map(
                i -> {
                  // Long enough that the scheduler spreads tasks instead of reusing the first free
                  // slot.
                  Thread.sleep(300);
                  return SparkEnv.get().executorId()
                      + "@"
                      + ProcessHandle.current().pid()
                      + "@"
                      + String.join(",", GpuStages.assignedGpus())
                      + "@"
                      + TaskDevices.assigned()
                      + "->"
                      + TaskDevices.current();
                })
            .collect();
    TreeSet<String> executorIds = new TreeSet<>();
    TreeSet<Long> pids = new TreeSet<>();
    TreeSet<String> gpus = new TreeSet<>();
    TreeSet<String> devices = new TreeSet<>();
    for (String report : reports) {
      String[] parts = report.split("@", -1);
      executorIds.add(parts[0]);
      devices.add(parts[0] + "/" + parts[3]);
      pids.add(Long.parseLong(parts[1]));
      for (String address : parts[2].split(",")) {
        if (!address.isEmpty()) {
          gpus.add(parts[0] + "/" + address);
        }
      }
    }
    return new Result(
        executorIds, pids, gpus, devices, ManagementFactory.getRuntimeMXBean().getPid());
  }

  /**
   * Waits (up to a minute) until at least {@code count} executors besides the driver registered.
   */
  private static void awaitExecutors(JavaSparkContext sc, int count) throws InterruptedException {
    if (sc.isLocal()) {
      return;
    }
    Deadline deadline = Deadline.in(Duration.ofMinutes(1));
    while (sc.sc().statusTracker().getExecutorInfos().length - 1 < count && !deadline.passed()) {
      Thread.sleep(200);
    }
  }
}
