package org.orzspark.datasets.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's checksummed local file system (same files, same {@code .crc} checks) whose permission
 * changes go through {@code java.nio} instead of a {@code chmod} child process. Without Hadoop's
 * native library (the application jar carries none) every local {@code mkdirs} and {@code create}
 * forked one, twice per file with its checksum file: 10–50 ms per small file on a loaded machine,
 * paid by every stage commit, marker, run record and Spark write of an iteration. The launcher's
 * local mode uses it for {@code file:} paths ({@code spark.hadoop.fs.file.impl} in {@code
 * conf/spark-local.conf}).
 */
public class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** The raw local file system under it, with {@link #setPermission} through {@code java.nio}. */
  public static final class Raw extends RawLocalFileSystem {
    /**
     * Sets the owner, group and other bits of {@code permission}, as Hadoop's {@code chmod} does
     * (the sticky bit, which orz never asks for, is not set).
     */
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission));
    }
  }

  /** The POSIX permissions of a Hadoop permission's user, group and other actions. */
  static Set<PosixFilePermission> posix(FsPermission permission) {
    Set<PosixFilePermission> posix = EnumSet.noneOf(PosixFilePermission.class);
    add(
        posix,
        permission.getUserAction(),
        PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE);
    add(
        posix,
        permission.getGroupAction(),
        PosixFilePermission.GROUP_READ,
        PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_EXECUTE);
    add(
        posix,
        permission.getOtherAction(),
        PosixFilePermission.OTHERS_READ,
        PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE);
    return posix;
  }

  private static void add(
      Set<PosixFilePermission> posix,
      FsAction action,
      PosixFilePermission read,
      PosixFilePermission write,
      PosixFilePermission execute) {
    if (action.implies(FsAction.READ)) {
      posix.add(read);
    }
    if (action.implies(FsAction.WRITE)) {
      posix.add(write);
    }
    if (action.implies(FsAction.EXECUTE)) {
      posix.add(execute);
    }
  }
}
