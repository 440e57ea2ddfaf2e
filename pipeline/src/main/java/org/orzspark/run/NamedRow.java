package org.orzspark.run;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Builds a row of a table owner's schema by column name, so a writer cannot put a value in the
 * wrong column when columns are added or reordered: an unknown name fails at once, and so does a
 * non-nullable column left unset.
 */
final class NamedRow {
  private final StructType schema;
  private final Object[] values;
  private final boolean[] set;

  NamedRow(StructType schema) {
    this.schema = schema;
    this.values = new Object[schema.length()];
    this.set = new boolean[schema.length()];
  }

  /** Sets {@code column}; an {@link IllegalArgumentException} if the schema has no such column. */
  NamedRow set(String column, Object value) {
    int i = schema.fieldIndex(column);
    values[i] = value;
    set[i] = true;
    return this;
  }

  Row build() {
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (!set[i] && !fields[i].nullable()) {
        throw new IllegalStateException("no value for the non-nullable column " + fields[i].name());
      }
    }
    return RowFactory.create(values);
  }
}
