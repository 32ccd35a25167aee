package io.crespr.shared.data;

import io.crespr.shared.InvalidInputException;
import java.util.Arrays;

/**
 * A labelled classification dataset held in memory: {@code size()} samples of
 * {@code featureCount()} float features each, row-major in {@code features}.
 *
 * @param name        the dataset's name (e.g. {@code fashion-mnist})
 * @param inputShape  the shape of one sample: {@code {d}} for vectors, {@code {c, h, w}} for images
 * @param numClasses  the number of classes; labels lie in {@code [0, numClasses)}
 * @param features    {@code size() * featureCount()} values, sample after sample
 * @param labels      one class index per sample
 */
public record Dataset(String name, int[] inputShape, int numClasses, float[] features, int[] labels) {

    public Dataset {
        if (inputShape.length == 0) {
            throw new InvalidInputException("dataset " + name + ": input shape must not be empty");
        }
        int d = 1;
        for (int s : inputShape) {
            d *= s;
        }
        if (features.length != (long) d * labels.length) {
            throw new InvalidInputException("dataset " + name + ": " + features.length
                    + " feature values do not fit " + labels.length + " samples of " + d + " features");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new InvalidInputException("dataset " + name + ": label " + labels[i] + " of sample " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    public int featureCount() {
        return labels.length == 0 ? Arrays.stream(inputShape).reduce(1, (a, b) -> a * b) : features.length / labels.length;
    }

    /** The samples at {@code indices}, in that order, as a new dataset. */
    public Dataset subset(int[] indices, String newName) {
        int d = featureCount();
        float[] f = new float[indices.length * d];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features, indices[i] * d, f, i * d, d);
            y[i] = labels[indices[i]];
        }
        return new Dataset(newName, inputShape.clone(), numClasses, f, y);
    }

    /** Samples per class. */
    public int[] classCounts() {
        int[] c = new int[numClasses];
        for (int y : labels) {
            c[y]++;
        }
        return c;
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + size() + " samples, shape " + Arrays.toString(inputShape) + ", "
                + numClasses + " classes]";
    }
}
