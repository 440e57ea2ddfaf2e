package org.orzspark.run;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * This machine's disk under the scheme {@code copyfs:}, which orz does not take for local: the run
 * store's remote code paths (staging and uploading checkpoints, copying them into the checkpoint
 * cache) run on it without a cluster. {@link #conf} registers it.
 */
public final class CopyFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "copyfs";

  /** A configuration that reaches {@code copyfs:} paths (FileSystem and FileContext). */
  public static Configuration conf() {
    Configuration conf = new Configuration();
    conf.set("fs." + SCHEME + ".impl", CopyFileSystem.class.getName());
    conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
    conf.set("fs.AbstractFileSystem." + SCHEME + ".impl", Context.class.getName());
    return conf;
  }

  /** The {@code copyfs:} path of a local path. */
  public static String uri(java.nio.file.Path local) {
    return SCHEME + "://" + local.toAbsolutePath();
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /** The FileContext face of {@link CopyFileSystem}. */
  public static final class Context extends DelegateToFileSystem {
    public Context(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new CopyFileSystem(), conf, SCHEME, false);
    }
  }
}
