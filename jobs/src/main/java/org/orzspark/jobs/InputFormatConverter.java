package org.orzspark.jobs;

import org.orzspark.datasets.read.InputFormat;
import picocli.CommandLine.ITypeConverter;

/**
 * Parses {@code --format} by the formats' command-line names ({@code orz-eval}, not {@code
 * ORZ_EVAL}).
 */
final class InputFormatConverter implements ITypeConverter<InputFormat> {
  @Override
  public InputFormat convert(String value) {
    return InputFormat.byId(value);
  }
}
