package org.orzspark.run;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.run.SampledPromptTable.SampledPrompt;
import org.orzspark.testing.SharedSpark;

class SampledPromptTableTest {

  @Test
  void aDrawJoinedWithThePromptSetReadsBackByName() {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> prompts =
        PromptSchema.toDataFrame(
            spark,
            List.of(
                new PromptRecord("a", "1+1?", "2", "synth", null, null, java.util.Map.of()),
                new PromptRecord("b", "2+2?", "4", "synth", null, null, java.util.Map.of())));
    Dataset<Row> table =
        spark
            .createDataFrame(
                List.of(SampledPromptTable.drawRow(0, "b"), SampledPromptTable.drawRow(1, "a")),
                SampledPromptTable.DRAW)
            .join(prompts, SampledPromptTable.PROMPT_ID)
            .select(SampledPromptTable.columns())
            .orderBy(SampledPromptTable.ORDER);
    assertThat(table.collectAsList().stream().map(SampledPromptTable::fromRow).toList())
        .containsExactly(
            new SampledPrompt(0, "b", "2+2?", "4"), new SampledPrompt(1, "a", "1+1?", "2"));
    Row reordered =
        table
            .select(
                col(SampledPromptTable.ANSWER),
                col(SampledPromptTable.QUESTION),
                col(SampledPromptTable.PROMPT_ID),
                col(SampledPromptTable.ORDER))
            .first();
    assertThat(SampledPromptTable.fromRow(reordered))
        .isEqualTo(new SampledPrompt(0, "b", "2+2?", "4"));
    Row renamed = table.withColumnRenamed(SampledPromptTable.ORDER, "position").first();
    assertThatThrownBy(() -> SampledPromptTable.fromRow(renamed))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
