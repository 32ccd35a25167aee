package io.crespr.shared.hessian;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.data.Datasets;
import io.crespr.shared.model.Architecture;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import io.crespr.shared.plugins.ObsScorer;
import io.crespr.shared.spi.PluginOptions;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times the {@code obs} scorer on LeNet-300-100 (its 784-input first layer dominates) with
 * 10,000 calibration samples: Fashion-MNIST when it has been fetched, else the bundled
 * mnist-mini training samples repeated to 10,000. Also times the parts (inputs + XᵀX, the 784
 * factorisation and inverse diagonal) and {@link ObsUpdate} on the first layer at 50 % and
 * 90 % random sparsity. Prints seconds; run with
 * {@code java -cp … io.crespr.shared.hessian.ObsScorerBench [repeats]}.
 */
public final class ObsScorerBench {

    private static final int SAMPLES = 10_000;

    private ObsScorerBench() {
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        DataSplit data = calibrationData();
        System.out.printf("data: %s, %d train samples%n", data.name(), data.train().size());
        Checkpoint c = Checkpoints.init(Architecture.parse("lenet-300-100"),
                new Networks.Io(data.inputShape(), data.numClasses()), data.name(), 1);
        PluginOptions options = new PluginOptions("obs", Map.of("calibration", String.valueOf(SAMPLES)));
        ObsScorer scorer = new ObsScorer();
        // Warm-up: ND4J native start, JIT.
        scorer.score(c, data, new PluginOptions("obs", Map.of("calibration", "1000")), 0);
        scorer.score(c, data, options, 0);
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            scorer.score(c, data, options, r);
            long t1 = System.nanoTime();
            Map<String, LayerHessian> hs = LayerHessian.collect(c, data.train(), SAMPLES, LayerHessian.DEFAULT_DAMPING, r);
            long t2 = System.nanoTime();
            LayerHessian h0 = hs.get("0_W");
            h0.inverseDiagonal();
            long t3 = System.nanoTime();
            boolean singular = h0.singular();
            long t4 = System.nanoTime();
            System.out.printf("obs scorer, all layers: %.3f s | inputs + XᵀX (all layers): %.3f s | "
                            + "784 Cholesky + inverse diagonal: %.3f s | singularity check: %.3f s (singular: %s)%n",
                    sec(t0, t1), sec(t1, t2), sec(t2, t3), sec(t3, t4), singular);
        }
        Map<String, LayerHessian> hs = LayerHessian.collect(c, data.train(), SAMPLES, LayerHessian.DEFAULT_DAMPING, 0);
        ParamTensor w = c.param("0_W");
        for (double sparsity : new double[] {0.9, 0.5}) {
            boolean[] keep = new boolean[w.size()];
            SplittableRandom rnd = new SplittableRandom(1);
            for (int i = 0; i < keep.length; i++) {
                keep[i] = rnd.nextDouble() >= sparsity;
            }
            long t0 = System.nanoTime();
            ObsUpdate.Result res = ObsUpdate.refit(w, keep, hs.get("0_W"));
            long t1 = System.nanoTime();
            System.out.printf("ObsUpdate 784×300 at %.0f %% random sparsity: %.3f s (predicted loss rise %.4g)%n",
                    sparsity * 100, sec(t0, t1), res.lossRise());
        }
    }

    private static DataSplit calibrationData() {
        try {
            return Datasets.load(Datasets.FASHION_MNIST, Datasets.defaultDataDir(), 1);
        } catch (InvalidInputException e) {
            DataSplit mini = Datasets.load(Datasets.MNIST_MINI, null, 1);
            Dataset t = mini.train();
            int[] idx = new int[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                idx[i] = i % t.size();
            }
            return new DataSplit(mini.name() + " (repeated)", t.subset(idx, t.name() + "-repeated"), mini.validation(),
                    mini.test());
        }
    }

    private static double sec(long from, long to) {
        return (to - from) / 1e9;
    }
}
