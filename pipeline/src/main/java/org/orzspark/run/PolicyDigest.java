package org.orzspark.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;

/**
 * A stable name for the policy of a checkpoint: the SHA-256 of its {@code MANIFEST.json} entries
 * under {@code policy/}, as the lines {@code "<path> <checksum>\n"} sorted by path. It names
 * exactly the files generation reads (weights, config, tokenizer), so a checkpoint whose critic or
 * optimizer state differs has the same policy digest, and it costs no hashing of weights: the
 * manifest's checksums were computed when the checkpoint was written and are verified when it is
 * loaded.
 */
public final class PolicyDigest {
  private static final String POLICY = "policy/";

  private PolicyDigest() {}

  /** The policy digest of the checkpoint folder {@code checkpoint} (from its manifest). */
  public static String of(CheckpointStore checkpoints, Path checkpoint) throws IOException {
    return of(checkpoints.manifest(checkpoint));
  }

  /** The policy digest of a manifest (path → checksum of the file). */
  public static String of(Map<String, String> manifest) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    boolean any = false;
    for (var entry : new TreeMap<>(manifest).entrySet()) {
      if (entry.getKey().startsWith(POLICY)) {
        sha.update(
            (entry.getKey() + " " + entry.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        any = true;
      }
    }
    if (!any) {
      throw new IllegalArgumentException("the manifest lists no " + POLICY + " files");
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
