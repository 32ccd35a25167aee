package io.crespr.inferencebench;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The images a pruned checkpoint is run on when it is timed: the test split of a dataset, split
 * with the checkpoint's seed (so it is the test split the checkpoint was evaluated on), cut into
 * batches of consecutive images.
 */
public final class TestInputs {

    /** The most batches {@link #batches} prepares; a forward call cycles through them. */
    public static final int MAX_BATCHES = 64;

    private TestInputs() {
    }

    /**
     * The test split of {@code dataset} (or, when {@code null}, of the dataset the checkpoint was
     * made on), split with {@code seed} (or, when {@code null}, the checkpoint's own seed).
     *
     * @param dataDir where fetched datasets live; {@code null} for {@link Datasets#defaultDataDir()}
     */
    public static Dataset testSplit(Checkpoint c, String dataset, Long seed, Path dataDir) {
        return testSplit(seed != null ? seed : c.provenance().seed(), dataset != null ? dataset : datasetOf(c), dataDir);
    }

    public static Dataset testSplit(long seed, String dataset, Path dataDir) {
        DataSplit data = Datasets.load(dataset, dataDir != null ? dataDir : Datasets.defaultDataDir(), seed);
        return data.test();
    }

    /** The dataset a checkpoint was made on (its provenance's), {@code mnist-mini} when it does not say. */
    public static String datasetOf(Checkpoint c) {
        String d = c.provenance() == null ? null : c.provenance().dataset();
        try {
            return d == null || d.isBlank() || !Datasets.isKnown(d) ? Datasets.MNIST_MINI : d;
        } catch (io.crespr.shared.InvalidInputException e) {
            return Datasets.MNIST_MINI; // a malformed NAME:N
        }
    }

    /** The largest batch the timing commands take: a batch is one array, and 65,536 images of 28×28 are 200 MB. */
    public static final int MAX_BATCH = 65_536;

    /**
     * Refuses a batch size outside 1 .. {@link #MAX_BATCH}, naming the option.
     *
     * @throws io.crespr.shared.InvalidInputException when it is outside
     */
    public static void checkBatch(int batch, String option) {
        if (batch < 1 || batch > MAX_BATCH) {
            throw new io.crespr.shared.InvalidInputException("--" + option + " must be between 1 and " + MAX_BATCH
                    + ", got " + batch);
        }
    }

    /**
     * Batches of {@code batch} consecutive test images, wrapping around at the end of the split:
     * enough batches to cover every image once, at least two (so successive calls never see the
     * same input twice in a row when the split allows it) and at most {@link #MAX_BATCHES}.
     */
    public static List<float[]> batches(Dataset test, int batch) {
        checkBatch(batch, "batch");
        int d = test.featureCount();
        int n = (int) Math.max(2, Math.min(MAX_BATCHES, ((long) test.size() + batch - 1) / batch));
        List<float[]> out = new ArrayList<>();
        int next = 0;
        for (int k = 0; k < n; k++) {
            float[] x = new float[batch * d];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(test.features(), next * d, x, b * d, d);
                next = (next + 1) % test.size();
            }
            out.add(x);
        }
        return out;
    }
}
