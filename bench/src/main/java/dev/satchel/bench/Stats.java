package dev.satchel.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The median of repeated measurements and its distribution-free 95 % interval (order statistics of
 * the binomial), used for ratios measured in alternating pairs: no assumption about the noise.
 */
final class Stats {
    private Stats() {}

    /** A median with the interval around it; the bounds are NaN when there are too few values for 95 %. */
    record Median(double median, double low, double high, int n) {}

    static Median median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.removeIf(d -> d == null || d.isNaN());
        Collections.sort(v);
        int n = v.size();
        if (n == 0) {
            return new Median(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        // The largest k with P(Binomial(n, 1/2) < k) <= 2.5 %: [x(k), x(n-k+1)] covers the median with >= 95 %.
        int k = 0;
        double below = 0;
        for (int j = 0; j <= n; j++) {
            double next = below + binomialHalf(n, j);
            if (next > 0.025) {
                k = j;
                break;
            }
            below = next;
        }
        if (k < 1) {
            return new Median(median, Double.NaN, Double.NaN, n);
        }
        return new Median(median, v.get(k - 1), v.get(n - k), n);
    }

    private static double binomialHalf(int n, int j) {
        double logC = 0;
        for (int i = 1; i <= j; i++) {
            logC += Math.log(n - j + i) - Math.log(i);
        }
        return Math.exp(logC - n * Math.log(2));
    }
}
