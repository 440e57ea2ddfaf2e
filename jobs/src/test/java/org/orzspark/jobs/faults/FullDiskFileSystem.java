package org.orzspark.jobs.faults;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The local file system as scheme {@code faultfs:} with a capacity: once {@value #CAPACITY} bytes
 * have been written through it (all instances of the JVM together), every write fails as a full
 * disk does, {@code IOException("No space left on device")}. Reads, listings, renames and deletes
 * work on. Register it with {@code fs.faultfs.impl}; making it {@code fs.defaultFS} sends every
 * path without a scheme through it (every stage output of a run given as a plain local path).
 *
 * <p>A subclass of {@link RawLocalFileSystem}, not a {@code FilterFileSystem} around the local one:
 * the local one would refuse {@code faultfs:} paths as a wrong file system, and every write of the
 * raw one passes through {@link #createOutputStreamWithMode}.
 */
public final class FullDiskFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "faultfs";
  /** Bytes the file system takes before it is full. */
  public static final String CAPACITY = "fs.faultfs.capacity";
  private static final URI NAME = URI.create(SCHEME + ":///");
  private static final AtomicLong WRITTEN = new AtomicLong();

  private long capacity = Long.MAX_VALUE;

  @Override
  public void initialize(URI uri, Configuration conf) throws IOException {
    super.initialize(uri, conf);
    capacity = conf.getLong(CAPACITY, Long.MAX_VALUE);
  }

  @Override
  public URI getUri() {
    return NAME;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append,
      FsPermission permission) throws IOException {
    return new Metered(super.createOutputStreamWithMode(f, append, permission));
  }

  /** Counts the bytes written; the write that would pass the capacity writes what fits and fails. */
  private final class Metered extends FilterOutputStream {
    Metered(OutputStream out) {
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
