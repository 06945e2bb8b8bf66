package eu.runlater.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles and medians. */
final class Stats {
  private Stats() {}

  /** Lateness (or latency) figures in milliseconds over {@code count} samples. */
  record Percentiles(int count, double p50, double p95, double p99, double max) {
    static Percentiles of(double[] millis) {
      if (millis.length == 0) {
        return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      double[] sorted = millis.clone();
      Arrays.sort(sorted);
      return new Percentiles(
          sorted.length,
          percentile(sorted, 50),
          percentile(sorted, 95),
          percentile(sorted, 99),
          sorted[sorted.length - 1]);
    }

    @Override
    public String toString() {
      return "n=%d p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms"
          .formatted(count, p50, p95, p99, max);
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
  }

  static double median(List<Double> values) {
    double[] v = values.stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
