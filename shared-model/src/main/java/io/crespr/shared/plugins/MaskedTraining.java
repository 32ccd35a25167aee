package io.crespr.shared.plugins;

import io.crespr.shared.data.DataSplit;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Checkpoints;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.PluginRef;
import io.crespr.shared.spi.TrainRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Minibatch training of a checkpoint's network with its masks enforced. The gradient is masked
 * before the updater sees it, so an optimizer's state (Adam's m and v) never moves away from
 * zero at a pruned weight (a fresh network starts with zero state); the parameters are masked
 * again after every step, so a pruned weight is exactly zero at every step.
 */
final class MaskedTraining {

    private MaskedTraining() {
    }

    static Checkpoint run(Checkpoint start, DataSplit data, TrainRequest req, IUpdater updater, String plugin) {
        MultiLayerNetwork net = train(start, data.train(), req, updater);
        Map<String, String> opts = new LinkedHashMap<>(req.options().values());
        opts.put("epochs", String.valueOf(req.epochs()));
        opts.put("batchSize", String.valueOf(req.batchSize()));
        opts.put("learningRate", String.valueOf(req.learningRate()));
        opts.put("seed", String.valueOf(req.seed()));
        PluginRef ref = new PluginRef("train", plugin, opts);
        return start.derive(Checkpoints.newId(), Networks.params(net), start.masks(), start.modules(),
                Checkpoints.next(start, req.stage(), ref, req.round()));
    }

    /** Trains and returns the live network (tests inspect its optimizer state). */
    static MultiLayerNetwork train(Checkpoint start, Dataset train, TrainRequest req, IUpdater updater) {
        MultiLayerNetwork net = Networks.fromCheckpoint(start, updater, req.seed());
        INDArray flatMask = start.masks().isEmpty() ? null : Networks.flatMask(net, start.masks());
        SparsityPenalty penalty = SparsityPenalty.of(start, net, req);
        int[] iterations = {0};
        net.setListeners(new BaseTrainingListener() {
            @Override
            public void onGradientCalculation(Model model) {
                MultiLayerNetwork m = (MultiLayerNetwork) model;
                if (penalty != null) {
                    penalty.addTo(m.getGradientsViewArray(), m.params(), m.batchSize());
                }
                if (flatMask != null) {
                    m.getGradientsViewArray().muli(flatMask);
                }
            }

            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                if (flatMask != null) {
                    model.params().muli(flatMask);
                }
                req.onIteration().accept(++iterations[0]);
            }
        });
        SplittableRandom rng = new SplittableRandom(req.seed());
        int n = train.size();
        int d = train.featureCount();
        int c = train.numClasses();
        for (int epoch = 0; epoch < req.epochs(); epoch++) {
            int[] order = permutation(n, rng.split());
            for (int from = 0; from < n; from += req.batchSize()) {
                int b = Math.min(req.batchSize(), n - from);
                float[] x = new float[b * d];
                float[] y = new float[b * c];
                for (int i = 0; i < b; i++) {
                    int s = order[from + i];
                    System.arraycopy(train.features(), s * d, x, i * d, d);
                    y[i * c + train.labels()[s]] = 1f;
                }
                net.fit(new DataSet(Nd4j.create(x, new long[] {b, d}, 'c'), Nd4j.create(y, new long[] {b, c}, 'c')));
            }
        }
        return net;
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
