package io.crespr.shared.modules;

import io.crespr.shared.InvalidInputException;

/** Similarities between classes, the input of class grouping by {@link AverageLinkage}. */
public final class ClassSimilarity {

    private ClassSimilarity() {
    }

    /**
     * Cosine similarity of the classes' incoming |w| vectors in the last weight layer: two
     * classes are similar when they draw on the same units of the last hidden layer. A class
     * with no surviving incoming weight has similarity 0 to every other class.
     */
    public static double[][] ofIncomingWeights(NetworkGraph g) {
        int last = g.classLayer() - 1;
        double[][] incoming = new double[g.size(last)][g.size(g.classLayer())];
        for (int i = 0; i < incoming.length; i++) {
            for (int c = 0; c < incoming[i].length; c++) {
                incoming[i][c] = g.mass(last, i, c);
            }
        }
        return cosineOfColumns(incoming, g.size(g.classLayer()));
    }

    /**
     * Classes are similar when they sit close together in the spectral embedding of the whole
     * weight graph ({@link SpectralEmbedding}, {@code k} eigenvectors): the cosine similarity of
     * their Ng–Jordan–Weiss rows. Unlike raw |w| products, the normalized Laplacian's
     * eigenvectors discount the common mode every dense layer has (every class reaches every
     * input), so they keep group structure that path profiles blur.
     */
    public static double[][] ofSpectralEmbedding(NetworkGraph g, int k, SpectralEmbedding.Solver solver) {
        double[][] rows = SpectralEmbedding.of(g, k, solver).rows(g.classLayer());
        int classes = rows.length;
        double[][] sim = new double[classes][classes];
        for (int a = 0; a < classes; a++) {
            for (int b = 0; b < classes; b++) {
                double dot = 0;
                for (int e = 0; e < rows[a].length; e++) {
                    dot += rows[a][e] * rows[b][e];
                }
                sim[a][b] = dot;
            }
        }
        return sim;
    }

    private static double[][] cosineOfColumns(double[][] rows, int columns) {
        double[] norm = new double[columns];
        double[][] dot = new double[columns][columns];
        for (double[] r : rows) {
            for (int a = 0; a < columns; a++) {
                if (r[a] == 0) {
                    continue;
                }
                norm[a] += r[a] * r[a];
                for (int b = 0; b < columns; b++) {
                    dot[a][b] += r[a] * r[b];
                }
            }
        }
        double[][] cos = new double[columns][columns];
        for (int a = 0; a < columns; a++) {
            for (int b = 0; b < columns; b++) {
                cos[a][b] = norm[a] == 0 || norm[b] == 0 ? 0 : dot[a][b] / Math.sqrt(norm[a] * norm[b]);
            }
        }
        return cos;
    }

    /**
     * The symmetrised confusion rates: {@code (R[a][b] + R[b][a]) / 2}, where {@code R[a][b]}
     * is the share of class-{@code a} samples predicted as {@code b}. Classes the network
     * confuses are similar. The diagonal is 0 (it plays no part in linkage).
     */
    public static double[][] ofConfusion(int[] predicted, int[] labels, int numClasses) {
        if (predicted.length != labels.length) {
            throw new InvalidInputException("confusion needs one prediction per label, got " + predicted.length
                    + " predictions for " + labels.length + " labels");
        }
        double[][] count = new double[numClasses][numClasses];
        int[] perClass = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses || predicted[i] < 0 || predicted[i] >= numClasses) {
                throw new InvalidInputException("confusion: class " + labels[i] + " or prediction " + predicted[i]
                        + " of sample " + i + " is outside [0, " + numClasses + ")");
            }
            count[labels[i]][predicted[i]]++;
            perClass[labels[i]]++;
        }
        double[][] sim = new double[numClasses][numClasses];
        for (int a = 0; a < numClasses; a++) {
            for (int b = 0; b < numClasses; b++) {
                if (a == b) {
                    continue;
                }
                double ab = perClass[a] == 0 ? 0 : count[a][b] / perClass[a];
                double ba = perClass[b] == 0 ? 0 : count[b][a] / perClass[b];
                sim[a][b] = 0.5 * (ab + ba);
            }
        }
        return sim;
    }
}
