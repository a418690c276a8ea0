package io.snmfservice.ui;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chart data for the dashboard's line charts (uPlot, drawn by app.js from a {@code data-chart} attribute): an x
 * axis and named series. Without x the points are numbered from 1.
 */
final class Charts {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Charts() {}

  record Series(String label, List<? extends Number> values) {}

  static String line(String xLabel, List<Series> series, List<? extends Number> x, boolean logY) {
    return line(xLabel, series, x, false, logY);
  }

  /** As {@link #line(String, List, List, boolean)} with a logarithmic x axis when {@code logX} (x must be > 0). */
  static String line(String xLabel, List<Series> series, List<? extends Number> x, boolean logX, boolean logY) {
    List<? extends Number> xs = x;
    if (xs == null) {
      int n = series.isEmpty() ? 0 : series.get(0).values().size();
      xs = java.util.stream.IntStream.rangeClosed(1, n).boxed().toList();
    }
    return JSON.writeValueAsString(Map.of("xLabel", xLabel, "x", xs, "series", series, "logX", logX, "logY", logY));
  }
}
