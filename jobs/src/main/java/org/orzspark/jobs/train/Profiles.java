package org.orzspark.jobs.train;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * The run profiles a {@code --profile} names: a properties file, or a profile packed into the
 * application jar. The build copies {@code conf/profiles/NAME.properties} (their only source) to
 * the class path as {@code orz/profiles/NAME.properties}, so {@code --profile NAME} works wherever
 * the jar runs, a cluster's own {@code spark-submit} included, and never reads the working
 * directory.
 */
public final class Profiles {
  private Profiles() {}

  /** Where the build packs the profiles on the class path. */
  static final String PACKED_DIR = "orz/profiles/";

  private static final String SUFFIX = ".properties";

  /** A loaded profile: its name (the file name without {@code .properties}) and its settings. */
  public record Profile(String name, Properties settings) {}

  /** No profile: every setting keeps its built-in default. */
  public static final Profile BUILT_IN = new Profile("built-in", new Properties());

  /**
   * Loads {@code given}: an existing file, or anything that looks like a path (it has a path
   * separator or ends in {@code .properties}) as a file, which must exist; else the packed profile
   * of that name. An unknown name fails in one line listing the packed names.
   */
  public static Profile load(String given) throws IOException {
    Path file = Path.of(given);
    if (Files.isRegularFile(file) || looksLikePath(given)) {
      if (!Files.isRegularFile(file)) {
        throw new NoSuchFileException(given);
      }
      try (Reader reader = Files.newBufferedReader(file)) {
        return new Profile(nameOf(file.getFileName().toString()), read(reader));
      }
    }
    URL packed = Profiles.class.getClassLoader().getResource(PACKED_DIR + given + SUFFIX);
    if (packed == null) {
      throw new IllegalArgumentException(
          "unknown profile '"
              + given
              + "'; packed profiles: "
              + String.join(", ", packed())
              + " (or give a properties file)");
    }
    try (InputStream in = packed.openStream();
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return new Profile(given, read(reader));
    }
  }

  /**
   * The names of the packed profiles, sorted: the {@code orz/profiles/*.properties} beside this
   * class, in the application jar or (in tests) in the build's classes folder; empty when neither
   * can be listed.
   */
  public static List<String> packed() {
    try {
      return packedIn(
          Path.of(Profiles.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | RuntimeException e) {
      return List.of();
    }
  }

  /** The names of the profiles packed in {@code home}: a jar or a classes folder. */
  static List<String> packedIn(Path home) {
    try {
      if (Files.isDirectory(home)) {
        Path dir = home.resolve(PACKED_DIR);
        if (!Files.isDirectory(dir)) {
          return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
          return names(files.map(p -> p.getFileName().toString()));
        }
      }
      try (ZipFile jar = new ZipFile(home.toFile())) {
        return names(
            jar.stream()
                .map(entry -> entry.getName())
                .filter(name -> name.startsWith(PACKED_DIR))
                .map(name -> name.substring(PACKED_DIR.length())));
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static List<String> names(Stream<String> fileNames) {
    return fileNames
        .filter(name -> name.endsWith(SUFFIX) && name.indexOf('/') < 0)
        .map(Profiles::nameOf)
        .sorted()
        .toList();
  }

  private static boolean looksLikePath(String given) {
    return given.indexOf('/') >= 0
        || given.indexOf(File.separatorChar) >= 0
        || given.endsWith(SUFFIX);
  }

  private static String nameOf(String fileName) {
    return fileName.endsWith(SUFFIX)
        ? fileName.substring(0, fileName.length() - SUFFIX.length())
        : fileName;
  }

  private static Properties read(Reader reader) throws IOException {
    Properties properties = new Properties();
    properties.load(reader);
    return properties;
  }
}
