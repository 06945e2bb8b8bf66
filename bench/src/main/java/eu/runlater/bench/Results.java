package eu.runlater.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every figure of every run, by name, in the order first recorded; printed as a Markdown table with
 * one column per run and the median.
 */
final class Results {
  private final Map<String, List<Double>> values = new LinkedHashMap<>();
  private final int runs;
  private final String label;

  Results(int runs, String label) {
    this.runs = runs;
    this.label = label;
  }

  void put(int run, String name, double value) {
    List<Double> list = values.computeIfAbsent(name, k -> new ArrayList<>());
    while (list.size() < runs) {
      list.add(Double.NaN);
    }
    list.set(run, value);
    System.out.printf("  [%s %d] %s = %s%n", label, run + 1, name, format(value));
  }

  double get(int run, String name) {
    List<Double> list = values.get(name);
    return list == null || run >= list.size() ? Double.NaN : list.get(run);
  }

  double median(String name) {
    List<Double> list = values.get(name);
    return list == null ? Double.NaN : Stats.median(list);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String table() {
    StringBuilder out = new StringBuilder("| figure |");
    for (int r = 1; r <= runs; r++) {
      out.append(" run ").append(r).append(" |");
    }
    out.append(" median |\n|---|");
    out.append("---:|".repeat(runs + 1)).append('\n');
    for (var e : values.entrySet()) {
      out.append("| ").append(e.getKey()).append(" |");
      for (double v : e.getValue()) {
        out.append(' ').append(format(v)).append(" |");
      }
      out.append(' ').append(format(Stats.median(e.getValue()))).append(" |\n");
    }
    return out.toString();
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format("%,.0f", v);
    }
    if (a >= 100) {
      return String.format("%.0f", v);
    }
    if (a >= 10) {
      return String.format("%.1f", v);
    }
    return String.format("%.2f", v);
  }
}
