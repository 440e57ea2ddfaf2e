package org.orzspark.stages;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Named figures (an iteration's metrics, a benchmark's evaluation) as a one-row table: one double
 * column per figure, in the map's order, in a single partition.
 */
public final class FigureRow {
  private FigureRow() {}

  public static Dataset<Row> of(SparkSession spark, Map<String, Double> figures) {
    StructType schema = new StructType();
    List<Object> values = new ArrayList<>();
    for (var figure : figures.entrySet()) {
      schema = schema.add(figure.getKey(), DataTypes.DoubleType, true);
      values.add(figure.getValue());
    }
    return spark.createDataFrame(List.of(RowFactory.create(values.toArray())), schema).coalesce(1);
  }
}
