package org.orzspark.analysis;

import java.util.List;
import java.util.Map;

/**
 * The training metrics of a run ({@code R/metrics/}), one value per iteration and column.
 *
 * @param iterations ascending
 * @param columns numeric columns by name ({@code reward/mean}, {@code losses/policy}, ...) in the
 *     table's order; each array parallel to {@code iterations}, NaN where the iteration lacks it
 */
public record MetricsTable(List<Integer> iterations, Map<String, double[]> columns) {}
