package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Secrets redacted from command lines, and what a provenance records. */
class ProvenanceTest {

  @Test
  void redactsValuesOfKeysNamingSecrets() {
    assertThat(
            Provenance.redact(
                List.of(
                    "iterate",
                    "--run-dir",
                    "/runs/a",
                    "--conf",
                    "spark.authenticate.secret=abc",
                    "--conf",
                    "spark.hadoop.fs.s3a.access.key=AKIA1",
                    "--conf=spark.ssl.keyPassword=pw",
                    "--hf-token",
                    "hf_x",
                    "--set",
                    "rollout.max_response_tokens=8")))
        .containsExactly(
            "iterate",
            "--run-dir",
            "/runs/a",
            "--conf",
            "spark.authenticate.secret=<redacted>",
            "--conf",
            "spark.hadoop.fs.s3a.access.key=<redacted>",
            "--conf=spark.ssl.keyPassword=<redacted>",
            "--hf-token",
            "<redacted>",
            "--set",
            "rollout.max_response_tokens=8");
  }

  @Test
  void secretWordsAreMatchedBySegment() {
    assertThat(Provenance.namesSecret("spark.authenticate.secret")).isTrue();
    assertThat(Provenance.namesSecret("SPARK_DB_PASSWORD")).isTrue();
    assertThat(Provenance.namesSecret("--api-key")).isTrue();
    assertThat(Provenance.namesSecret("spark.ssl.keyStorePassword")).isTrue();
    assertThat(Provenance.namesSecret("github.authToken")).isTrue();
    assertThat(Provenance.namesSecret("rollout.max_response_tokens")).isFalse();
    assertThat(Provenance.namesSecret("--tokenizer-dir")).isFalse();
    assertThat(Provenance.namesSecret("spark.monkey.count"))
        .as("'key' only as a whole segment")
        .isFalse();
  }

  @Test
  void anOptionWithoutItsValueAtTheEndIsKept() {
    assertThat(Provenance.redact(List.of("--password"))).containsExactly("--password");
  }

  @Test
  void commitIsUnknownOutsideAGitCheckoutAndMarkedWhenDirty() {
    assertThat(Provenance.commit("${git.commit.id}", "${git.dirty}")).isEqualTo("unknown");
    assertThat(Provenance.commit(null, null)).isEqualTo("unknown");
    assertThat(Provenance.commit("67e785c", "false")).isEqualTo("67e785c");
    assertThat(Provenance.commit("67e785c", "true")).isEqualTo("67e785c-dirty");
  }

  @Test
  void recordsVersionsHostAndTheRedactedCommandLine() {
    Provenance p = Provenance.of("orz", List.of("iterate", "--conf", "x.secret=s3cr3t"));
    assertThat(p.commandLine()).isEqualTo("orz iterate --conf x.secret=<redacted>");
    assertThat(p.java()).isEqualTo(System.getProperty("java.version"));
    assertThat(p.spark()).startsWith("4.");
    assertThat(p.djl()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(p.pytorch()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(p.version()).isNotEqualTo("unknown");
    assertThat(p.commit()).as("built in a git checkout").matches("[0-9a-f]{40}(-dirty)?");
    assertThat(p.host()).isNotBlank();
  }
}
