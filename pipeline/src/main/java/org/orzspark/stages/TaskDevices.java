package org.orzspark.stages;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;

/**
 * Which DJL device a Spark task computes on, in two steps kept apart so that the first is testable
 * anywhere: {@link #assigned} maps the GPU addresses Spark gave the task to a device (pure), and
 * {@link #usable} decides where arrays can really be allocated given the GPUs the engine sees.
 *
 * <p>The rule: no GPU address → CPU; addresses → {@code gpu(first address)} (a model lives on one
 * device; a task given several GPUs uses the first). When the engine sees no GPU at all (a CPU-only
 * libtorch, or fake GPU addresses from {@code orz cluster start --fake-gpus}) the task falls back
 * to the CPU; when it sees GPUs but not the assigned one, that is a misconfiguration (e.g. {@code
 * CUDA_VISIBLE_DEVICES} narrower than the discovery script's addresses) and the task fails. Spark's
 * addresses are CUDA ordinals: the discovery script ({@code conf/gpu-discovery.sh}) reports {@code
 * nvidia-smi}'s indices.
 */
public final class TaskDevices {
  private TaskDevices() {}

  /**
   * The device Spark assigned: {@code gpu(n)} for the first address {@code n}, CPU for none.
   *
   * @throws IllegalArgumentException for an address that is not a CUDA ordinal
   */
  public static Device assigned(List<String> gpuAddresses) {
    if (gpuAddresses.isEmpty()) {
      return Device.cpu();
    }
    String address = gpuAddresses.get(0).trim();
    int ordinal;
    try {
      ordinal = Integer.parseInt(address);
    } catch (NumberFormatException e) {
      ordinal = -1;
    }
    if (ordinal < 0) {
      throw new IllegalArgumentException(
          "GPU address '"
              + address
              + "' is not a CUDA ordinal (0, 1, ...): the GPU discovery script must report"
              + " nvidia-smi indices");
    }
    return Device.gpu(ordinal);
  }

  /**
   * Where arrays of a task assigned {@code assigned} are allocated, when the engine sees {@code
   * engineGpus} GPUs: {@code assigned} itself, or the CPU when the engine sees none.
   *
   * @throws IllegalStateException when the engine sees GPUs but not the assigned one
   */
  public static Device usable(Device assigned, int engineGpus) {
    if (!assigned.isGpu() || engineGpus == 0) {
      return Device.cpu();
    }
    if (assigned.getDeviceId() >= engineGpus) {
      throw new IllegalStateException(
          "Spark assigned "
              + assigned
              + " but the engine sees only "
              + engineGpus
              + " GPU(s): check CUDA_VISIBLE_DEVICES against the GPU discovery script");
    }
    return assigned;
  }

  /** The device the running task was assigned (CPU outside a task, e.g. on the driver). */
  public static Device assigned() {
    return assigned(GpuStages.assignedGpus());
  }

  /**
   * The device the running task allocates on (CPU outside a task). Loads the engine: call it where
   * a model is about to be loaded anyway.
   */
  public static Device current() {
    return usable(assigned(), Engine.getInstance().getGpuCount());
  }
}
