package org.orzspark.jobs.rapids;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the RAPIDS Accelerator's explain messages: in explain-only mode the plugin logs each
 * query's would-be GPU plan as one WARN message of {@code GpuOverrides} (and still runs the query
 * on the CPU).
 */
final class ExplainLog extends AbstractAppender {
  private static final String PLUGIN_LOGGERS = "com.nvidia.spark.rapids.";

  private final List<String> messages = new CopyOnWriteArrayList<>();

  ExplainLog() {
    super("rapids-explain", null, null, true, Property.EMPTY_ARRAY);
  }

  @Override
  public void append(LogEvent event) {
    if (event.getLoggerName().startsWith(PLUGIN_LOGGERS)) {
      messages.add(event.getMessage().getFormattedMessage());
    }
  }

  /** Listens on the root logger, beside the console appender of the tests' log4j2 file. */
  void attach() {
    start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().addAppender(this, Level.WARN, null);
    context.updateLoggers();
  }

  void detach() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(getName());
    context.updateLoggers();
    stop();
  }

  /** The verdicts logged since the last call, which forgets them. */
  GpuExplain take() {
    List<String> taken = List.copyOf(messages);
    messages.removeAll(taken);
    return GpuExplain.parse(taken);
  }
}
