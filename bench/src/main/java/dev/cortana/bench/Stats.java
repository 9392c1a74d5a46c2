package dev.cortana.bench;

import java.util.Arrays;

/** Median and percentiles of a sample, printed the same way by every harness. */
public record Stats(double median, double p90, double min, double max, int count) {

    public static Stats of(double[] samples) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Stats(percentile(sorted, 50), percentile(sorted, 90), sorted[0], sorted[sorted.length - 1], sorted.length);
    }

    private static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    public String format(String unit) {
        return String.format("median %.2f %s, p90 %.2f %s, min %.2f, max %.2f (n=%d)", median, unit, p90, unit, min, max, count);
    }
}
