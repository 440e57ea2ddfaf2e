package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.run.RunSettings;
import org.orzspark.testing.RepoPaths;

/**
 * Profiles by name come from the class path (the application jar), never from the working
 * directory: surefire runs in jobs/, which has no conf/, and the resolver reads no ORZ_HOME.
 */
class ProfilesTest {

  @TempDir Path dir;

  @Test
  void theWorkingDirectoryHasNoProfiles() {
    assertThat(Path.of("conf", "profiles", "tiny-cpu.properties")).doesNotExist();
  }

  @Test
  void aNameResolvesToThePackedProfile() throws Exception {
    Profiles.Profile recipe = Profiles.load("orz-7b");
    assertThat(recipe.name()).isEqualTo("orz-7b");
    assertThat(recipe.settings().getProperty(RunSettings.SAMPLES_PER_PROMPT.key()).trim())
        .isEqualTo("64");

    Profiles.Profile tiny = Profiles.load("tiny-cpu");
    assertThat(tiny.name()).isEqualTo("tiny-cpu");
    assertThat(tiny.settings().getProperty(RunSettings.PROMPTS_PER_ITERATION.key()).trim())
        .isEqualTo("16");
  }

  @Test
  void theLargeProfilesWeighEveryResponseTokenAndTinyCpuEverySequence() throws Exception {
    for (String name : java.util.List.of("orz-7b", "orz-32b", "tiny-cpu")) {
      org.orzspark.ppo.LossReduction reduction =
          org.orzspark.run.RunConfig.resolve(
                  "m", "p", "x", Profiles.load(name).settings(), java.util.Map.of())
              .get(RunSettings.LOSS_REDUCTION);
      assertThat(reduction)
          .as(name)
          .isEqualTo(
              name.equals("tiny-cpu")
                  ? org.orzspark.ppo.LossReduction.SEQUENCE_MEAN
                  : org.orzspark.ppo.LossReduction.TOKEN_MEAN);
    }
  }

  @Test
  void thePackedProfilesAreExactlyThoseOfConfProfiles() throws Exception {
    try (var files = Files.list(RepoPaths.root().resolve("conf/profiles"))) {
      assertThat(Profiles.packed())
          .containsExactlyElementsOf(
              files
                  .map(p -> p.getFileName().toString())
                  .filter(name -> name.endsWith(".properties"))
                  .map(name -> name.replaceFirst("\\.properties$", ""))
                  .sorted()
                  .toList());
    }
    assertThat(Profiles.packed()).contains("orz-32b", "orz-7b", "tiny-cpu");
    // The packed copy is the source's content, not a second source that may drift.
    java.util.Properties source = new java.util.Properties();
    try (var reader =
        Files.newBufferedReader(RepoPaths.root().resolve("conf/profiles/tiny-cpu.properties"))) {
      source.load(reader);
    }
    assertThat(Profiles.load("tiny-cpu").settings()).isEqualTo(source);
  }

  @Test
  void thePackedNamesAreListedFromAJarToo() throws Exception {
    Path jar = dir.resolve("app.jar");
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
      for (String entry :
          List.of(
              "orz/",
              "orz/profiles/",
              "orz/profiles/b.properties",
              "orz/profiles/a.properties",
              "orz/profiles/README",
              "orz/profiles/old/c.properties",
              "org/orzspark/X.class")) {
        zip.putNextEntry(new java.util.zip.ZipEntry(entry));
        zip.closeEntry();
      }
    }
    assertThat(Profiles.packedIn(jar)).containsExactly("a", "b");
    assertThat(Profiles.packedIn(dir.resolve("absent.jar"))).isEmpty();
  }

  @Test
  void aFilePathStillWorks() throws Exception {
    Path file = dir.resolve("mine.properties");
    Files.writeString(file, "ppo.gamma = 0.99\n");
    Profiles.Profile mine = Profiles.load(file.toString());
    assertThat(mine.name()).isEqualTo("mine");
    assertThat(mine.settings().getProperty("ppo.gamma")).isEqualTo("0.99");

    // A path without the suffix is a file too, and a file wins over a packed name.
    Path plain = dir.resolve("tiny-cpu");
    Files.writeString(plain, "ppo.lambda = 0.95\n");
    assertThat(Profiles.load(plain.toString()).settings().getProperty("ppo.lambda"))
        .isEqualTo("0.95");
  }

  @Test
  void aMissingFileAndAnUnknownNameAreRefused() {
    assertThatThrownBy(() -> Profiles.load(dir.resolve("absent.properties").toString()))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> Profiles.load("orz-70b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown profile 'orz-70b'; packed profiles: ")
        .hasMessageContaining("orz-32b, orz-7b, tiny-cpu")
        .hasMessageEndingWith(" (or give a properties file)");
  }
}
