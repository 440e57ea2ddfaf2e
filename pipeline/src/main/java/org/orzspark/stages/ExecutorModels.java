package org.orzspark.stages;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.orzspark.model.CriticModel;
import org.orzspark.model.ModelDtype;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Tokenizers;
import org.orzspark.model.ValueHeadInit;

/**
 * Inference models loaded once per executor JVM, by (checkpoint folder, device, dtype), and shared
 * by every task of that JVM on that device (DJL's Spark {@code ModelLoader} habit): a stage's
 * tasks, retries and later stages of the same application reuse them. Generation and experience
 * forwards only read the weights, so tasks running in parallel on one device share one copy; an
 * executor owning two GPUs holds one copy on each. At most {@link #CAPACITY} models per device in
 * use stay loaded; the least recently used one that no task holds is closed.
 */
public final class ExecutorModels {
  static final int CAPACITY = 2;

  /** Where a model is loaded and how it computes. */
  public record Placement(Device device, DataType dtype) {
    /**
     * The running task's device ({@link TaskDevices#current()}) with {@code dtype} resolved there.
     */
    public static Placement forTask(ModelDtype dtype) {
      Device device = TaskDevices.current();
      return new Placement(device, dtype.resolve(device));
    }

    String key() {
      return device + "/" + dtype;
    }
  }

  /** A policy with its tokenizer. */
  public record Policy(PolicyModel model, HuggingFaceTokenizer tokenizer) {}

  private static final Map<String, Entry> LOADED = new LinkedHashMap<>(16, 0.75f, true);
  private static final Map<Device, NDManager> ROOTS = new HashMap<>();

  private ExecutorModels() {}

  /** A model held by a task; closing the lease lets the cache evict it later. */
  public static final class Lease<T> implements AutoCloseable {
    private final Entry entry;
    private final T model;

    private Lease(Entry entry, T model) {
      this.entry = entry;
      this.model = model;
    }

    public T get() {
      return model;
    }

    @Override
    public void close() {
      synchronized (ExecutorModels.class) {
        entry.leases--;
      }
    }
  }

  private static final class Entry implements AutoCloseable {
    final Object model;
    final AutoCloseable[] resources;
    int leases;

    Entry(Object model, AutoCloseable... resources) {
      this.model = model;
      this.resources = resources;
    }

    @Override
    public void close() throws Exception {
      for (AutoCloseable resource : resources) {
        resource.close();
      }
    }
  }

  @FunctionalInterface
  private interface Loader {
    Entry load(NDManager manager) throws IOException;
  }

  /** The policy (and tokenizer) of a Hugging Face-layout folder, placed as {@code placement}. */
  public static Lease<Policy> policy(Path folder, Placement placement) throws IOException {
    return placed(
        "policy",
        folder,
        placement,
        manager -> {
          PolicyModel model = PolicyModel.load(folder, manager, placement.dtype());
          HuggingFaceTokenizer tokenizer = Tokenizers.load(folder);
          return new Entry(new Policy(model, tokenizer), tokenizer, model);
        });
  }

  /** The tokenizer of a model folder alone, for work that needs no weights (prompt lengths). */
  @SuppressWarnings("unchecked")
  public static Lease<HuggingFaceTokenizer> tokenizer(Path folder) throws IOException {
    return (Lease<HuggingFaceTokenizer>)
        lease(
            "tokenizer:" + folder.toAbsolutePath(),
            Device.cpu(),
            manager -> {
              HuggingFaceTokenizer tokenizer = Tokenizers.load(folder);
              return new Entry(tokenizer, tokenizer);
            });
  }

  /** The critic of a folder that holds a {@code score} value head, placed as {@code placement}. */
  public static Lease<CriticModel> critic(Path folder, Placement placement) throws IOException {
    return placed(
        "critic",
        folder,
        placement,
        manager -> {
          CriticModel model =
              CriticModel.load(folder, manager, ValueHeadInit.DEFAULT, 0, placement.dtype());
          return new Entry(model, model);
        });
  }

  /**
   * The model of {@code kind} in {@code folder}, cached per folder and placement; the loader must
   * build a {@code T}.
   */
  @SuppressWarnings("unchecked")
  private static <T> Lease<T> placed(String kind, Path folder, Placement placement, Loader loader)
      throws IOException {
    return (Lease<T>)
        lease(
            kind + ":" + folder.toAbsolutePath() + "@" + placement.key(),
            placement.device(),
            loader);
  }

  private static synchronized Lease<?> lease(String key, Device device, Loader loader)
      throws IOException {
    Entry entry = LOADED.get(key);
    if (entry == null) {
      entry = loader.load(ROOTS.computeIfAbsent(device, NDManager::newBaseManager));
      LOADED.put(key, entry);
      evict();
    }
    entry.leases++;
    return new Lease<>(entry, entry.model);
  }

  private static void evict() {
    var iterator = LOADED.entrySet().iterator();
    while (LOADED.size() > CAPACITY * ROOTS.size() && iterator.hasNext()) {
      Entry candidate = iterator.next().getValue();
      if (candidate.leases == 0) {
        iterator.remove();
        try {
          candidate.close();
        } catch (Exception e) {
          throw new IllegalStateException("could not release a cached model", e);
        }
      }
    }
  }
}
