package org.orzspark.jobs.rapids;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RAPIDS Accelerator's explain output ({@code spark.rapids.sql.explain=ALL}), read back as one
 * verdict per plan node. Each node is a line {@code <marker><kind> <Operator> <text>}, indented
 * under its parent, e.g.
 *
 * <pre>
 * *Exec &lt;HashAggregateExec&gt; will run on GPU
 *   !Exec &lt;ProjectExec&gt; cannot run on GPU because not all expressions can be replaced
 *     ^Expression &lt;ScalaUDF&gt; UDF(response#1) will run on GPU via CPU bridge because ...
 *     ! &lt;RDDScanExec&gt; cannot run on GPU because GPU does not currently support ...
 * </pre>
 *
 * (a long expression may continue on lines of its own, which carry no marker and are skipped).
 */
record GpuExplain(List<Node> nodes) {

  /** What the plugin would do with a node, by its line's first character. */
  enum Verdict {
    /** {@code *}: replaced by its GPU version. */
    GPU,
    /** {@code ^}: a row-based expression evaluated on the CPU inside a GPU operator. */
    CPU_BRIDGE,
    /** {@code !}: stays on the CPU. */
    CPU,
    /**
     * {@code @}, {@code #}, {@code $}: could run on GPU, but its parent does not or it is removed.
     */
    OTHER;

    static Verdict of(char marker) {
      return switch (marker) {
        case '*' -> GPU;
        case '^' -> CPU_BRIDGE;
        case '!' -> CPU;
        default -> OTHER;
      };
    }
  }

  /**
   * @param kind Exec, Expression, Partitioning, Output, ... (empty for an operator the plugin does
   *     not know at all)
   * @param operator Spark's class of the node, simple name ({@code FileSourceScanExec})
   * @param reason the text after "because", or empty
   */
  record Node(Verdict verdict, String kind, String operator, String reason) {}

  private static final Pattern NODE = Pattern.compile("^\\s*([*^!@#$])(\\w*) <([\\w$]+)>(.*)$");
  private static final String BECAUSE = " because ";

  /** The nodes of every explain message, in order. */
  static GpuExplain parse(List<String> messages) {
    List<Node> nodes = new ArrayList<>();
    for (String message : messages) {
      for (String line : message.split("\\R")) {
        Matcher m = NODE.matcher(line);
        if (m.matches()) {
          String rest = m.group(4);
          int because = rest.indexOf(BECAUSE);
          nodes.add(
              new Node(
                  Verdict.of(m.group(1).charAt(0)),
                  m.group(2),
                  m.group(3),
                  because < 0 ? "" : rest.substring(because + BECAUSE.length())));
        }
      }
    }
    return new GpuExplain(nodes);
  }

  /** Operators replaced by their GPU version at least once. */
  Set<String> onGpu() {
    return operators(Verdict.GPU);
  }

  /** Operators left on the CPU at least once, with every reason the plugin gave. */
  Map<String, Set<String>> onCpu() {
    Map<String, Set<String>> reasons = new TreeMap<>();
    for (Node node : nodes) {
      if (node.verdict() == Verdict.CPU || node.verdict() == Verdict.CPU_BRIDGE) {
        reasons.computeIfAbsent(node.operator(), k -> new TreeSet<>()).add(node.reason());
      }
    }
    return reasons;
  }

  /** Operators with {@code verdict} at least once. */
  Set<String> operators(Verdict verdict) {
    Set<String> operators = new TreeSet<>();
    for (Node node : nodes) {
      if (node.verdict() == verdict) {
        operators.add(node.operator());
      }
    }
    return operators;
  }

  /** One line per operator: its verdicts and how often each was given. */
  String summary() {
    Map<String, Map<Verdict, Integer>> counts = new TreeMap<>();
    for (Node node : nodes) {
      if (!node.kind().equals("Expression") || node.verdict() != Verdict.GPU) {
        counts
            .computeIfAbsent(
                (node.kind().isEmpty() ? "" : node.kind() + " ") + node.operator(),
                k -> new TreeMap<>())
            .merge(node.verdict(), 1, Integer::sum);
      }
    }
    StringBuilder text = new StringBuilder();
    counts.forEach(
        (operator, verdicts) -> text.append(operator).append(' ').append(verdicts).append('\n'));
    return text.toString();
  }
}
