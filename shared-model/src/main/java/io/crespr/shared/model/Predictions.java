package io.crespr.shared.model;

import io.crespr.shared.data.Dataset;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Class predictions of a network on a dataset, computed in batches. */
public final class Predictions {

    private static final int BATCH = 1000;

    private Predictions() {
    }

    public static int[] predict(MultiLayerNetwork net, Dataset data) {
        int n = data.size();
        int d = data.featureCount();
        int[] out = new int[n];
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            float[] x = new float[b * d];
            System.arraycopy(data.features(), from * d, x, 0, b * d);
            INDArray p = net.output(Nd4j.create(x, new long[] {b, d}, 'c'), false);
            int[] arg = Nd4j.argMax(p, 1).toIntVector();
            System.arraycopy(arg, 0, out, from, b);
        }
        return out;
    }

    public static double accuracy(int[] predicted, int[] labels) {
        int ok = 0;
        for (int i = 0; i < labels.length; i++) {
            ok += predicted[i] == labels[i] ? 1 : 0;
        }
        return labels.length == 0 ? 0 : (double) ok / labels.length;
    }

    /** Recall of every class (NaN for a class without samples). */
    public static double[] recallPerClass(int[] predicted, int[] labels, int numClasses) {
        int[] hit = new int[numClasses];
        int[] count = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            count[labels[i]]++;
            hit[labels[i]] += predicted[i] == labels[i] ? 1 : 0;
        }
        double[] r = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            r[c] = count[c] == 0 ? Double.NaN : (double) hit[c] / count[c];
        }
        return r;
    }
}
