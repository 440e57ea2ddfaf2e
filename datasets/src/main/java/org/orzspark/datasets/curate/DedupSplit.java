package org.orzspark.datasets.curate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one deduplication stage keeps and removes.
 *
 * @param kept prompt rows ({@link org.orzspark.datasets.PromptSchema})
 * @param removed {@link RemovedDuplicates#SCHEMA} rows
 */
public record DedupSplit(Dataset<Row> kept, Dataset<Row> removed) {}
