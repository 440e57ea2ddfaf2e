package org.orzspark.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a stage's output came from: the code (project version and the git commit baked in at build
 * time, "unknown" when the build was not in a git checkout), the Java, Spark, DJL and PyTorch
 * versions, the host and the command line with every secret value redacted ({@link #redact}). Built
 * once on the driver and carried by the iteration's context into each stage record.
 *
 * @param version the project version ({@code orz --version})
 * @param commit the git commit the build was made from, with {@code -dirty} when the checkout had
 *     uncommitted changes; {@value #UNKNOWN} outside a git checkout
 * @param pytorch the PyTorch native library version the build bundles
 * @param commandLine the command's arguments as given, secrets redacted
 */
public record Provenance(
    @JsonProperty("version") String version,
    @JsonProperty("commit") String commit,
    @JsonProperty("java") String java,
    @JsonProperty("spark") String spark,
    @JsonProperty("djl") String djl,
    @JsonProperty("pytorch") String pytorch,
    @JsonProperty("host") String host,
    @JsonProperty("command_line") String commandLine) {
  public static final String UNKNOWN = "unknown";

  /** What replaces the value of a key that names a secret. */
  public static final String REDACTED = "<redacted>";

  /** Key words (whole segments, or the end of one) that mark a value as secret. */
  private static final Set<String> SECRET_WORDS =
      Set.of("secret", "password", "passwd", "token", "key", "credential", "credentials");

  private static final Pattern SEGMENTS = Pattern.compile("[._\\-]+");

  /** This JVM's provenance for a command run with {@code args} (redacted here). */
  public static Provenance of(String command, List<String> args) {
    Properties build = buildProperties();
    List<String> line = new ArrayList<>();
    line.add(command);
    line.addAll(redact(args));
    return new Provenance(
        known(build.getProperty("project.version")),
        commit(build.getProperty("git.commit"), build.getProperty("git.dirty")),
        System.getProperty("java.version"),
        org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        known(ai.djl.engine.Engine.getDjlVersion()),
        known(build.getProperty("pytorch.version")),
        localHost(),
        String.join(" ", line));
  }

  /**
   * {@code args} with the value of every key that names a secret replaced by {@value #REDACTED}: in
   * {@code key=value} (also inside {@code --conf=key=value}) and in an option followed by its value
   * ({@code --hf-token abc}). A key names a secret when one of its segments (split on {@code . _
   * -}) is, or ends with, secret, password, passwd, token, key or credential(s),
   * case-insensitively: {@code spark.authenticate.secret}, {@code spark.hadoop.fs.s3a.access.key},
   * {@code spark.ssl.keyPassword}, but not {@code rollout.max_response_tokens}.
   */
  public static List<String> redact(List<String> args) {
    List<String> out = new ArrayList<>(args.size());
    boolean valueIsSecret = false;
    for (String arg : args) {
      if (valueIsSecret) {
        out.add(REDACTED);
        valueIsSecret = false;
        continue;
      }
      out.add(redactAssignment(arg));
      valueIsSecret = arg.startsWith("-") && arg.indexOf('=') < 0 && namesSecret(arg);
    }
    return out;
  }

  private static String redactAssignment(String arg) {
    int eq = arg.indexOf('=');
    if (eq < 0) {
      return arg;
    }
    String key = arg.substring(0, eq);
    return key + "=" + (namesSecret(key) ? REDACTED : redactAssignment(arg.substring(eq + 1)));
  }

  /** Whether {@code key} names a secret (see {@link #redact}). */
  static boolean namesSecret(String key) {
    for (String segment : SEGMENTS.split(key.toLowerCase(Locale.ROOT))) {
      for (String word : SECRET_WORDS) {
        if (segment.endsWith(word) && (segment.equals(word) || !word.equals("key"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The commit as recorded: "unknown" when the build had none, "-dirty" when uncommitted. */
  static String commit(String id, String dirty) {
    String known = known(id);
    return known.equals(UNKNOWN) || !"true".equals(dirty) ? known : known + "-dirty";
  }

  /** A filtered value, or "unknown" when it is missing or was never substituted. */
  private static String known(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? UNKNOWN : value;
  }

  private static Properties buildProperties() {
    Properties properties = new Properties();
    try (InputStream in = Provenance.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return UNKNOWN;
    }
  }
}
