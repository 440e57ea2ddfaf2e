package org.orzspark.reward.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.orzspark.reward.extract.ExtractionConfig;
import org.orzspark.testing.RepoData;

/**
 * Runs Math-Verify's own test vectors with their calling convention (both strings extracted the
 * same way, per-case match types, precision, strictness, set-relation option, boxed priority) and
 * fails when agreement with the upstream assertions drops below the level reached. Two corpora: the
 * 184 vectors of {@code datasets/data/math-verify/cases.jsonl} and the further upstream vectors of
 * the test resource {@code math-verify/extra-cases.jsonl}. Every disagreement is listed, with its
 * reason, in {@code udfs/CONFORMANCE.md}.
 */
class MathVerifyConformanceTest {
  record Case(
      String id,
      String gold,
      String pred,
      boolean expected,
      ExtractionConfig extraction,
      VerifyOptions options) {}

  record Corpus(String name, int size, int minAgreeing, List<String> lines) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> corpora() throws IOException {
    List<String> cases = Files.readAllLines(RepoData.resolve("math-verify/cases.jsonl"));
    List<String> extra;
    try (InputStream in =
        MathVerifyConformanceTest.class.getResourceAsStream("/math-verify/extra-cases.jsonl")) {
      extra = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    return Stream.of(
        Arguments.of(new Corpus("cases.jsonl", 184, 183, cases)),
        Arguments.of(new Corpus("extra-cases.jsonl", 180, 164, extra)));
  }

  static List<Case> parse(List<String> lines) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<Case> out = new ArrayList<>();
    for (String line : lines) {
      JsonNode n = mapper.readTree(line);
      List<String> types = new ArrayList<>();
      n.path("match_types").forEach(t -> types.add(t.asText()));
      boolean boxedFirst =
          !"parse_verify_defaults".equals(n.path("helper").asText())
              && n.path("boxed_priority").asInt(0) == 0;
      ExtractionConfig extraction =
          new ExtractionConfig(types.contains("latex"), types.contains("expr"), boxedFirst);
      VerifyOptions options =
          VerifyOptions.DEFAULTS
              .withPrecision(n.path("precision").asInt(VerifyOptions.PRECISION_DEFAULT))
              .withStrict(n.path("strict").asBoolean(true))
              .withAllowSetRelationComp(n.path("allow_set_relation_comp").asBoolean(false));
      out.add(
          new Case(
              n.get("id").asText(),
              n.get("gold").asText(),
              n.get("pred").asText(),
              n.get("expected").asBoolean(),
              extraction,
              options));
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpora")
  void agreesWithMathVerifyOnItsOwnTestVectors(Corpus corpus) throws IOException {
    List<Case> cases = parse(corpus.lines());
    int agreeing = 0;
    StringBuilder report = new StringBuilder();
    for (Case c : cases) {
      Verdict v = MathVerifier.verify(c.gold(), c.pred(), c.extraction(), c.options());
      if (v.equal() == c.expected()) {
        agreeing++;
      } else {
        report.append(
            String.format("DISAGREE %s expected=%s reason=%s%n", c.id(), c.expected(), v.reason()));
      }
    }
    System.out.printf(
        "Math-Verify conformance (%s): %d/%d agree (%.1f%%)%n%s",
        corpus.name(), agreeing, cases.size(), 100.0 * agreeing / cases.size(), report);
    assertThat(cases).hasSize(corpus.size());
    assertThat(agreeing).isGreaterThanOrEqualTo(corpus.minAgreeing());
  }
}
