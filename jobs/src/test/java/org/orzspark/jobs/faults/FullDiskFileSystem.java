package org.orzspark.jobs.faults;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The local file system with a capacity: once {@value #CAPACITY} bytes have been written through it
 * (all instances of the JVM together, checksum files included), every write fails as a full disk
 * does, {@code IOException("No space left on device")}; reads, listings, renames and deletes work
 * on. Registered as the implementation of {@code file:} ({@link #register}), it takes every Hadoop
 * write of a local path, so every stage output of a run in a local folder.
 *
 * <p>It replaces {@code file:} rather than adding a scheme of its own: the local file system's
 * statuses and checks accept {@code file:} paths only.
 */
public final class FullDiskFileSystem extends LocalFileSystem {
  /** Bytes the file system takes before it is full. */
  public static final String CAPACITY = "fs.file.capacity";

  private static final AtomicLong WRITTEN = new AtomicLong();
  private static volatile long capacity = Long.MAX_VALUE;

  public FullDiskFileSystem() {
    super(new Metered());
  }

  /** The Spark properties that make a child's local file system this one, with {@code bytes}. */
  static java.util.Map<String, String> register(long bytes) {
    return java.util.Map.of(
        "spark.hadoop.fs.file.impl",
        FullDiskFileSystem.class.getName(),
        "spark.hadoop." + CAPACITY,
        Long.toString(bytes));
  }

  @Override
  public void initialize(URI uri, Configuration conf) throws IOException {
    super.initialize(uri, conf);
    capacity = conf.getLong(CAPACITY, Long.MAX_VALUE);
  }

  /** The raw local file system whose every output stream counts against the capacity. */
  private static final class Metered extends RawLocalFileSystem {
    @Override
    protected OutputStream createOutputStreamWithMode(
        Path f, boolean append, FsPermission permission) throws IOException {
      return new Budgeted(super.createOutputStreamWithMode(f, append, permission));
    }
  }

  /** Counts the bytes written; a write that passes the capacity writes what fits and fails. */
  private static final class Budgeted extends FilterOutputStream {
    Budgeted(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      long before = WRITTEN.getAndAdd(len);
      long fits = Math.max(0, Math.min(len, capacity - before));
      out.write(b, off, (int) fits);
      if (fits < len) {
        throw new IOException("No space left on device");
      }
    }
  }
}
