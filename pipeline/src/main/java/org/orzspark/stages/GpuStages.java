package org.orzspark.stages;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.TaskResourceRequests;

/**
 * Stage-level GPU scheduling for the model stages (rollout, experience, update): their RDDs carry a
 * task-level {@link ResourceProfile} asking for GPUs per task, so they land on executors that own a
 * GPU address, while SQL stages (scoring, metrics, Parquet I/O) keep the default profile and run on
 * any slot. Local mode never requests GPUs (Spark refuses stage-level scheduling there and a GPU
 * request would hang).
 */
public final class GpuStages {
  public static final String GPU = "gpu";

  private GpuStages() {}

  /**
   * Returns {@code rdd} with a task profile requesting {@code gpusPerTask} GPUs per task, or {@code
   * rdd} unchanged when no GPU is requested or the master is local.
   */
  public static <T> JavaRDD<T> requestGpus(JavaRDD<T> rdd, double gpusPerTask) {
    if (gpusPerTask <= 0 || rdd.context().isLocal()) {
      return rdd;
    }
    TaskResourceRequests tasks = new TaskResourceRequests().cpus(1).resource(GPU, gpusPerTask);
    ResourceProfile profile =
        new org.apache.spark.resource.ResourceProfileBuilder().require(tasks).build();
    return rdd.withResources(profile);
  }

  /**
   * Where the running task is: {@code executorId@pid}, plus {@code /gpu} and the GPU addresses
   * Spark assigned to it, if any (e.g. {@code 1@4242/gpu0}).
   */
  public static String placement() {
    List<String> gpus = assignedGpus();
    return org.apache.spark.SparkEnv.get().executorId()
        + "@"
        + ProcessHandle.current().pid()
        + (gpus.isEmpty() ? "" : "/gpu" + String.join("+", gpus));
  }

  /** The GPU addresses Spark assigned to the running task (empty on CPU). */
  public static List<String> assignedGpus() {
    TaskContext context = TaskContext.get();
    if (context == null) {
      return List.of();
    }
    ResourceInformation gpus = context.resources().get(GPU).getOrElse(() -> null);
    return gpus == null ? List.of() : Arrays.asList(gpus.addresses());
  }
}
