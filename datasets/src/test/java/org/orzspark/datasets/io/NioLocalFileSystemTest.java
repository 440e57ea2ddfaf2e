package org.orzspark.datasets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {

  @Test
  void hadoopPermissionsMapToPosixOnes() {
    assertThat(
            PosixFilePermissions.toString(NioLocalFileSystem.posix(new FsPermission((short) 0754))))
        .isEqualTo("rwxr-xr--");
    assertThat(
            PosixFilePermissions.toString(NioLocalFileSystem.posix(new FsPermission((short) 0640))))
        .isEqualTo("rw-r-----");
    assertThat(NioLocalFileSystem.posix(new FsPermission((short) 0))).isEmpty();
  }

  @Test
  void configuredForFilePathsItSetsPermissionsAndStillChecksFileContents(
      @TempDir java.nio.file.Path dir) throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    FileSystem fs = new Path(dir.toUri()).getFileSystem(conf);
    assertThat(fs).isInstanceOf(NioLocalFileSystem.class);

    Path folder = new Path(dir.toUri().toString(), "a/b");
    assertThat(fs.mkdirs(folder, new FsPermission((short) 0750))).isTrue();
    Path file = new Path(folder, "data");
    try (OutputStream out = fs.create(file, false)) {
      out.write("hello, store".getBytes(StandardCharsets.UTF_8));
    }
    fs.setPermission(file, new FsPermission((short) 0604));
    java.nio.file.Path local = dir.resolve("a/b/data");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local)))
        .isEqualTo("rw----r--");
    assertThat(Files.exists(dir.resolve("a/b/.data.crc"))).isTrue();

    // The checksum layer is Hadoop's own: a flipped byte is caught when the file is read.
    try (RandomAccessFile raw = new RandomAccessFile(local.toFile(), "rw")) {
      raw.seek(0);
      raw.write('H');
    }
    assertThatThrownBy(() -> fs.open(file).readAllBytes()).isInstanceOf(ChecksumException.class);
  }
}
