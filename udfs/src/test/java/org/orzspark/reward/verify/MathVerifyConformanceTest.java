package org.orzspark.reward.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.reward.extract.ExtractionConfig;
import org.orzspark.testing.SharedData;

/**
 * Runs the 184 Math-Verify test vectors ({@code shared/data/math-verify/cases.jsonl}) with their
 * calling convention (both strings extracted the same way, per-case match types, precision,
 * strictness) and fails when agreement with the upstream assertions drops below the level reached.
 * Every disagreement is listed, with its reason, in {@code udfs/CONFORMANCE.md}.
 */
class MathVerifyConformanceTest {
  /** Agreement reached (see CONFORMANCE.md); the test fails below it. */
  static final int MIN_AGREEING = 183;

  record Case(String id, String gold, String pred, boolean expected, ExtractionConfig extraction, VerifyOptions options) {}

  static List<Case> cases() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<Case> out = new ArrayList<>();
    for (String line : Files.readAllLines(SharedData.resolve("data/math-verify/cases.jsonl"))) {
      JsonNode n = mapper.readTree(line);
      List<String> types = new ArrayList<>();
      n.path("match_types").forEach(t -> types.add(t.asText()));
      boolean boxedFirst = !"parse_verify_defaults".equals(n.path("helper").asText());
      ExtractionConfig extraction = new ExtractionConfig(types.contains("latex"), types.contains("expr"), boxedFirst);
      VerifyOptions options =
          VerifyOptions.DEFAULTS
              .withPrecision(n.path("precision").asInt(VerifyOptions.PRECISION_DEFAULT))
              .withStrict(n.path("strict").asBoolean(true))
              .withAllowSetRelationComp(n.path("allow_set_relation_comp").asBoolean(false));
      out.add(new Case(n.get("id").asText(), n.get("gold").asText(), n.get("pred").asText(),
          n.get("expected").asBoolean(), extraction, options));
    }
    return out;
  }

  @Test
  void agreesWithMathVerifyOnItsOwnTestVectors() throws IOException {
    List<Case> cases = cases();
    int agreeing = 0;
    StringBuilder report = new StringBuilder();
    for (Case c : cases) {
      Verdict v = MathVerifier.verify(c.gold(), c.pred(), c.extraction(), c.options());
      if (v.equal() == c.expected()) {
        agreeing++;
      } else {
        report.append(String.format("DISAGREE %s expected=%s reason=%s%n", c.id(), c.expected(), v.reason()));
      }
    }
    System.out.printf("Math-Verify conformance: %d/%d agree (%.1f%%)%n%s", agreeing, cases.size(),
        100.0 * agreeing / cases.size(), report);
    assertThat(cases).hasSize(184);
    assertThat(agreeing).isGreaterThanOrEqualTo(MIN_AGREEING);
  }
}
