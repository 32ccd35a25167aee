package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * k-means (Lloyd 1982) with k-means++ seeding (Arthur &amp; Vassilvitskii 2007) and restarts,
 * every random draw from a {@link SplittableRandom} split per restart, so the same seed gives
 * the same clusters. In balanced mode the assignment step is {@link BalancedAssignment#balanced}
 * on negative squared distances (a balanced k-means; sizes differ by at most one), otherwise
 * the nearest centroid, with empty clusters re-seeded at the point farthest from its
 * centroid. The restart with the least within-cluster sum of squares wins (the earlier one on
 * a tie).
 */
public final class SeededKMeans {

    /** Lloyd iterations per restart at most. */
    static final int MAX_ITERATIONS = 100;

    private SeededKMeans() {
    }

    /** A clustering: the label of every point, the centroids, and the within-cluster sum of squares. */
    public record Result(int[] labels, double[][] centroids, double inertia) {
    }

    /**
     * Clusters {@code points} (rows, all of the same dimension) into {@code k} non-empty clusters.
     *
     * @param restarts independent k-means++ starts, at least 1
     */
    public static Result cluster(double[][] points, int k, int restarts, boolean balanced, SplittableRandom random) {
        int n = points.length;
        if (k < 1 || k > n) {
            throw new InvalidInputException("k-means cannot make " + k + " non-empty clusters of " + n + " points");
        }
        if (restarts < 1) {
            throw new InvalidInputException("k-means restarts must be at least 1, got " + restarts);
        }
        Result best = null;
        for (int r = 0; r < restarts; r++) {
            Result run = lloyd(points, k, balanced, random.split());
            if (best == null || run.inertia() < best.inertia()) {
                best = run;
            }
        }
        return best;
    }

    private static Result lloyd(double[][] points, int k, boolean balanced, SplittableRandom random) {
        int n = points.length;
        double[][] centroids = plusPlusSeeds(points, k, random);
        int[] labels = null;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            int[] next = assign(points, centroids, balanced);
            if (labels != null && Arrays.equals(next, labels)) {
                break;
            }
            labels = next;
            centroids = means(points, labels, k, centroids);
        }
        if (!balanced) {
            labels = BalancedAssignment.preferred(negativeDistances(points, centroids), k);
            centroids = means(points, labels, k, centroids);
        }
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            inertia += squaredDistance(points[i], centroids[labels[i]]);
        }
        return new Result(labels, centroids, inertia);
    }

    private static int[] assign(double[][] points, double[][] centroids, boolean balanced) {
        double[][] preference = negativeDistances(points, centroids);
        if (balanced) {
            return BalancedAssignment.balanced(preference, centroids.length);
        }
        int[] labels = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            int best = 0;
            for (int c = 1; c < centroids.length; c++) {
                if (preference[i][c] > preference[i][best]) {
                    best = c;
                }
            }
            labels[i] = best;
        }
        return labels;
    }

    private static double[][] negativeDistances(double[][] points, double[][] centroids) {
        double[][] p = new double[points.length][centroids.length];
        for (int i = 0; i < points.length; i++) {
            for (int c = 0; c < centroids.length; c++) {
                p[i][c] = -squaredDistance(points[i], centroids[c]);
            }
        }
        return p;
    }

    /** New centroids as cluster means; an empty cluster moves to the point farthest from its own centroid. */
    private static double[][] means(double[][] points, int[] labels, int k, double[][] previous) {
        int d = points[0].length;
        double[][] sum = new double[k][d];
        int[] count = new int[k];
        for (int i = 0; i < points.length; i++) {
            count[labels[i]]++;
            for (int t = 0; t < d; t++) {
                sum[labels[i]][t] += points[i][t];
            }
        }
        boolean[] taken = new boolean[points.length];
        for (int c = 0; c < k; c++) {
            if (count[c] > 0) {
                for (int t = 0; t < d; t++) {
                    sum[c][t] /= count[c];
                }
                continue;
            }
            int far = -1;
            double farthest = -1;
            for (int i = 0; i < points.length; i++) {
                double dist = squaredDistance(points[i], previous[labels[i]]);
                if (!taken[i] && dist > farthest) {
                    farthest = dist;
                    far = i;
                }
            }
            taken[far] = true;
            sum[c] = points[far].clone();
        }
        return sum;
    }

    /** k-means++: the first seed uniform, each next one with probability proportional to D². */
    private static double[][] plusPlusSeeds(double[][] points, int k, SplittableRandom random) {
        int n = points.length;
        double[][] seeds = new double[k][];
        boolean[] chosen = new boolean[n];
        int first = random.nextInt(n);
        seeds[0] = points[first].clone();
        chosen[first] = true;
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = squaredDistance(points[i], seeds[0]);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += chosen[i] ? 0 : d2[i];
            }
            int pick = -1;
            if (total > 0) {
                double target = random.nextDouble() * total;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    if (chosen[i] || d2[i] == 0) {
                        continue;
                    }
                    acc += d2[i];
                    pick = i;
                    if (acc > target) {
                        break;
                    }
                }
            }
            if (pick == -1) {
                // All remaining points coincide with a seed: pick any unchosen one uniformly.
                int skip = random.nextInt(n - c);
                for (int i = 0; i < n; i++) {
                    if (!chosen[i] && skip-- == 0) {
                        pick = i;
                        break;
                    }
                }
            }
            chosen[pick] = true;
            seeds[c] = points[pick].clone();
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], squaredDistance(points[i], seeds[c]));
            }
        }
        return seeds;
    }

    static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int t = 0; t < a.length; t++) {
            double diff = a[t] - b[t];
            s += diff * diff;
        }
        return s;
    }
}
