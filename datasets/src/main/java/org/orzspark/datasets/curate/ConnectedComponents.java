package org.orzspark.datasets.curate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Connected components of an undirected graph given as an edge table, in Spark: iterative min-label
 * propagation with pointer jumping. Every vertex starts with the smallest id among itself and its
 * neighbours; each round it takes the smallest label among its neighbours (propagation) and then
 * the label of its label (jumping, which halves the remaining distance in chains). Labels only
 * decrease and never leave a component, so at the fixed point each vertex holds its component's
 * smallest id: the deterministic representative.
 *
 * <p>Why this and not union-find on the driver: near-duplicate edges can be as many as the prompts
 * (millions), which a driver need not hold; rounds are DataFrame joins and aggregates that scale
 * out, and near-duplicate groups have a small diameter, so a few rounds suffice (each round is one
 * shuffle join plus one aggregate). Each round's labels are checkpointed to keep the plan short:
 * reliably when the context has a checkpoint directory ({@code SparkContext.setCheckpointDir}, what
 * a cluster whose executors come and go needs), else in executor storage ({@code localCheckpoint}).
 */
public final class ConnectedComponents {

  public static final String SRC = "src";
  public static final String DST = "dst";
  public static final String ID = "id";
  public static final String COMPONENT = "component";

  /**
   * The rounds after which the propagation gives up (a diameter this large means a bad edge set).
   */
  public static final int MAX_ROUNDS = 64;

  private ConnectedComponents() {}

  /**
   * @param edges string columns {@link #SRC}, {@link #DST}; direction and repeats do not matter
   * @return one row per vertex that has an edge: {@link #ID}, {@link #COMPONENT} (the smallest id
   *     of its component; equal to {@code ID} for the representative)
   * @throws IllegalStateException when no fixed point is reached within {@link #MAX_ROUNDS} rounds
   */
  public static Dataset<Row> of(Dataset<Row> edges) {
    Dataset<Row> both =
        edges
            .select(col(SRC), col(DST))
            .union(edges.select(col(DST).as(SRC), col(SRC).as(DST)))
            .filter(col(SRC).notEqual(col(DST)))
            .distinct();
    both = cut(both);
    Dataset<Row> labels =
        cut(both.groupBy(col(SRC).as(ID)).agg(least(col(SRC), min(col(DST))).as(COMPONENT)));
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Dataset<Row> next = cut(jump(propagate(both, labels)));
      long changed =
          next.as("n")
              .join(labels.as("o"), col("n." + ID).equalTo(col("o." + ID)))
              .filter(col("n." + COMPONENT).notEqual(col("o." + COMPONENT)))
              .count();
      labels = next;
      if (changed == 0) {
        return labels;
      }
    }
    throw new IllegalStateException(
        "connected components did not converge in " + MAX_ROUNDS + " rounds");
  }

  private static Dataset<Row> cut(Dataset<Row> frame) {
    return frame.sparkSession().sparkContext().getCheckpointDir().isDefined()
        ? frame.checkpoint()
        : frame.localCheckpoint();
  }

  /** label(v) ← min(label(v), min over neighbours u of label(u)). */
  private static Dataset<Row> propagate(Dataset<Row> edges, Dataset<Row> labels) {
    Dataset<Row> fromNeighbours =
        edges
            .join(labels, edges.col(DST).equalTo(labels.col(ID)))
            .groupBy(edges.col(SRC).as(ID))
            .agg(min(labels.col(COMPONENT)).as("neighbour_min"));
    return labels
        .join(fromNeighbours, ID)
        .select(col(ID), least(col(COMPONENT), col("neighbour_min")).as(COMPONENT));
  }

  /** label(v) ← min(label(v), label(label(v))). */
  private static Dataset<Row> jump(Dataset<Row> labels) {
    Dataset<Row> ofLabel = labels.select(col(ID).as("l_id"), col(COMPONENT).as("l_component"));
    return labels
        .join(ofLabel, labels.col(COMPONENT).equalTo(ofLabel.col("l_id")), "left")
        .select(
            col(ID),
            least(col(COMPONENT), coalesce(col("l_component"), col(COMPONENT))).as(COMPONENT));
  }
}
