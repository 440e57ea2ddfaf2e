package org.orzspark.datasets.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptId;
import org.orzspark.datasets.PromptRecord;

class JsonPromptReaderTest {

  private static String orz(String question, String answer) {
    return "[{\"from\":\"human\",\"value\":\""
        + question
        + "\"},"
        + "{\"from\":\"assistant\",\"ground_truth\":{\"value\":\""
        + answer
        + "\"}}]";
  }

  @Test
  void readsOrzTrainingRecords() {
    String text =
        "[\n" + orz("What is $1+1$?", "2") + ",\n" + orz("Solve $x^2=4$.", "\\\\pm 2") + "\n]";
    ReadResult result = JsonPromptReader.read(InputFormat.ORZ, "train.json", "train", text);
    assertThat(result.quarantined()).isEmpty();
    assertThat(result.parsed())
        .extracting(p -> p.record().question())
        .containsExactly("What is $1+1$?", "Solve $x^2=4$.");
    PromptRecord second = result.parsed().get(1).record();
    assertThat(second.answer()).isEqualTo("\\pm 2");
    assertThat(second.source()).isEqualTo("train");
    assertThat(second.promptId()).isEqualTo(PromptId.of("Solve $x^2=4$."));
    assertThat(result.parsed().get(1).lineOrIndex()).isEqualTo(1);
    assertThat(result.parsed().get(1).original()).isEqualTo(orz("Solve $x^2=4$.", "\\\\pm 2"));
  }

