package org.orzspark.datasets.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads a few top-level columns of a small Parquet table on the driver with Parquet's own reader:
 * no Spark job, no schema inference, and only the requested column chunks are read. For the run's
 * small bookkeeping reads (the sample stage's prompt ids and drawn prompts), where the fixed cost
 * of Spark jobs (scheduling, code generation) was many times the work.
 */
public final class DriverParquet {
  private DriverParquet() {}

  /**
   * Calls {@code row} with the values of {@code columns} of every row of {@code paths} (Parquet
   * files, or folders whose data files are read as Spark reads a folder: every file below it whose
   * name starts with neither {@code _} nor {@code .}), file by file. A value is a {@code String}
   * (UTF-8 binary), an {@code Integer} (INT32) or {@code Long} (INT64), or null.
   *
   * @throws IllegalArgumentException for a column that is missing, nested, repeated or of another
   *     type
   */
  public static void read(
      Configuration conf, String[] paths, List<String> columns, Consumer<Object[]> row)
      throws IOException {
    for (Path file : dataFiles(conf, paths)) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        List<Type> fields = new ArrayList<>();
        for (String column : columns) {
          fields.add(column(schema, column, file));
        }
        MessageType projection = new MessageType(schema.getName(), fields);
        reader.setRequestedSchema(projection);
        MessageColumnIO io = new ColumnIOFactory().getColumnIO(projection, schema);
        PageReadStore rowGroup;
        while ((rowGroup = reader.readNextRowGroup()) != null) {
          RecordReader<Group> records =
              io.getRecordReader(rowGroup, new GroupRecordConverter(projection));
          for (long i = 0; i < rowGroup.getRowCount(); i++) {
            row.accept(values(records.read(), fields));
          }
        }
      }
    }
  }

  private static Type column(MessageType schema, String name, Path file) {
    if (!schema.containsField(name)) {
      throw new IllegalArgumentException(file + " has no column " + name);
    }
    Type type = schema.getType(name);
    if (!type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED)) {
      throw new IllegalArgumentException(file + ": column " + name + " is not a plain value");
    }
    return type;
  }

  private static Object[] values(Group group, List<Type> fields) {
    Object[] values = new Object[fields.size()];
    for (int i = 0; i < values.length; i++) {
      if (group.getFieldRepetitionCount(i) > 0) {
        values[i] = value(group, i, fields.get(i));
      }
    }
    return values;
  }

  private static Object value(Group group, int field, Type type) {
    PrimitiveType.PrimitiveTypeName primitive = type.asPrimitiveType().getPrimitiveTypeName();
    return switch (primitive) {
      case BINARY -> group.getString(field, 0);
      case INT32 -> group.getInteger(field, 0);
      case INT64 -> group.getLong(field, 0);
      default ->
          throw new IllegalArgumentException(
              "column " + type.getName() + " is " + primitive + ", not a string or an integer");
    };
  }

  /** The Parquet files of {@code paths}: files as they are, folders' data files in name order. */
  private static List<Path> dataFiles(Configuration conf, String[] paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String name : paths) {
      Path path = new Path(name);
      FileSystem fs = path.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory()) {
        addDataFiles(fs, path, files);
      } else {
        files.add(status.getPath());
      }
    }
    return files;
  }

  private static void addDataFiles(FileSystem fs, Path dir, List<Path> files) throws IOException {
    FileStatus[] entries = fs.listStatus(dir);
    Arrays.sort(entries);
    for (FileStatus entry : entries) {
      String name = entry.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (entry.isDirectory()) {
        addDataFiles(fs, entry.getPath(), files);
      } else {
        files.add(entry.getPath());
      }
    }
  }
}
