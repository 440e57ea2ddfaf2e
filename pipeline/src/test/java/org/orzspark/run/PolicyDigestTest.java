package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy digest names the policy's files and nothing else. */
class PolicyDigestTest {

  private static Map<String, String> manifest(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  void isTheSha256OfThePolicyEntriesSortedByPath() throws Exception {
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(
                        "policy/config.json aa\npolicy/model.safetensors bb\n"
                            .getBytes(StandardCharsets.UTF_8)));
    assertThat(
            PolicyDigest.of(
                manifest(
                    "policy/model.safetensors",
                    "bb",
                    "critic/model.safetensors",
                    "cc",
                    "policy/config.json",
                    "aa",
                    "state.json",
                    "dd")))
        .isEqualTo(expected);
  }

  @Test
  void criticAndOptimizerStateDoNotChangeItButAPolicyFileDoes() {
    String base = PolicyDigest.of(manifest("policy/w", "1", "critic/w", "2", "optimizer/m", "3"));
    assertThat(PolicyDigest.of(manifest("policy/w", "1", "critic/w", "9", "optimizer/m", "8")))
        .isEqualTo(base);
    assertThat(PolicyDigest.of(manifest("policy/w", "7", "critic/w", "2", "optimizer/m", "3")))
        .isNotEqualTo(base);
  }

  @Test
  void aManifestWithoutPolicyFilesIsRefused() {
    assertThatThrownBy(() -> PolicyDigest.of(manifest("critic/w", "2")))
        .hasMessageContaining("no policy/ files");
  }
}