  @Test
  void extraFieldsOfAnOrzTrainingRecordGoToMetadata() {
    String text =
        "[[{\"from\":\"human\",\"value\":\"q\",\"lang\":\"en\"},"
            + "{\"from\":\"assistant\",\"ground_truth\":{\"value\":\"3\",\"pass_at_n\":0.25},"
            + "\"tags\":[\"algebra\"]}]]";
    ReadResult result = JsonPromptReader.read(InputFormat.ORZ, "hard.json", "hard", text);
    assertThat(result.quarantined()).isEmpty();
    PromptRecord record = result.parsed().get(0).record();
    assertThat(record.answer()).isEqualTo("3");
    assertThat(record.metadata())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "human.lang", "en",
                "assistant.tags", "[\"algebra\"]",
                "ground_truth.pass_at_n", "0.25"));
  }

  @Test
  void everyMalformedOrzRecordIsQuarantinedWithItsReasonAndTheRestIsRead() {
    List<String> elements =
        List.of(
            orz("good one", "1"),
            "[{\"from\":\"human\",\"value\":\"no answer\"},{\"from\":\"assistant\"}]",
            "[{\"from\":\"human\",\"value\":\"one turn\"}]",
            "[{\"from\":\"gpt\",\"value\":\"q\"},"
                + "{\"from\":\"assistant\",\"ground_truth\":{\"value\":\"1\"}}]",
            "[{\"from\":\"human\",\"value\":{\"x\":1}},"
                + "{\"from\":\"assistant\",\"ground_truth\":{\"value\":\"1\"}}]",
            "[{\"from\":\"human\" \"value\":\"missing colon\"}]",
            "[{\"from\":\"human\",\"value\":\"raw\ttab in a JSON string\"}]",
            "[{\"from\":\"human\",\"from\":\"human\",\"value\":\"dup key\"}]",
            orz("good two", "2"));
    String text = "[" + String.join(",", elements) + "]";
    ReadResult result = JsonPromptReader.read(InputFormat.ORZ, "f.json", "f", text);
    assertThat(result.recordsRead()).isEqualTo(elements.size());
    assertThat(result.parsed())
        .extracting(p -> p.record().question())
        .containsExactly("good one", "good two");
    assertThat(result.quarantined())
        .extracting(QuarantineEntry::reason, QuarantineEntry::lineOrIndex)
        .containsExactly(
            tuple(QuarantineReason.MISSING_FIELD, 1L),
            tuple(QuarantineReason.WRONG_SHAPE, 2L),
            tuple(QuarantineReason.WRONG_SHAPE, 3L),
            tuple(QuarantineReason.WRONG_SHAPE, 4L),
            tuple(QuarantineReason.MALFORMED_JSON, 5L),
            tuple(QuarantineReason.MALFORMED_JSON, 6L),
            tuple(QuarantineReason.MALFORMED_JSON, 7L));
    for (QuarantineEntry q : result.quarantined()) {
      assertThat(q.original()).isEqualTo(elements.get((int) q.lineOrIndex()));
      assertThat(q.sourceFile()).isEqualTo("f.json");
      assertThat(q.detail()).isNotBlank();
    }
    assertThat(result.quarantined().get(2).detail()).contains("\"from\" is \"gpt\"");
  }

  @Test
  void truncatedFileKeepsCompleteRecordsAndQuarantinesTheTail() {
    String text = "[" + orz("a", "1") + "," + orz("b", "2") + ",[{\"from\":\"human\",\"val";
    ReadResult result = JsonPromptReader.read(InputFormat.ORZ, "t.json", "t", text);
    assertThat(result.parsed()).hasSize(2);
    assertThat(result.quarantined())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.reason()).isEqualTo(QuarantineReason.MALFORMED_JSON);
              assertThat(q.detail()).contains("truncated");
              assertThat(q.original()).isEqualTo("[{\"from\":\"human\",\"val");
            });
    String trailing = "[" + orz("a", "1") + "] garbage";
    assertThat(JsonPromptReader.read(InputFormat.ORZ, "t.json", "t", trailing).quarantined())
        .singleElement()
        .satisfies(q -> assertThat(q.original()).isEqualTo("garbage"));
  }

  @Test
  void readsEvalRecordsWithChoicesInKeyOrderAndExtrasAsMetadata() {
    String text =
        "[{\"prompt\":[{\"from\":\"user\",\"value\":\"Pick one.\\n"
            + "A. x\\n"
            + "B. y\"}],\"final_answer\":\"B\",\"choices\":{\"A\":\"x\",\"B\":\"y\"},\"level\":5},"
            + "{\"prompt\":[{\"from\":\"user\",\"value\":\"Q2\"}],"
            + "\"final_answer\":\"\\\\frac{1}{2}\"},"
            + "{\"prompt\":[],\"final_answer\":\"1\"},"
            + "{\"final_answer\":\"1\"},{\"prompt\":[{\"from\":\"user\",\"value\":\"no"
            + " answer\"}]}]";
    ReadResult result = JsonPromptReader.read(InputFormat.ORZ_EVAL, "e.json", "e", text);
    assertThat(result.parsed()).hasSize(2);
    PromptRecord first = result.parsed().get(0).record();
    assertThat(first.choices()).containsExactly("x", "y");
    assertThat(first.metadata()).isEqualTo(Map.of("level", "5"));
    assertThat(result.parsed().get(1).record().answer()).isEqualTo("\\frac{1}{2}");
    assertThat(result.parsed().get(1).record().choices()).isNull();
    assertThat(result.quarantined())
        .extracting(QuarantineEntry::reason)
        .containsExactly(
            QuarantineReason.WRONG_SHAPE,
            QuarantineReason.MISSING_FIELD,
            QuarantineReason.MISSING_FIELD);
  }

  @Test
  void readsJsonLinesWithNumericAnswersAndLineNumbers() {
    String text =
        "{\"problem\":\"P1\",\"answer\":70,\"id\":\"0\"}\r\n"
            + "\n"
            + "{\"problem\":\"P2\",\"answer\":0.50}\n"
            + "{\"problem\":\"P3\"}\n"
            + "{\"problem\":\"P4\",\"answer\":[1]}\n"
            + "not json\n";
    ReadResult result = JsonPromptReader.read(InputFormat.JSONL, "a.jsonl", "a", text);
    assertThat(result.parsed()).extracting(p -> p.record().answer()).containsExactly("70", "0.50");
    assertThat(result.parsed().get(0).record().metadata()).isEqualTo(Map.of("id", "0"));
    assertThat(result.parsed()).extracting(ParsedPrompt::lineOrIndex).containsExactly(1L, 3L);
    assertThat(result.parsed().get(0).original())
        .isEqualTo("{\"problem\":\"P1\",\"answer\":70,\"id\":\"0\"}");
    assertThat(result.quarantined())
        .extracting(QuarantineEntry::reason, QuarantineEntry::lineOrIndex)
        .containsExactly(
            tuple(QuarantineReason.MISSING_FIELD, 4L),
            tuple(QuarantineReason.WRONG_SHAPE, 5L),
            tuple(QuarantineReason.MALFORMED_JSON, 6L));
  }

  @Test
  void wrongFormatForTheWholeFileIsAnErrorNamingTheFile() {
    assertThatThrownBy(
            () -> JsonPromptReader.read(InputFormat.ORZ, "a.jsonl", "a", "{\"problem\":\"x\"}\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a.jsonl: not a JSON array");
  }
}
