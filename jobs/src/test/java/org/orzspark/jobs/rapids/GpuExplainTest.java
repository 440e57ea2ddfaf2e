package org.orzspark.jobs.rapids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.jobs.rapids.GpuExplain.Node;
import org.orzspark.jobs.rapids.GpuExplain.Verdict;

/** Reading the plugin's explain text back (no plugin needed: the text is the plugin's format). */
class GpuExplainTest {
  private static final String AGGREGATE =
      """

      *Exec <HashAggregateExec> will run on GPU
        *Expression <AggregateExpression> count(1) will run on GPU
        !Exec <ProjectExec> cannot run on GPU because not all expressions can be replaced
          ^Expression <ScalaUDF> UDF(response#124) will run on GPU via CPU bridge because neither \
      UDF implemented by class Foo provides a GPU implementation
          #Expression <SortOrder> src#2041 ASC NULLS FIRST could run on GPU but is going to be \
      removed because parent plan is removed
          ! <RDDScanExec> cannot run on GPU because GPU does not currently support the operator \
      class org.apache.spark.sql.execution.RDDScanExec
            @Expression <AttributeReference> src#2041 could run on GPU
      """;

  private static final String WRITE =
      """
      *Exec <ObjectHashAggregateExec> will run on GPU. The data type of following expressions \
      will be converted: buf#244: Converted BinaryType to ArrayType(StructType(StructField(value,
      IntegerType,true)),false)
        *Partitioning <SinglePartition$> will run on GPU
      !Exec <DataWritingCommandExec> cannot run on GPU because not all data writing commands can \
      be replaced
        !Output <InsertIntoHadoopFsRelationCommand> cannot run on GPU because CSV output is not \
      supported
      """;

  @Test
  void everyMarkedLineIsANodeWithItsVerdictKindOperatorAndReason() {
    GpuExplain explain = GpuExplain.parse(List.of(AGGREGATE));
    assertThat(explain.nodes())
        .containsExactly(
            new Node(Verdict.GPU, "Exec", "HashAggregateExec", ""),
            new Node(Verdict.GPU, "Expression", "AggregateExpression", ""),
            new Node(Verdict.CPU, "Exec", "ProjectExec", "not all expressions can be replaced"),
            new Node(
                Verdict.CPU_BRIDGE,
                "Expression",
                "ScalaUDF",
                "neither UDF implemented by class Foo provides a GPU implementation"),
            new Node(Verdict.OTHER, "Expression", "SortOrder", "parent plan is removed"),
            new Node(
                Verdict.CPU,
                "",
                "RDDScanExec",
                "GPU does not currently support the operator class"
                    + " org.apache.spark.sql.execution.RDDScanExec"),
            new Node(Verdict.OTHER, "Expression", "AttributeReference", ""));
  }

  @Test
  void continuationLinesAreSkippedAndMessagesAdd() {
    GpuExplain explain = GpuExplain.parse(List.of(AGGREGATE, WRITE));
    assertThat(explain.nodes()).hasSize(7 + 4);
    assertThat(explain.onGpu())
        .containsExactly(
            "AggregateExpression",
            "HashAggregateExec",
            "ObjectHashAggregateExec",
            "SinglePartition$");
    assertThat(explain.onCpu())
        .containsOnlyKeys(
            "DataWritingCommandExec",
            "InsertIntoHadoopFsRelationCommand",
            "ProjectExec",
            "RDDScanExec",
            "ScalaUDF");
    assertThat(explain.onCpu().get("InsertIntoHadoopFsRelationCommand"))
        .containsExactly("CSV output is not supported");
    assertThat(explain.operators(Verdict.OTHER)).containsExactly("AttributeReference", "SortOrder");
    assertThat(explain.summary())
        .contains(
            "Exec ProjectExec {CPU=1}\n",
            "Expression ScalaUDF {CPU_BRIDGE=1}\n",
            "\nRDDScanExec {CPU=1}\n")
        .doesNotContain("AggregateExpression");
  }
}
